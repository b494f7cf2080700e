import { z } from 'zod';
import { problemSchema } from '../errors';

/**
 * What Client Hub keeps in the extension's own IndexedDB. Every record is validated when read back,
 * so a record damaged by an older version or by hand is reported, not trusted.
 */

export const roleSchema = z.enum(['admin', 'staff']);
export type Role = z.infer<typeof roleSchema>;

export const firmUserSchema = z.object({
  name: z.string().trim().min(1, 'Enter your name').max(120),
  email: z.email('Enter a valid email address').max(254),
  role: roleSchema,
});
export type FirmUser = z.infer<typeof firmUserSchema>;

/** One Xero sign-in (a refresh token chain). Several Xero companies can share it. */
export const grantSchema = z.object({
  id: z.string(),
  clientId: z.string(),
  xeroUserId: z.string(),
  xeroUserEmail: z.string().optional(),
  scope: z.string(),
  refreshToken: z.string(),
  /** Kept until the next rotation: Xero's 30-minute grace lets it recover a lost refresh response. */
  previousRefreshToken: z.string().optional(),
  accessToken: z.string(),
  accessTokenExpiresAt: z.number(),
  createdAt: z.number(),
  rotatedAt: z.number(),
  /** Xero ends a grant after 60 days without a refresh. */
  lastUsedAt: z.number(),
  /**
   * `revoke-pending`: no company uses it any more and Xero could not be reached to revoke it; kept (and
   * tried again on the schedule) until Xero confirms, so the refresh token does not outlive its use.
   */
  status: z.enum(['active', 'revoked', 'expired', 'revoke-pending']),
});
export type Grant = z.infer<typeof grantSchema>;

export const organisationSchema = z.object({
  name: z.string(),
  shortCode: z.string().optional(),
  baseCurrency: z.string().optional(),
  countryCode: z.string().optional(),
  timezone: z.string().optional(),
});
export type Organisation = z.infer<typeof organisationSchema>;

export const workspaceSchema = z.object({
  id: z.string(),
  name: z.string().trim().min(1).max(120),
  createdAt: z.number(),
});
export type Workspace = z.infer<typeof workspaceSchema>;

export const healthSchema = z.object({
  state: z.enum(['healthy', 'attention', 'checking']),
  /** The plain-language problem from the last contact with Xero, when it went wrong. */
  problem: problemSchema.optional(),
  checkedAt: z.number(),
});
export type Health = z.infer<typeof healthSchema>;

/** A row of the integration table: one connected Xero company. */
export const connectionSchema = z.object({
  tenantId: z.string(),
  /** Xero's id of the connection, needed to remove it. */
  xeroConnectionId: z.string(),
  grantId: z.string().nullable(),
  tenantName: z.string(),
  organisation: organisationSchema.optional(),
  workspaceId: z.string().nullable(),
  monitoredAccountIds: z.array(z.string()),
  sentBy: z.object({ name: z.string(), email: z.string() }),
  connectedAt: z.number(),
  lastSyncedAt: z.number().nullable(),
  health: healthSchema,
});
export type Connection = z.infer<typeof connectionSchema>;

/** A Remove that could not reach Xero yet: finished when Xero is reachable again. */
export const pendingRemovalSchema = z.object({
  tenantId: z.string(),
  tenantName: z.string(),
  xeroConnectionId: z.string(),
  grantId: z.string().nullable(),
  requestedAt: z.number(),
  attempts: z.number(),
  lastProblem: problemSchema.optional(),
});
export type PendingRemoval = z.infer<typeof pendingRemovalSchema>;
