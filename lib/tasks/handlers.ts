import type { WithLock } from '../auth/token-manager';
import type { ClientHubDb } from '../db/database';
import type { FirmUser } from '../db/records';
import { hubWriteProblem } from '../hub/push';
import type { Handlers } from '../messaging/router';
import type { XeroApi } from '../xero/api';
import { createXeroAttachments } from './attachments';
import type { taskRequestSchemas } from './messages';
import { createOutbox, type OutboxDeps } from './outbox';
import { createTaskService, TaskActionError } from './service';

export interface ClientTasksDeps {
  db: ClientHubDb;
  api: XeroApi;
  now: () => number;
  newId: () => string;
  withLock: WithLock;
  /** Who is using Client Hub (null before the first-run form). */
  firmUser: () => Promise<FirmUser | null>;
  outbox?: Partial<Pick<OutboxDeps, 'backoffMs' | 'maxAttempts' | 'concurrency' | 'setTimer'>>;
  /** Writes to the firm's Client Hub server (absent: Client Hub on this computer alone). */
  hub?: OutboxDeps['hub'];
}

type TaskHandlers = Pick<Handlers, keyof typeof taskRequestSchemas>;

/**
 * The Client Tasks services of the background: the outbox (started at once, so writes left by a
 * worker that stopped carry on), the task actions and their message handlers.
 */
export function startClientTasks(deps: ClientTasksDeps) {
  const outbox = createOutbox({
    db: deps.db,
    api: deps.api,
    now: deps.now,
    newId: deps.newId,
    withLock: deps.withLock,
    ...(deps.hub ? { hub: deps.hub } : {}),
    ...deps.outbox,
  });
  const service = createTaskService({ db: deps.db, now: deps.now, newId: deps.newId, outbox });
  const attachments = createXeroAttachments({ db: deps.db, api: deps.api, now: deps.now });

  async function user(): Promise<FirmUser> {
    const found = await deps.firmUser();
    if (!found)
      throw new TaskActionError('no-firm-user', 'Tell Client Hub who you are first (Setup & Settings).');
    return found;
  }

  const handlers: TaskHandlers = {
    'tasks.recordAnswer': async ({ taskId, text, account, fileIds }) =>
      service.recordAnswer({ taskId, text, account, fileIds }, await user()),
    'tasks.comment': async ({ taskId, text }) => service.comment({ taskId, text }, await user()),
    'tasks.close': async ({ taskIds, recode }) => service.close({ taskIds, recode }, await user()),
    'tasks.reopen': async ({ taskIds }) => service.reopen({ taskIds }, await user()),
    'tasks.discardFiles': async ({ fileIds }) => service.discardFiles(fileIds),
    'tasks.refreshAttachments': async ({ taskId }) => {
      const list = await attachments.refresh(taskId);
      return { count: list ? list.attachments.length : null };
    },
    'tasks.fetchHubFile': async ({ fileId }) => {
      await user();
      if (!deps.hub)
        throw new TaskActionError('no-hub', 'Sign in to your firm’s Client Hub server to open its files.');
      try {
        return { size: (await deps.hub.fileBytes(fileId)).blob.size };
      } catch (error) {
        throw new TaskActionError('hub-file', hubWriteProblem(error).problem.message);
      }
    },
    'outbox.retry': async ({ jobId }) => {
      await user();
      await outbox.retry(jobId);
      return { retried: true };
    },
  };
  void outbox.kick();
  return { handlers, outbox, service, attachments };
}
