import { Dexie } from 'dexie';
import type { WithLock } from '../auth/token-manager';
import type { ClientHubDb } from '../db/database';
import { type ClientTask, clientTaskSchema } from '../sync/records';
import { chosenAccountSchema, type OutboxJob, type TaskEvent, type TaskMessage } from '../tasks/records';
import { queueHubChart, queueHubTasks } from './push';
import type { HubFile, HubLink, UnreadableEntry } from './records';
import { hubLinkSchema, markClosedElsewhere } from './records';
import type { HubState } from './state';
import {
  type FeedComment,
  type FeedEntry,
  type FeedFile,
  type FeedTask,
  hubStateOf,
  localStatusOf,
  readFeedChanges,
  snapshotOf,
} from './task-wire';
import type { HubTasksApi } from './tasks-api';

/**
 * Pulls the firm's Client Hub server's changes feed into Dexie: the server is the source of truth for
 * tasks, their status, comments and files. Each page is applied in ONE Dexie transaction together with
 * the cursor that follows it, so a worker stopped anywhere resumes after the last applied page and a
 * page read twice changes nothing. What is pulled is never queued to be pushed back (no ping-pong);
 * a change of this browser still waiting in the outbox wins over an older server state until it is sent.
 */

export const HUB_PULL_LOCK = 'client-hub-hub-pull';

export interface HubPullDeps {
  db: ClientHubDb;
  /** The server's task routes for the current sign-in; null when there is no hub session. */
  api: () => Promise<HubTasksApi | null>;
  now: () => number;
  newId: () => string;
  withLock: WithLock;
  /** Feed entries per request (the server allows 1000). */
  pageSize?: number;
  /** Companies whose tasks changed (badges, open pages). */
  onChange?: (tenantIds: string[]) => void;
  /** The signed-in firm user's id on the server. */
  me?: () => Promise<string | null>;
  /** Tasks a colleague closed on the server (after the page is stored): this browser may write them to Xero. */
  onClosedElsewhere?: (taskIds: string[]) => Promise<unknown>;
  /**
   * Between two pages of a feed, with how long this browser worked on the last one (reading it and
   * storing it, not waiting for the server): resolves when the next may start (see pacePull).
   */
  pace?: (workedMs: number) => Promise<void>;
}

/** A pull's pause per ms of its own work while someone looks (see pacePull; measured in bench/hub-pull.ts). */
export const PULL_REST = 1;

/**
 * The pause between a pull's pages while someone uses a page of ours: `rest` times what the last page
 * cost this browser. Storing a page keeps the worker's thread and the browser's IndexedDB thread
 * busy together; on a 2-core machine a page's task that comes meanwhile waits for a core and runs
 * long. In the pause the page has the machine for itself (its list catches up with what was just
 * stored then). Nobody looking: no pause, the pull runs flat out.
 */
export function pacePull(deps: {
  looking: () => boolean;
  rest: number;
  /** The longest rest (a page slowed by something else, say a write to Xero after it, is not waited for twice). */
  mostMs?: number;
  sleep?: (ms: number) => Promise<void>;
}): (workedMs: number) => Promise<void> {
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const mostMs = deps.mostMs ?? 2000;
  return async (workedMs) => {
    if (!deps.looking() || workedMs <= 0) return;
    await sleep(Math.min(mostMs, Math.round(workedMs * deps.rest)));
  };
}

/** A link moved on to `since`, with the entry a pull stopped before (none: the problem is cleared). */
function movedOn(
  link: HubLink,
  since: number,
  unreadable: UnreadableEntry | null,
  pulledAt: number,
): HubLink {
  const { unreadable: _cleared, ...rest } = link;
  return { ...rest, since, pulledAt, ...(unreadable ? { unreadable } : {}) };
}

export interface PullSummary {
  /** Companies linked to a workspace on the server. */
  linked: number;
  applied: number;
  /** Feed entries of kinds this version does not know (a newer server's): passed over. */
  skipped: number;
}

type HubTaskJobKind = 'hub-task' | 'hub-status';

/** Server statuses in a colleague's words, for the task's activity. */
const STATUS_WORDS: Record<string, string> = {
  Open: 'Re-opened',
  Answered: 'Answered',
  Closed: 'Closed',
  'Resolved in Xero': 'Resolved in Xero',
  Cancelled: 'Cancelled',
};

/**
 * The server's state of a task applied to its row here (undefined: nothing to write). `waiting` are
 * this browser's changes not yet sent: they stay until the server has them.
 */
export function mergeHubTask(
  local: ClientTask | undefined,
  task: FeedTask,
  context: { workspaceId: string | null; now: number; waiting: ReadonlySet<HubTaskJobKind> },
): ClientTask | undefined {
  if (local?.hub && local.hub.seq >= task.seq) return undefined;
  const hub = hubStateOf(task);
  if (!local) {
    return {
      id: task.id,
      tenantId: task.tenantId,
      workspaceId: context.workspaceId,
      bankTransactionId: task.bankTransactionId,
      status: localStatusOf(task.status),
      snapshot: snapshotOf(task.transaction),
      createdAt: context.now,
      updatedAt: context.now,
      hub,
    };
  }
  const status = context.waiting.has('hub-status') ? local.status : localStatusOf(task.status);
  const snapshot = context.waiting.has('hub-task')
    ? local.snapshot
    : // What this browser counted of Xero's attachments stays until Xero says they changed.
      (() => {
        const pulled = snapshotOf(task.transaction);
        return pulled.hasAttachments === local.snapshot.hasAttachments
          ? { ...pulled, attachmentCount: local.snapshot.attachmentCount }
          : pulled;
      })();
  return {
    ...local,
    status,
    snapshot,
    updatedAt: status === local.status ? local.updatedAt : context.now,
    hub,
  };
}

export function messageOfComment(comment: FeedComment, taskId: string, tenantId: string): TaskMessage {
  const account = chosenAccountSchema.safeParse((comment as Record<string, unknown>).account);
  return {
    id: `hub-${comment.id}`,
    taskId,
    tenantId,
    at: Date.parse(comment.createdAt),
    from: comment.author.role === 'Client User' ? 'client' : 'firm',
    recordedBy: comment.author.name,
    text: comment.body,
    account: account.success ? account.data : null,
    writtenToXeroAt: null,
    hubId: comment.id,
  };
}

const NOUNS: Record<string, string> = {
  task: 'a task',
  comment: 'a comment on a task',
  file: 'a file’s details',
};

/**
 * The feed entry a pull stopped before, as the problem the options page shows (null when every
 * linked company's feed reads on). The support detail names the entry by seq and what failed, never
 * its text.
 */
export async function feedProblemOf(db: ClientHubDb): Promise<HubState['problem']> {
  for (const row of await db.hubLinks.toArray()) {
    const link = hubLinkSchema.safeParse(row);
    const entry = link.success ? link.data.unreadable : undefined;
    if (!link.success || !entry) continue;
    return {
      code: 'hub-unreadable-change',
      title: 'A change from your firm’s server could not be read',
      message: `The firm’s server sent ${NOUNS[entry.kind] ?? 'a change'} this browser could not read, so Client Hub stopped reading changes for “${link.data.workspaceName}” just before it. Nothing is lost: the changes after it wait on the server until this browser can read it.`,
      action:
        'Update the Client Hub extension (your browser’s Extensions page, Update), or tell your firm’s Client Hub admin. Client Hub tries again at every sync.',
      supportDetail: `Changes feed entry seq ${entry.seq ?? 'unknown'} (${entry.kind}) in workspace ${link.data.workspaceId}: ${entry.reason}`,
    };
  }
  return null;
}

export function createHubPull(deps: HubPullDeps) {
  const { db } = deps;
  const pageSize = deps.pageSize ?? 500;

  /** The workspaces on the server that are linked to a Xero company, as links with their cursors. */
  async function refreshLinks(api: HubTasksApi): Promise<HubLink[]> {
    const workspaces = (await api.workspaces()).filter((w) => w.tenantId);
    const fresh: string[] = [];
    const links = await db.transaction('rw', [db.hubLinks, db.workspaces], async () => {
      const links: HubLink[] = [];
      for (const workspace of workspaces) {
        const tenantId = workspace.tenantId as string;
        const known = hubLinkSchema.safeParse(await db.hubLinks.get(tenantId));
        // Linked to another workspace now: its feed is another feed, read from the start.
        const link: HubLink =
          known.success && known.data.workspaceId === workspace.id
            ? { ...known.data, workspaceName: workspace.name }
            : {
                tenantId,
                workspaceId: workspace.id,
                workspaceName: workspace.name,
                since: 0,
                pulledAt: null,
              };
        if (!known.success || known.data.workspaceId !== workspace.id) fresh.push(tenantId);
        await db.hubLinks.put(link);
        // The Client Tasks page lists tasks by workspace: the firm's workspaces are listed here too.
        if (!(await db.workspaces.get(workspace.id))) {
          await db.workspaces.put({
            id: workspace.id,
            name: workspace.name.slice(0, 120),
            createdAt: Date.parse(workspace.createdAt),
          });
        }
        links.push(link);
      }
      return links;
    });
    for (const tenantId of fresh) {
      await uploadExisting(tenantId);
      // Newly linked: the workspace gets this company's chart (if this browser synced it).
      await db.transaction('rw', [db.accounts, db.hubLinks, db.outbox], () =>
        queueHubChart(db, tenantId, deps.now()),
      );
    }
    return links;
  }

  /**
   * A company newly linked to the server: the tasks this browser made before (Client Hub without a
   * server) are sent too, with their status when it moved on from Open. In slices, each in its own
   * transaction, so a large company does not hold IndexedDB for long.
   */
  async function uploadExisting(tenantId: string) {
    const SLICE = 1000;
    let after: string | null = null;
    for (;;) {
      const from: string | null = after;
      const rows: ClientTask[] = await db.transaction(
        'rw',
        [db.clientTasks, db.hubLinks, db.outbox],
        async () => {
          const index = db.clientTasks.where('[tenantId+bankTransactionId]');
          const range =
            from === null
              ? index.between([tenantId, Dexie.minKey], [tenantId, Dexie.maxKey])
              : index.between([tenantId, from], [tenantId, Dexie.maxKey], false, true);
          const slice: ClientTask[] = await range.limit(SLICE).toArray();
          const tasks = slice.flatMap((row) => {
            const parsed = clientTaskSchema.safeParse(row);
            return parsed.success && !parsed.data.hub ? [parsed.data] : [];
          });
          await queueHubTasks(db, tasks, {
            at: deps.now(),
            newId: deps.newId,
            statusOf: (task) => task.status !== 'Open',
          });
          return slice;
        },
      );
      after = rows.at(-1)?.bankTransactionId ?? null;
      if (rows.length < SLICE || after === null) return;
    }
  }

  /**
   * Applies one page and moves the cursor, all or nothing, with the entry the pull stopped before
   * (or none: the problem is cleared). The link as stored; null when it moved meanwhile.
   */
  async function applyPage(
    link: HubLink,
    entries: FeedEntry[],
    nextSince: number,
    unreadable: UnreadableEntry | null,
  ): Promise<HubLink | null> {
    const now = deps.now();
    const me = (await deps.me?.()) ?? null;
    const closedElsewhere: string[] = [];
    const stored = await db.transaction(
      'rw',
      [
        db.hubLinks,
        db.clientTasks,
        db.taskMessages,
        db.hubFiles,
        db.outbox,
        db.taskEvents,
        db.connections,
        db.settings,
      ],
      async () => {
        const current = hubLinkSchema.safeParse(await db.hubLinks.get(link.tenantId));
        // Another context applied it first, or the company was removed or re-linked: leave it.
        if (
          !current.success ||
          current.data.workspaceId !== link.workspaceId ||
          current.data.since !== link.since
        )
          return null;
        const connection = await db.connections.get(link.tenantId);
        const workspaceId = connection?.workspaceId ?? link.workspaceId;
        const tasks = entries.flatMap((e) => (e.kind === 'task' ? [e.task] : []));
        // A page holds each task at most once (its latest state).
        const keys = tasks.map((t): [string, string] => [t.tenantId, t.bankTransactionId]);
        const rows = await db.clientTasks.bulkGet(keys);
        const locals = rows.map((row) => {
          const parsed = clientTaskSchema.safeParse(row);
          return parsed.success ? parsed.data : undefined;
        });
        const localIds = locals.flatMap((l) => (l ? [l.id] : []));
        const waiting = new Map<string, Set<HubTaskJobKind>>();
        for (let i = 0; i < localIds.length; i += 500) {
          const jobs: OutboxJob[] = await db.outbox
            .where('taskId')
            .anyOf(localIds.slice(i, i + 500))
            .filter(
              (j) =>
                (j.payload.kind === 'hub-task' || j.payload.kind === 'hub-status') &&
                (j.state === 'pending' || j.state === 'running'),
            )
            .toArray();
          for (const job of jobs) {
            const set = waiting.get(job.taskId) ?? new Set();
            set.add(job.payload.kind as HubTaskJobKind);
            waiting.set(job.taskId, set);
          }
        }
        const puts: ClientTask[] = [];
        const events: TaskEvent[] = [];
        /** Server task id → local task id, for the comments and files of this page. */
        const localIdOf = new Map<string, string>();
        const relink: [string, string][] = [];
        tasks.forEach((task, i) => {
          const local = locals[i];
          if (local) localIdOf.set(task.id, local.id);
          const merged = mergeHubTask(local, task, {
            workspaceId,
            now,
            waiting: (local && waiting.get(local.id)) ?? new Set(),
          });
          if (!merged) return;
          puts.push(merged);
          if (local && local.id !== task.id && (!local.hub || local.hub.seq === 0))
            relink.push([task.id, local.id]);
          if (
            local &&
            merged.status === 'Closed' &&
            local.status !== 'Closed' &&
            task.statusChangedBy &&
            task.statusChangedBy.userId !== me
          ) {
            closedElsewhere.push(merged.id);
          }
          if (local && merged.status !== local.status && task.statusChangedBy) {
            events.push({
              id: deps.newId(),
              taskId: merged.id,
              at: now,
              kind: 'hub-status',
              text: `${STATUS_WORDS[task.status] ?? task.status} by ${task.statusChangedBy.name}`,
            });
          }
        });
        await db.clientTasks.bulkPut(puts);
        if (events.length > 0) await db.taskEvents.bulkAdd(events);
        // Comments and files that arrived before this browser knew their task's local id.
        if (relink.length > 0) {
          const to = new Map(relink);
          const hubIds = [...to.keys()];
          await db.taskMessages
            .where('taskId')
            .anyOf(hubIds)
            .modify((m) => {
              m.taskId = to.get(m.taskId) ?? m.taskId;
            });
          await db.hubFiles
            .where('taskId')
            .anyOf(hubIds)
            .modify((f) => {
              f.taskId = to.get(f.taskId) ?? f.taskId;
            });
        }
        const taskIdOf = async (hubTaskId: string) => {
          const known = localIdOf.get(hubTaskId);
          if (known) return known;
          const row = await db.clientTasks.where('hub.taskId').equals(hubTaskId).first();
          // Not known here yet: filed under the server's id, which a task made there also has here.
          const id = row?.id ?? hubTaskId;
          localIdOf.set(hubTaskId, id);
          return id;
        };
        for (const entry of entries) {
          if (entry.kind === 'comment')
            await applyComment(entry.comment, await taskIdOf(entry.comment.taskId));
          if (entry.kind === 'file') await applyFile(entry.file, await taskIdOf(entry.file.taskId));
        }
        // Durable with the page: a worker stopped before writing them to Xero finds them on start.
        await markClosedElsewhere(db, closedElsewhere);
        const moved = movedOn(current.data, nextSince, unreadable, now);
        await db.hubLinks.put(moved);
        return moved;
      },
    );
    if (stored && closedElsewhere.length > 0)
      await deps.onClosedElsewhere?.(closedElsewhere).catch(() => undefined);
    return stored;

    async function applyComment(comment: FeedComment, taskId: string) {
      // Sent from here (its id recorded when the server answered): already in the conversation.
      if ((await db.taskMessages.where('hubId').equals(comment.id).count()) > 0) return;
      await db.taskMessages.put(messageOfComment(comment, taskId, link.tenantId));
    }

    async function applyFile(file: FeedFile, taskId: string) {
      const known = await db.hubFiles.get(file.id);
      const row: HubFile = {
        id: file.id,
        taskId,
        hubTaskId: file.taskId,
        tenantId: link.tenantId,
        workspaceId: link.workspaceId,
        fileName: file.fileName,
        mimeType: file.mimeType,
        size: file.size,
        sha256: file.sha256,
        uploadedBy: file.uploadedBy,
        createdAt: file.createdAt,
        localFileId: known?.localFileId ?? null,
        inXeroAt: known?.inXeroAt ?? null,
      };
      await db.hubFiles.put(row);
    }
  }

  /**
   * Reads one workspace's feed to its end, or up to an entry of a known kind this version cannot
   * read: the cursor stays before it (what came before it on the page is applied) and the link
   * records it, so the problem is shown until a pull reads past it.
   */
  async function pullLink(api: HubTasksApi, start: HubLink): Promise<{ applied: number; skipped: number }> {
    let link = start;
    let applied = 0;
    let skipped = 0;
    for (;;) {
      const page = await api.changes(link.workspaceId, link.since, pageSize);
      // From here on the work is this browser's (the wait for the server above is not).
      const working = performance.now();
      const read = readFeedChanges(page.changes, link.since, page.nextSince);
      skipped += read.skipped;
      const { entries } = read;
      const unreadable = read.unreadable ? { ...read.unreadable, at: deps.now() } : null;
      const sameProblem =
        unreadable !== null &&
        link.unreadable?.seq === unreadable.seq &&
        link.unreadable.reason === unreadable.reason;
      const nothingNew = read.readThrough === link.since && entries.length === 0;
      if (nothingNew && (unreadable === null ? !link.unreadable : sameProblem)) break;
      const moved = await applyPage(link, entries, read.readThrough, unreadable);
      if (!moved) break;
      link = moved;
      applied += entries.length;
      if (entries.length > 0) deps.onChange?.([link.tenantId]);
      if (unreadable || !page.hasMore) break;
      await deps.pace?.(performance.now() - working);
    }
    return { applied, skipped };
  }

  let running: Promise<PullSummary> | null = null;

  /** Every linked company's feed, one pull at a time across the extension (a Web Lock). */
  function pullAll(): Promise<PullSummary> {
    running ??= deps
      .withLock(HUB_PULL_LOCK, async () => {
        const api = await deps.api();
        if (!api) return { linked: 0, applied: 0, skipped: 0 };
        const links = await refreshLinks(api);
        let applied = 0;
        let skipped = 0;
        for (const link of links) {
          const result = await pullLink(api, link);
          applied += result.applied;
          skipped += result.skipped;
        }
        return { linked: links.length, applied, skipped };
      })
      .finally(() => {
        running = null;
      });
    return running;
  }

  return { pullAll, refreshLinks };
}

export type HubPull = ReturnType<typeof createHubPull>;
