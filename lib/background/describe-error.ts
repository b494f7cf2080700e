import type { ConnectionService } from '../connections/service';
import { describeProblem, isStorageFull } from '../errors';
import { HubClientError } from '../hub/client';
import type { MessageError } from '../messaging/contract';
import { FailureError } from '../xero/failure-error';

/** Turns anything a handler threw into words for the page that asked. Never raw JSON or a stack. */
export const describeError =
  (service: ConnectionService, now: () => number) =>
  (error: unknown): MessageError => {
    // A write the disk or quota refused: the page keeps what the person entered and says so.
    if (isStorageFull(error)) {
      const { code, title, message, action } = describeProblem('storage-full', { now: now() });
      return { code, title, message, action };
    }
    // The Client Hub server's problems already carry their plain words (lib/hub/client.ts).
    if (error instanceof HubClientError) return error.toMessageError();
    if (error instanceof FailureError) {
      const problem = service.problemFor(error.failure, undefined, error.context.grantLastUsedAt);
      return {
        code: problem.code,
        title: problem.title,
        message: problem.message,
        action: problem.action,
        ...(problem.supportDetail ? { supportDetail: problem.supportDetail } : {}),
      };
    }
    if (error instanceof Error && 'code' in error && typeof error.code === 'string') {
      return { code: error.code, message: error.message };
    }
    return {
      code: 'unknown',
      title: 'Something went wrong',
      message: 'Client Hub ran into a problem it did not expect.',
      action: 'Try again. If it keeps happening, send the detail below to support.',
      supportDetail: `${new Date(now()).toISOString()} ${error instanceof Error ? error.name : typeof error}`,
    };
  };
