import { z } from 'zod';
import { chosenAccountSchema } from './records';

/**
 * The Client Tasks part of the message contract (lib/messaging/contract.ts spreads these in). Files do
 * not travel in messages (runtime messaging carries JSON only): the page puts them in IndexedDB as
 * "staged" Blobs and sends their ids; the background checks them before anything goes to Xero.
 */
const id = z.string().min(1).max(64);
const taskIds = z.array(id).min(1).max(20_000);

export const taskRequestSchemas = {
  'tasks.recordAnswer': z.object({
    type: z.literal('tasks.recordAnswer'),
    taskId: id,
    text: z.string().trim().min(1, 'Write what the client said').max(5000),
    account: chosenAccountSchema.nullable(),
    fileIds: z.array(id).max(20),
  }),
  'tasks.comment': z.object({
    type: z.literal('tasks.comment'),
    taskId: id,
    text: z.string().trim().min(1).max(5000),
  }),
  'tasks.close': z.object({ type: z.literal('tasks.close'), taskIds, recode: z.boolean() }),
  'tasks.reopen': z.object({ type: z.literal('tasks.reopen'), taskIds }),
  'tasks.discardFiles': z.object({
    type: z.literal('tasks.discardFiles'),
    fileIds: z.array(id).min(1).max(20),
  }),
  'tasks.refreshAttachments': z.object({ type: z.literal('tasks.refreshAttachments'), taskId: id }),
  /** Download a Client Hub file into this browser's storage (the page then reads it from IndexedDB). */
  'tasks.fetchHubFile': z.object({ type: z.literal('tasks.fetchHubFile'), fileId: id }),
  'outbox.retry': z.object({ type: z.literal('outbox.retry'), jobId: id }),
} as const;

export const taskResponseSchemas = {
  'tasks.recordAnswer': z.object({ queuedFiles: z.number().int(), duplicateFiles: z.number().int() }),
  'tasks.comment': z.object({ messageId: z.string() }),
  'tasks.close': z.object({ closed: z.number().int(), writing: z.number().int(), skipped: z.number().int() }),
  'tasks.reopen': z.object({ reopened: z.number().int(), skipped: z.number().int() }),
  'tasks.discardFiles': z.object({ discarded: z.number().int() }),
  'tasks.refreshAttachments': z.object({ count: z.number().int().nullable() }),
  'tasks.fetchHubFile': z.object({ size: z.number().int() }),
  'outbox.retry': z.object({ retried: z.boolean() }),
} as const;
