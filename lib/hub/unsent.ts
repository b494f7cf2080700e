import { z } from 'zod';
import type { ClientHubDb } from '../db/database';
import type { OutboxJob } from '../tasks/records';
import { isHubJob } from './push';
import type { HubSession } from './session';

/**
 * Work for the firm's Client Hub server that has not been sent when its author signs out. Nothing is
 * dropped: the outbox keeps it on this computer. It belongs to the person who was signed in (changes
 * made here while nobody is signed in count as theirs too): signing in again as them sends it; a
 * colleague who signs in on this computer never sends it under their own name. Their own changes go
 * out as usual while the first person's work waits, held by job (id and Idempotency-Key).
 */

const UNSENT_KEY = 'hubUnsentWork';

const identitySchema = z.object({
  url: z.string(),
  firmId: z.string(),
  userId: z.string(),
  name: z.string(),
  email: z.string(),
});
type Identity = z.infer<typeof identitySchema>;

const unsentSchema = z.object({
  /** Who was signed in last (signed out since): unsent work not held for anyone else is theirs. */
  lastUser: identitySchema.nullable(),
  /** Work held for its author while someone else is signed in, by job (id and Idempotency-Key). */
  held: z.array(z.object({ owner: identitySchema, keys: z.array(z.string()) })),
});
type Unsent = z.infer<typeof unsentSchema>;

/** What the options page says about it. */
export interface UnsentWork {
  count: number;
  message: string;
}

const identityOf = (session: HubSession): Identity => ({
  url: session.url,
  firmId: session.firm.id,
  userId: session.user.id,
  name: session.user.name,
  email: session.user.email,
});
const same = (a: Identity, b: HubSession) => a.url === b.url && a.userId === b.user.id;
const keyOf = (job: Pick<OutboxJob, 'id' | 'idempotencyKey'>) => `${job.id}|${job.idempotencyKey}`;
const changes = (n: number) => (n === 1 ? '1 change' : `${n} changes`);
const names = (owners: Identity[]) => owners.map((o) => `${o.name} (${o.email})`).join(' and ');

export interface UnsentWorkDeps {
  db: ClientHubDb;
  now: () => number;
}

export function createUnsentWork({ db, now }: UnsentWorkDeps) {
  async function load(): Promise<Unsent> {
    const parsed = unsentSchema.safeParse((await db.settings.get(UNSENT_KEY))?.value);
    return parsed.success ? parsed.data : { lastUser: null, held: [] };
  }
  async function save(unsent: Unsent) {
    if (!unsent.lastUser && unsent.held.length === 0) await db.settings.delete(UNSENT_KEY);
    else await db.settings.put({ key: UNSENT_KEY, value: unsent });
  }

  /** Writes to the server still waiting here (any state but done or failed for good). */
  async function waiting(): Promise<OutboxJob[]> {
    const rows = await db.outbox.where('state').anyOf(['pending', 'running']).toArray();
    return rows.filter(isHubJob);
  }

  /** Held jobs still waiting, by their author. */
  async function heldWaiting(held: Unsent['held']) {
    const pending = new Set((await waiting()).map(keyOf));
    return held
      .map((group) => ({ owner: group.owner, count: group.keys.filter((k) => pending.has(k)).length }))
      .filter((group) => group.count > 0);
  }

  return {
    /** Before signing out: what waits and is not held for someone else is `session`'s. */
    async signingOut(session: HubSession | null): Promise<void> {
      if (!session) return;
      await save({ ...(await load()), lastUser: identityOf(session) });
    },

    /**
     * After a sign-in. The author's own held work is released; work of the person signed in before
     * (or signed out last) is held for them unless it is this same person. Then every waiting write
     * is due now: sent, or marked with whose sign-in it waits for.
     */
    async signedIn(before: HubSession | null, after: HubSession): Promise<void> {
      const unsent = await load();
      const previous = unsent.lastUser ?? (before ? identityOf(before) : null);
      let held = unsent.held.filter((group) => !same(group.owner, after));
      if (previous && !same(previous, after)) {
        // Already someone's (the one signing in now included): not the previous person's.
        const taken = new Set(unsent.held.flatMap((group) => group.keys));
        const keys = (await waiting()).map(keyOf).filter((k) => !taken.has(k));
        if (keys.length > 0) {
          const theirs = held.find((g) => g.owner.url === previous.url && g.owner.userId === previous.userId);
          held = theirs
            ? held.map((g) => (g === theirs ? { ...g, keys: [...g.keys, ...keys] } : g))
            : [...held, { owner: previous, keys }];
        }
      }
      await save({ lastUser: null, held });
      const at = now();
      await db.outbox
        .where('state')
        .equals('pending')
        .filter(isHubJob)
        .modify((job) => {
          job.nextAttemptAt = Math.min(job.nextAttemptAt, at);
        });
    },

    /** The jobs among `jobs` that must not be sent as the person signed in now, and whose they are. */
    async heldBack(jobs: readonly OutboxJob[]): Promise<{ ids: Set<string>; owner: Identity } | null> {
      const { held } = await load();
      const ids = new Set<string>();
      let owner: Identity | undefined;
      for (const job of jobs) {
        const group = held.find((g) => g.keys.includes(keyOf(job)));
        if (!group) continue;
        ids.add(job.id);
        owner ??= group.owner;
      }
      return owner ? { ids, owner } : null;
    },

    /** For the options page: how much waits, whose it is, and what sends it. */
    async summary(session: HubSession | null): Promise<UnsentWork | null> {
      const unsent = await load();
      if (session && session.refusedAt === null) {
        const groups = await heldWaiting(unsent.held);
        const count = groups.reduce((n, g) => n + g.count, 0);
        if (count === 0) return null;
        const owners = groups.map((g) => g.owner);
        return {
          count,
          message: `${changes(count)} made while ${names(owners)} ${owners.length === 1 ? 'was' : 'were'} signed in ${count === 1 ? 'is' : 'are'} kept on this computer and not sent as you. They are sent when ${owners.map((o) => o.name).join(' or ')} signs in here again.`,
        };
      }
      const pending = await waiting();
      if (pending.length === 0) return null;
      const owner = unsent.lastUser;
      return {
        count: pending.length,
        message: owner
          ? `${changes(pending.length)} not yet sent to the Client Hub server ${pending.length === 1 ? 'is' : 'are'} kept on this computer. They are sent when ${owner.name} (${owner.email}) signs in again.`
          : `${changes(pending.length)} not yet sent to the Client Hub server ${pending.length === 1 ? 'is' : 'are'} kept on this computer. They are sent when you sign in.`,
      };
    },
  };
}

export type UnsentWorkStore = ReturnType<typeof createUnsentWork>;
