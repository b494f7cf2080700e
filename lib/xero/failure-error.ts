import * as oauth from 'oauth4webapi';
import type { ClassifyContext, XeroFailure } from '../errors';
import { failureFromThrown } from '../errors';

/**
 * A failure on its way up from a Xero call. It carries data only; the catalogue turns it into words
 * where it is shown.
 */
export class FailureError extends Error {
  constructor(
    readonly failure: XeroFailure,
    readonly context: ClassifyContext = {},
  ) {
    super(`Xero call failed: ${failure.kind}`);
    this.name = 'FailureError';
  }
}

/** Maps what oauth4webapi throws (OAuth error bodies, redirect errors, protocol checks) to a failure. */
export function failureFromOAuthError(
  error: unknown,
  grantType?: 'authorization_code' | 'refresh_token',
): XeroFailure {
  if (error instanceof FailureError) return error.failure;
  if (error instanceof oauth.ResponseBodyError) {
    return {
      kind: 'oauth',
      endpoint: 'token',
      error: error.error,
      ...(grantType ? { grantType } : {}),
      ...(error.error_description ? { description: error.error_description } : {}),
    };
  }
  if (error instanceof oauth.AuthorizationResponseError) {
    return { kind: 'sign-in', reason: error.error === 'access_denied' ? 'access-denied' : 'no-code' };
  }
  if (error instanceof oauth.OperationProcessingError) {
    if (/state/i.test(error.message)) return { kind: 'sign-in', reason: 'state-mismatch' };
    if (/code/i.test(error.message)) return { kind: 'sign-in', reason: 'no-code' };
    return { kind: 'malformed', endpoint: 'token', detail: error.message };
  }
  return failureFromThrown(error);
}
