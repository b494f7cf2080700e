import { z } from 'zod';
import { hubRoleSchema } from './contract';

/**
 * This browser's sign-in to the firm's Client Hub server. Kept like the Xero tokens: in the
 * extension's own IndexedDB (the `settings` table), which content scripts and web pages cannot
 * reach (they run in the page's origin), and never put in a message to a page.
 */
export const hubSessionSchema = z.object({
  /** The server's origin, e.g. https://hub.example-firm.com. */
  url: z.url({ protocol: /^https?$/ }),
  /** better-auth's signed bearer token (from `set-auth-token`). */
  token: z.string().min(1).max(2000),
  user: z.object({
    id: z.string().min(1),
    name: z.string(),
    email: z.string(),
    role: hubRoleSchema,
  }),
  firm: z.object({ id: z.string().min(1), name: z.string() }),
  signedInAt: z.number(),
  /** When the server last confirmed the sign-in and the role (GET /api/me). */
  checkedAt: z.number(),
  /**
   * When the server refused the token (401: signed out elsewhere, user removed). The session stays
   * so the page can say who must sign in again, but nothing is sent with it until they do.
   */
  refusedAt: z.number().nullable().default(null),
});
export type HubSession = z.infer<typeof hubSessionSchema>;

/** The Dexie `settings` table's shape, or anything that stores rows by key the same way. */
export interface KeyValueArea {
  get(key: string): Promise<{ key: string; value: unknown } | undefined>;
  put(row: { key: string; value: unknown }): Promise<unknown>;
  delete(key: string): Promise<void>;
}

export interface HubSessionStore {
  /** The stored session, or null when there is none (or what is stored no longer reads). */
  load(): Promise<HubSession | null>;
  save(session: HubSession): Promise<HubSession>;
  clear(): Promise<void>;
}

export const HUB_SESSION_KEY = 'hubSession';

export function hubSessionStore(area: KeyValueArea): HubSessionStore {
  return {
    async load() {
      const row = await area.get(HUB_SESSION_KEY);
      const parsed = hubSessionSchema.safeParse(row?.value);
      return parsed.success ? parsed.data : null;
    },
    async save(session) {
      const valid = hubSessionSchema.parse(session);
      await area.put({ key: HUB_SESSION_KEY, value: valid });
      return valid;
    },
    async clear() {
      await area.delete(HUB_SESSION_KEY);
    },
  };
}

/** What a page may know of the session: never the token. */
export function publicSession(session: HubSession) {
  const { token: _token, ...rest } = session;
  return rest;
}
