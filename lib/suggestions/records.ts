import { z } from 'zod';

/**
 * What the history index keeps per coded bank transaction (Dexie v5): ids, words and a date, never an
 * amount. Validated when read back, like every stored record.
 */
export const historyEntrySchema = z.object({
  tenantId: z.string(),
  bankTransactionId: z.string(),
  type: z.enum(['SPEND', 'RECEIVE']),
  /** `YYYY-MM-DD`: entries older than twelve months stop counting. */
  date: z.string(),
  /** Lower-cased ContactID, or '' when Xero sent none. */
  contactId: z.string(),
  /** The contact's name as this transaction had it (a renamed contact keeps its old name here). */
  contactName: z.string(),
  /** Normalised name, for contacts Xero gave a new ContactID (or none). */
  nameKey: z.string(),
  /** Distinct lower-cased AccountIDs of its lines (tax-only lines left out). */
  accountIds: z.array(z.string()),
  /** Normalised words of its descriptions and reference. */
  tokens: z.array(z.string()),
});
export type HistoryEntry = z.infer<typeof historyEntrySchema>;

/** The one-off twelve-month read of a company's coded transactions; afterwards the sync keeps it fresh. */
export const historyCursorSchema = z.object({
  tenantId: z.string(),
  /** First day read, `YYYY-MM-DD`. */
  fromDate: z.string(),
  /** Keyset, as the sync's: everything modified before this second is read (null before page one). */
  modifiedSince: z.number().nullable(),
  page: z.number().int().min(1),
  done: z.boolean(),
  /** Calls to Xero the read took (retries included) and records scanned. */
  calls: z.number().int(),
  scanned: z.number().int(),
  finishedAt: z.number().nullable(),
});
export type HistoryCursor = z.infer<typeof historyCursorSchema>;

export const confidenceSchema = z.enum(['high', 'possible', 'none']);
export type Confidence = z.infer<typeof confidenceSchema>;

export const suggestionSchema = z.object({
  taskId: z.string(),
  confidence: confidenceSchema,
  account: z.object({ id: z.string(), code: z.string(), name: z.string() }).nullable(),
  /** In words a person can check: "8 of the last 8 payments to … were coded to 445 …". */
  evidence: z.string(),
  /** For a client, when the firm asks rather than decides: "Was this Light, Power, Heating?". */
  question: z.string().nullable(),
});
export type Suggestion = z.infer<typeof suggestionSchema>;
