import { z } from 'zod';
import type { ClientHubDb } from '../db/database';
import { type Connection, connectionSchema } from '../db/records';
import {
  type connectionInputSchema,
  countryCodeSchema,
  type connectionSchema as hubConnectionSchema,
} from './contract';
import type { HubLink } from './link';
import type { FirmConnectionRow } from './state';

/**
 * The firm's Xero companies as the server knows them, beside the ones this browser syncs. The server
 * keeps only what the table shows (never a token); each Admin's browser reports the companies it
 * holds a Xero sign-in for whenever they change.
 */

type ConnectionInput = z.input<typeof connectionInputSchema>;
type HubConnection = z.output<typeof hubConnectionSchema>;

const DISCONNECTED = new Set(['grant-revoked', 'grant-expired', 'connection-removed']);

const TO_FORGET_KEY = 'hubCompaniesToForget';
/** The firm's companies as the server last listed them, for telling which one a Xero page shows. */
const FIRM_COMPANIES_KEY = 'hubFirmCompanies';
/** Asked of the server at most this often by the near-live rounds (a sign-in asks at once). */
const FIRM_COMPANIES_TTL_MS = 60_000;

const firmCompanySchema = z.object({
  tenantId: z.string(),
  organisationName: z.string(),
  shortCode: z.string().nullable(),
  connectedBy: z.string(),
});
/** A Xero company of the firm: a colleague's browser may hold its Xero sign-in, not this one. */
export type FirmCompany = z.infer<typeof firmCompanySchema>;
const firmCompaniesSchema = z.object({ at: z.number(), companies: z.array(firmCompanySchema) });

/** Xero's CountryCode of the company, when it is one (the server refuses anything else). */
function countryOf(row: Connection): { countryCode?: string } {
  const parsed = countryCodeSchema.safeParse(row.organisation?.countryCode);
  return parsed.success ? { countryCode: parsed.data } : {};
}

export function healthOf(row: Connection, removing: boolean): ConnectionInput['health'] {
  if (removing || !row.grantId) return 'disconnected';
  if (row.health.state !== 'attention') return 'healthy';
  return row.health.problem && DISCONNECTED.has(row.health.problem.code) ? 'disconnected' : 'needs attention';
}

export interface FirmConnectionsDeps {
  db: ClientHubDb;
  link: HubLink;
}

export function createFirmConnections({ db, link }: FirmConnectionsDeps) {
  /**
   * What this worker last told the server, per firm and company: the schedule reports every
   * company, but only a change is sent (each PUT is a line in the firm's activity).
   */
  const sent = new Map<string, string>();

  /** Companies removed here that the server has not yet been told to forget (settings key). */
  async function toForget(): Promise<string[]> {
    const parsed = z.array(z.string()).safeParse((await db.settings.get(TO_FORGET_KEY))?.value);
    return parsed.success ? parsed.data : [];
  }
  async function setToForget(tenantIds: string[]) {
    if (tenantIds.length === 0) await db.settings.delete(TO_FORGET_KEY);
    else await db.settings.put({ key: TO_FORGET_KEY, value: tenantIds });
  }

  /** Removed here: the firm's list kept for pages forgets it too (the next refresh may bring it back). */
  async function dropCompany(tenantId: string) {
    const known = firmCompaniesSchema.safeParse((await db.settings.get(FIRM_COMPANIES_KEY))?.value);
    if (!known.success) return;
    await db.settings.put({
      key: FIRM_COMPANIES_KEY,
      value: { ...known.data, companies: known.data.companies.filter((c) => c.tenantId !== tenantId) },
    });
  }

  async function deleteOnServer(tenantId: string) {
    await link.call(async (client, session) => {
      sent.delete(`${session.url} ${session.firm.id} ${tenantId}`);
      try {
        await client.connections.delete(tenantId);
      } catch (error) {
        // Already gone from the server (a colleague removed it first): nothing left to do.
        if ((error as { code?: string }).code !== 'hub-not-found') throw error;
      }
    });
    await setToForget((await toForget()).filter((id) => id !== tenantId));
  }

  async function put(tenantId: string, input: ConnectionInput): Promise<boolean> {
    return link.call(async (client, session) => {
      const key = `${session.url} ${session.firm.id} ${tenantId}`;
      const body = JSON.stringify(input);
      if (sent.get(key) === body) return false;
      await client.connections.put(tenantId, input);
      sent.set(key, body);
      return true;
    });
  }
  async function localRow(tenantId: string): Promise<Connection | null> {
    const parsed = connectionSchema.safeParse(await db.connections.get(tenantId));
    return parsed.success ? parsed.data : null;
  }

  async function inputFor(row: Connection): Promise<ConnectionInput> {
    const accounts = await Promise.all(
      row.monitoredAccountIds.slice(0, 50).map(async (accountId) => ({
        accountId,
        name: (await db.accounts.get([row.tenantId, accountId]))?.name?.slice(0, 255) ?? '',
      })),
    );
    const removing = (await db.pendingRemovals.get(row.tenantId)) !== undefined;
    return {
      organisationName: (row.organisation?.name ?? row.tenantName).slice(0, 255) || 'Xero company',
      shortCode: row.organisation?.shortCode?.slice(0, 20) ?? null,
      // The portal writes amounts as in the organisation's country; an unreadable code is not sent.
      ...countryOf(row),
      monitoredAccounts: accounts,
      health: healthOf(row, removing),
      lastSyncAt: row.lastSyncedAt === null ? null : new Date(row.lastSyncedAt).toISOString(),
    };
  }

  /** Only an Admin's browser reports connections (the server lets only Admins change them). */
  async function canReport(): Promise<boolean> {
    const session = await link.session();
    return session !== null && session.refusedAt === null && session.user.role === 'Admin';
  }

  return {
    /** Tells the server what this browser knows of one company, if it changed. No server, no Admin: nothing. */
    async report(tenantId: string): Promise<boolean> {
      if (!(await canReport())) return false;
      const row = await localRow(tenantId);
      if (!row) return false;
      return put(tenantId, await inputFor(row));
    },

    /**
     * The firm's companies whose tasks this browser pulls (a workspace linked to them), for the
     * badges in a colleague's company's Xero pages. None without a usable server sign-in.
     */
    async companies(): Promise<FirmCompany[]> {
      const session = await link.session();
      if (!session || session.refusedAt !== null) return [];
      const parsed = firmCompaniesSchema.safeParse((await db.settings.get(FIRM_COMPANIES_KEY))?.value);
      if (!parsed.success) return [];
      const linked = await db.hubLinks.bulkGet(parsed.data.companies.map((c) => c.tenantId));
      return parsed.data.companies.filter((_, i) => linked[i] !== undefined);
    },

    /** Lists the firm's companies from the server again (at most once a minute unless `force`). */
    async refreshCompanies(now: number, force = false): Promise<void> {
      const known = firmCompaniesSchema.safeParse((await db.settings.get(FIRM_COMPANIES_KEY))?.value);
      if (!force && known.success && now - known.data.at < FIRM_COMPANIES_TTL_MS) return;
      const listed = await link.call((client) => client.connections.list());
      const companies: FirmCompany[] = listed.map((c) => ({
        tenantId: c.tenantId,
        organisationName: c.organisationName,
        shortCode: c.shortCode,
        connectedBy: c.connectedBy.name,
      }));
      await db.settings.put({ key: FIRM_COMPANIES_KEY, value: { at: now, companies } });
    },

    /** Every company this browser syncs whose state changed (after a health check); catches up failures. */
    async reportAll(): Promise<number> {
      if (!(await canReport())) return 0;
      const pending = await toForget();
      // Connected here again since: the server keeps it.
      const stillGone = (
        await Promise.all(pending.map(async (id) => ((await localRow(id)) ? null : id)))
      ).filter((id): id is string => id !== null);
      if (stillGone.length !== pending.length) await setToForget(stillGone);
      for (const tenantId of stillGone) await deleteOnServer(tenantId).catch(() => undefined);
      let reported = 0;
      for (const row of await db.connections.toArray()) {
        const parsed = connectionSchema.safeParse(row);
        if (!parsed.success) continue;
        if (await put(parsed.data.tenantId, await inputFor(parsed.data))) reported++;
      }
      return reported;
    },

    /**
     * Removed from this browser: the firm's table forgets it too. Kept in a list until the server
     * has it (unreachable), and retried with every reportAll.
     */
    async forget(tenantId: string): Promise<boolean> {
      await dropCompany(tenantId);
      // No server (or not its Admin): nothing to tell, and nothing of the company stays here.
      if (!(await canReport())) return false;
      await setToForget([...new Set([...(await toForget()), tenantId])]);
      await deleteOnServer(tenantId);
      return true;
    },

    /** The firm's companies from the server, merged with which of them this browser syncs. */
    async list(): Promise<FirmConnectionRow[]> {
      const server: HubConnection[] = await link.call((client) => client.connections.list());
      const local = new Map<string, Connection>();
      for (const row of await db.connections.toArray()) {
        const parsed = connectionSchema.safeParse(row);
        if (parsed.success) local.set(parsed.data.tenantId, parsed.data);
      }
      const rows: FirmConnectionRow[] = server.map((c) => ({
        tenantId: c.tenantId,
        organisationName: c.organisationName,
        shortCode: c.shortCode,
        monitoredAccounts: c.monitoredAccounts.map((a) => a.name || a.accountId),
        health: c.health,
        lastSyncAt: c.lastSyncAt === null ? null : Date.parse(c.lastSyncAt),
        connectedBy: c.connectedBy.name,
        syncedHere: Boolean(local.get(c.tenantId)?.grantId),
        onServer: true,
      }));
      const known = new Set(rows.map((r) => r.tenantId));
      // Synced here but not (yet) on the server: shown, so nothing this browser does is hidden.
      for (const row of local.values()) {
        if (known.has(row.tenantId)) continue;
        const input = await inputFor(row);
        rows.push({
          tenantId: row.tenantId,
          organisationName: input.organisationName,
          shortCode: input.shortCode ?? null,
          monitoredAccounts: (input.monitoredAccounts ?? []).map((a) => a.name || a.accountId),
          health: input.health ?? 'healthy',
          lastSyncAt: row.lastSyncedAt,
          connectedBy: row.sentBy.name,
          syncedHere: Boolean(row.grantId),
          onServer: false,
        });
      }
      return rows.sort((a, b) => a.organisationName.localeCompare(b.organisationName));
    },
  };
}

export type FirmConnections = ReturnType<typeof createFirmConnections>;
