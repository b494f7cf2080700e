import type { z } from 'zod';
import type { HubClient } from './client';
import {
  type chartAccountSchema,
  chartSchema,
  type statusChangeSchema,
  type TaskStatus,
  type taskUpsertSchema,
  upsertResultSchema,
  type workspaceSchema,
} from './contract';
import {
  type FeedComment,
  type FeedFile,
  type FeedPage,
  type FeedTask,
  feedCommentSchema,
  feedFileSchema,
  feedPageSchema,
  feedTaskSchema,
} from './task-wire';

/**
 * The Client Hub server's task routes, as the extension's pull and push use them (lib/hub/pull.ts,
 * lib/hub/push.ts). Injected, so the logic is tested against a real server over HTTP.
 */
export interface HubTasksApi {
  workspaces(): Promise<z.infer<typeof workspaceSchema>[]>;
  upsertTasks(
    workspaceId: string,
    tasks: z.input<typeof taskUpsertSchema>[],
  ): Promise<z.infer<typeof upsertResultSchema>>;
  changes(workspaceId: string, since: number, limit: number): Promise<FeedPage>;
  /** Each write carries an Idempotency-Key: a repeat after a lost answer is applied once. */
  setStatus(
    workspaceId: string,
    taskId: string,
    status: TaskStatus,
    idempotencyKey: string,
    options?: StatusOptions,
  ): Promise<FeedTask>;
  /** Replaces the workspace's chart of accounts (the portal's account choice offers from it). */
  putChart(workspaceId: string, accounts: z.input<typeof chartAccountSchema>[]): Promise<void>;
  addComment(workspaceId: string, taskId: string, body: string, idempotencyKey: string): Promise<FeedComment>;
  addFile(
    workspaceId: string,
    taskId: string,
    file: { name: string; blob: Blob },
    idempotencyKey: string,
  ): Promise<FeedFile>;
  fileBytes(workspaceId: string, taskId: string, fileId: string): Promise<Blob>;
}

/** What a status change says besides the status (lib/hub/contract.ts statusChangeSchema). */
export type StatusOptions = Omit<z.input<typeof statusChangeSchema>, 'status'>;

const W = (workspaceId: string) => `/api/workspaces/${encodeURIComponent(workspaceId)}`;
const T = (workspaceId: string, taskId: string) => `${W(workspaceId)}/tasks/${encodeURIComponent(taskId)}`;
const key = (idempotencyKey: string) => ({ headers: { 'idempotency-key': idempotencyKey } });

/** The task routes on the extension's one hub client (lib/hub/client.ts). */
export function hubTasksApi(client: HubClient): HubTasksApi {
  return {
    workspaces: () => client.workspaces.list(),
    upsertTasks: (workspaceId, tasks) =>
      client.request('PUT', `${W(workspaceId)}/tasks`, upsertResultSchema, { tasks }),
    changes: (workspaceId, since, limit) =>
      client.request('GET', `${W(workspaceId)}/changes`, feedPageSchema, undefined, {
        searchParams: { since, limit },
      }),
    setStatus: (workspaceId, taskId, status, idempotencyKey, options = {}) =>
      client.request(
        'PUT',
        `${T(workspaceId, taskId)}/status`,
        feedTaskSchema,
        { ...options, status },
        key(idempotencyKey),
      ),
    putChart: async (workspaceId, accounts) => {
      await client.request('PUT', `${W(workspaceId)}/chart`, chartSchema, { accounts });
    },
    addComment: (workspaceId, taskId, body, idempotencyKey) =>
      client.request(
        'POST',
        `${T(workspaceId, taskId)}/comments`,
        feedCommentSchema,
        { body, internal: false },
        key(idempotencyKey),
      ),
    addFile: (workspaceId, taskId, file, idempotencyKey) => {
      const form = new FormData();
      form.append('file', file.blob, file.name);
      return client.request(
        'POST',
        `${T(workspaceId, taskId)}/files`,
        feedFileSchema,
        form,
        key(idempotencyKey),
      );
    },
    fileBytes: async (workspaceId, taskId, fileId) =>
      (await client.send('GET', `${T(workspaceId, taskId)}/files/${encodeURIComponent(fileId)}`)).blob(),
  };
}
