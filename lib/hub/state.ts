import { z } from 'zod';

/** What the extension's pages are told about the Client Hub server (lib/messaging/contract.ts). */

/** What the extension's pages may know of the link: never the token. */
export const hubStateSchema = z.object({
  connected: z.boolean(),
  /** A server address fixed by the firm's browser policy (managed storage `hubUrl`). */
  managedUrl: z.string().nullable(),
  url: z.string().nullable(),
  user: z.object({ id: z.string(), name: z.string(), email: z.string(), role: z.string() }).nullable(),
  firm: z.object({ id: z.string(), name: z.string() }).nullable(),
  /** The server refused the stored sign-in: sign in again (nothing local was removed). */
  signInRefused: z.boolean(),
  checkedAt: z.number().nullable(),
  /**
   * In plain words: a change from the server this browser could not read (it stays until a pull reads
   * past it), else the last check's problem (server unreachable, busy...).
   */
  problem: z
    .object({
      code: z.string(),
      title: z.string(),
      message: z.string(),
      action: z.string(),
      supportDetail: z.string().optional(),
    })
    .nullable(),
  /** Changes for the server still kept on this computer, and whose sign-in sends them. */
  unsent: z.object({ count: z.number().int().min(1), message: z.string() }).nullable(),
});
export type HubState = z.infer<typeof hubStateSchema>;

/** One row of the firm's integration table. */
export const firmConnectionRowSchema = z.object({
  tenantId: z.string(),
  organisationName: z.string(),
  shortCode: z.string().nullable(),
  monitoredAccounts: z.array(z.string()),
  health: z.enum(['healthy', 'needs attention', 'disconnected']),
  lastSyncAt: z.number().nullable(),
  /** The firm user who first connected it ("Sent by"); null when the server does not know it yet. */
  connectedBy: z.string().nullable(),
  /** This browser holds the Xero sign-in and syncs it; otherwise a colleague's browser does. */
  syncedHere: z.boolean(),
  onServer: z.boolean(),
});
export type FirmConnectionRow = z.infer<typeof firmConnectionRowSchema>;

/**
 * The address a person typed, as the origin the extension will talk to, or null when it cannot be
 * one. A bearer token must not travel in the clear: https only, except on `plainHttpHost` (a sandbox
 * build's own host, where the demo's and the tests' hub runs; lib/config/manifest.ts).
 */
export function serverOriginOf(address: string, plainHttpHost: string | null = null): string | null {
  let url: URL;
  try {
    url = new URL(address.trim());
  } catch {
    return null;
  }
  const plainAllowed = plainHttpHost !== null && url.hostname === plainHttpHost;
  if (url.protocol === 'https:' || (url.protocol === 'http:' && plainAllowed)) return url.origin;
  return null;
}
