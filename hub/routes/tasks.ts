import * as wire from '../../lib/hub/contract.ts';
import { addFile } from '../domain/files.ts';
import {
  addComment,
  changeStatus,
  changesSince,
  getFile,
  getTask,
  listComments,
  listFiles,
  upsertTasks,
} from '../domain/tasks.ts';
import { MULTIPART_FILE, route } from './define.ts';
import { download } from './download.ts';

const W = '/api/workspaces/:workspaceId';
const T = `${W}/tasks/:taskId`;

export const taskRoutes = [
  route({
    method: 'put',
    path: `${W}/tasks`,
    action: 'tasks.upsert',
    summary: 'Create or refresh Client Tasks by bank transaction (same batch twice changes nothing)',
    body: wire.taskBatchSchema,
    responses: { 200: wire.upsertResultSchema },
    handle: async ({ services, member, workspace, body }) => ({
      status: 200,
      body: await upsertTasks(services, member, workspace, body.tasks),
    }),
  }),
  route({
    method: 'get',
    path: `${W}/changes`,
    action: 'tasks.read',
    summary: 'Changes after `since`, oldest first; page with `nextSince` while `hasMore`',
    query: wire.changesQuerySchema,
    responses: { 200: wire.changesPageSchema },
    handle: async ({ services, member, workspace, query }) => ({
      status: 200,
      body: await changesSince(services, member, workspace, query.since, query.limit),
    }),
  }),
  route({
    method: 'get',
    path: T,
    action: 'tasks.read',
    summary: 'One Client Task',
    responses: { 200: wire.anyTaskSchema },
    handle: async ({ services, member, workspace, params }) => ({
      status: 200,
      body: await getTask(services, member, workspace, params.taskId ?? ''),
    }),
  }),
  route({
    method: 'put',
    path: `${T}/status`,
    action: 'task.status',
    summary: "Change a task's status (clients may only answer)",
    body: wire.statusChangeSchema,
    idempotent: true,
    responses: { 200: wire.anyTaskSchema },
    handle: async ({ services, member, workspace, params, body }) => ({
      status: 200,
      body: await changeStatus(services, member, workspace, params.taskId ?? '', body),
    }),
  }),
  route({
    method: 'get',
    path: `${T}/comments`,
    action: 'tasks.read',
    summary: "A task's comments, oldest first (clients never see internal notes)",
    responses: { 200: wire.commentListSchema },
    handle: async ({ services, member, workspace, params }) => ({
      status: 200,
      body: { comments: await listComments(services, member, workspace, params.taskId ?? '') },
    }),
  }),
  route({
    method: 'post',
    path: `${T}/comments`,
    action: 'comments.write',
    summary: 'Comment on a task',
    body: wire.commentInputSchema,
    idempotent: true,
    responses: { 201: wire.commentSchema },
    handle: async ({ services, member, workspace, params, body }) => ({
      status: 201,
      body: await addComment(services, member, workspace, params.taskId ?? '', body),
    }),
  }),
  route({
    method: 'get',
    path: `${T}/files`,
    action: 'tasks.read',
    summary: "A task's files",
    responses: { 200: wire.fileListSchema },
    handle: async ({ services, workspace, params }) => ({
      status: 200,
      body: { files: await listFiles(services, workspace, params.taskId ?? '') },
    }),
  }),
  route({
    method: 'post',
    path: `${T}/files`,
    action: 'files.write',
    summary: `Attach a file (at most ${wire.HUB_MAX_FILES_PER_TASK} per task, 10 MB each, types Xero accepts)`,
    body: MULTIPART_FILE,
    idempotent: true,
    responses: { 201: wire.fileSchema },
    handle: async ({ services, member, workspace, params, body }) => ({
      status: 201,
      body: await addFile(services, member, workspace, params.taskId ?? '', body),
    }),
  }),
  route({
    method: 'get',
    path: `${T}/files/:fileId`,
    action: 'tasks.read',
    summary: "A file's bytes",
    responses: { 200: 'binary' },
    handle: async ({ services, workspace, params }) => {
      const file = await getFile(services, workspace, params.taskId ?? '', params.fileId ?? '');
      return download(services, file);
    },
  }),
];
