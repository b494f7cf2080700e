import * as v from 'valibot';

/**
 * "Report a page problem": the popup asks the content script in a Xero tab for the page's structure
 * (lib/content/snapshot.ts). valibot, as the rest of what the content script reads: it is small.
 */
export const pageReportRequestSchema = v.object({ type: v.literal('page.report') });
export type PageReportRequest = v.InferOutput<typeof pageReportRequestSchema>;

/** A report is a few hundred KB at most (the snapshot is cut at a few thousand lines). */
export const pageReportReplySchema = v.object({ report: v.pipe(v.string(), v.maxLength(2_000_000)) });
export type PageReportReply = v.InferOutput<typeof pageReportReplySchema>;
