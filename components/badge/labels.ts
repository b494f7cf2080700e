import type { TaskStatus } from '@/lib/messaging/page-contract';

/** Task statuses in the words the Client Tasks page uses. */
export const STATUS_WORDS: Record<TaskStatus, string> = {
  Open: 'Open',
  Answered: 'Answered',
  Closed: 'Closed',
  ResolvedInXero: 'Resolved in Xero',
  Cancelled: 'Cancelled',
};
