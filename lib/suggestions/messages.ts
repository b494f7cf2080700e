import { z } from 'zod';
import { suggestionSchema } from './records';

/** The suggested-accounts part of the message contract (lib/messaging/contract.ts spreads these in). */
const id = z.string().min(1).max(64);

export const suggestionRequestSchemas = {
  'suggestions.forTasks': z.object({
    type: z.literal('suggestions.forTasks'),
    taskIds: z.array(id).min(1).max(20_000),
  }),
  /** Every open task of a workspace: the Client Tasks page's column and the bulk-accept preview. */
  'suggestions.forWorkspace': z.object({
    type: z.literal('suggestions.forWorkspace'),
    workspaceId: z.string().min(1).max(64).nullable(),
  }),
  'suggestions.accept': z.object({
    type: z.literal('suggestions.accept'),
    accepts: z
      .array(z.object({ taskId: id, accountId: id }))
      .min(1)
      .max(20_000),
    /** Bulk accept: only suggestions still of high confidence. */
    onlyHigh: z.boolean(),
  }),
  'suggestions.ask': z.object({ type: z.literal('suggestions.ask'), taskId: id }),
} as const;

export const suggestionResponseSchemas = {
  'suggestions.forTasks': z.object({ suggestions: z.array(suggestionSchema) }),
  'suggestions.forWorkspace': z.object({ suggestions: z.array(suggestionSchema) }),
  'suggestions.accept': z.object({ accepted: z.number().int(), skipped: z.number().int() }),
  'suggestions.ask': z.object({ question: z.string() }),
} as const;
