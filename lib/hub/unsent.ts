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
  owner: identitySchema,
  /** Jobs held back while someone else is signed in; null: every unsent job (nobody signed in). */
  held: z.array(z.string()).nullable(),
});

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

export interface UnsentWorkDeps {
  db: ClientHubDb;
  now: () => number;
}

export function createUnsentWork({ db, now }: UnsentWorkDeps) {
  async function load() {
    const parsed = unsentSchema.safeParse((await db.settings.get(UNSENT_KEY))?.value);
    return parsed.success ? parsed.data : null;
  }

  /** Writes to the server still waiting here (any state but done or failed for good). */
  async function waiting(): Promise<OutboxJob[]> {
    const rows = await db.outbox.where('state').anyOf(['pending', 'running']).toArray();
    return rows.filter(isHubJob);
  }

  return {
    /** Before signing out: what waits is `session`'s. */
    async signingOut(session: HubSession | null): Promise<void> {
      if (!session) return;
      const current = await load();
      // Someone else's held work stays theirs; the rest is this person's.
      if (current?.held && !same(current.owner, session)) return;
      await db.settings.put({ key: UNSENT_KEY, value: { owner: identityOf(session), held: null } });
    },

    /**
     * After a sign-in. The same person as before: their work is sent now (not after the sign-in
     * wait). Someone else: what waits stays held for its author; the new person's changes go out.
     */
    async signedIn(before: HubSession | null, after: HubSession): Promise<void> {
      const current = await load();
      const owner =
        current?.owner ?? (before && !same(identityOf(before), after) ? identityOf(before) : null);
      if (!owner || same(owner, after)) {
        await db.settings.delete(UNSENT_KEY);
      } else {
        const held = current?.held ?? (await waiting()).map(keyOf);
        if (held.length === 0) await db.settings.delete(UNSENT_KEY);
        else await db.settings.put({ key: UNSENT_KEY, value: { owner, held } });
      }
      // Due now: sent, or (held) marked with whose sign-in they wait for.
      const at = now();
      await db.outbox
        .where('state')
        .equals('pending')
        .filter(isHubJob)
        .modify((job) => {
          job.nextAttemptAt = Math.min(job.nextAttemptAt, at);
        });
    },

    /** The jobs among `jobs` that must not be sent as the person signed in now. */
    async heldBack(jobs: readonly OutboxJob[]): Promise<{ ids: Set<string>; owner: Identity } | null> {
      const current = await load();
      if (!current?.held) return null;
      const held = new Set(current.held);
      const ids = new Set(jobs.filter((job) => held.has(keyOf(job))).map((job) => job.id));
      return ids.size === 0 ? null : { ids, owner: current.owner };
    },

    /** For the options page: how much waits, whose it is, and what sends it. */
    async summary(session: HubSession | null): Promise<UnsentWork | null> {
      const current = await load();
      const pending = await waiting();
      if (session && session.refusedAt === null) {
        if (!current?.held) return null;
        const held = new Set(current.held);
        const count = pending.filter((job) => held.has(keyOf(job))).length;
        if (count === 0) return null;
        const who = `${current.owner.name} (${current.owner.email})`;
        return {
          count,
          message: `${changes(count)} made while ${who} was signed in ${count === 1 ? 'is' : 'are'} kept on this computer and not sent as you. They are sent when ${current.owner.name} signs in here again.`,
        };
      }
      if (pending.length === 0) return null;
      const owner = current?.owner;
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
