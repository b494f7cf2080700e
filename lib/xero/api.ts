import ky, { type KyInstance } from 'ky';
import type { z } from 'zod';
import type { TokenManager } from '../auth/token-manager';
import { type XeroConfig, xeroEndpoints } from '../config/xero';
import { failureFromResponse, failureFromThrown, type XeroFailure } from '../errors';
import type { Governor, Priority } from '../sync/governor';
import { FailureError } from './failure-error';
import { organisationEnvelopeSchema, xeroConnectionsSchema } from './schemas';

/** What the last call told us about one Xero company: feeds the integration table's health. */
export interface Contact {
  grantId: string;
  tenantId?: string | undefined;
  ok: boolean;
  failure?: XeroFailure | undefined;
  at: number;
}

export interface XeroApiDeps {
  fetch: typeof fetch;
  config: XeroConfig;
  tokens: TokenManager;
  now: () => number;
  onContact?: (contact: Contact) => void | Promise<void>;
  /**
   * Keeps calls to each Xero company within Xero's limits and retries transient failures. Optional:
   * without it every call goes straight out once, as before.
   */
  governor?: Governor;
}

export interface CallOptions {
  grantId: string;
  tenantId?: string | undefined;
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  searchParams?: Record<string, string>;
  headers?: Record<string, string>;
  body?: BodyInit;
  /** For the governor: a person's one-click action ('interactive', the default) or background sync. */
  priority?: Priority;
  signal?: AbortSignal;
}

/**
 * Every call Client Hub makes to Xero goes through here: bearer token (refreshed when due, and once
 * more on TokenExpired), the tenant header, failures as data, answers validated with zod.
 */
export function createXeroApi(deps: XeroApiDeps) {
  const endpoints = xeroEndpoints(deps.config);
  const http: KyInstance = ky.create({
    fetch: deps.fetch,
    retry: 0,
    throwHttpErrors: false,
    timeout: 60_000,
  });

  async function report(contact: Omit<Contact, 'at'>) {
    await deps.onContact?.({ ...contact, at: deps.now() });
  }

  async function send(url: string, options: CallOptions, accessToken: string): Promise<Response> {
    const headers: Record<string, string> = {
      Authorization: `Bearer ${accessToken}`,
      Accept: 'application/json',
      ...options.headers,
    };
    if (options.tenantId) headers['xero-tenant-id'] = options.tenantId;
    const permit =
      deps.governor && options.tenantId
        ? await deps.governor.acquire(options.tenantId, options.priority ?? 'interactive', options.signal)
        : undefined;
    try {
      const response = await http(url, {
        method: options.method ?? 'GET',
        headers,
        ...(options.searchParams ? { searchParams: options.searchParams } : {}),
        ...(options.body !== undefined ? { body: options.body } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      });
      permit?.release({ status: response.status, headers: response.headers });
      return response;
    } catch (error) {
      permit?.release();
      throw error;
    }
  }

  /** Reads and writes with an Idempotency-Key may be sent again; other writes may not. */
  const mayRepeat = (options: CallOptions) =>
    (options.method ?? 'GET') === 'GET' ||
    Object.keys(options.headers ?? {}).some((name) => name.toLowerCase() === 'idempotency-key');

  /**
   * Raw call: returns the successful response, throws FailureError otherwise. With a governor,
   * transient failures are retried (bounded, backing off) before the caller hears of them.
   */
  async function call(url: string, options: CallOptions): Promise<Response> {
    const { governor } = deps;
    const { tenantId } = options;
    if (!governor || !tenantId || !mayRepeat(options)) return callOnce(url, options);
    for (let attempt = 1; ; attempt++) {
      try {
        return await callOnce(url, options, true);
      } catch (error) {
        if (options.signal?.aborted) throw error;
        const failure = error instanceof FailureError ? error.failure : failureFromThrown(error);
        const delay = governor.retryDelay(tenantId, failure, attempt, options.priority ?? 'interactive');
        if (delay === undefined) {
          await report({ grantId: options.grantId, tenantId, ok: false, failure });
          throw error instanceof FailureError ? error : new FailureError(failure);
        }
        if (delay > 0) await governor.sleep(delay, options.signal);
      }
    }
  }

  /** One attempt. `quiet` leaves reporting a failure to the retry loop (health changes once, at the end). */
  async function callOnce(url: string, options: CallOptions, quiet = false): Promise<Response> {
    const { grantId, tenantId } = options;
    try {
      let token = await deps.tokens.accessToken(grantId);
      let response = await send(url, options, token);
      if (response.status === 401) {
        const body = await response.clone().text();
        if (/TokenExpired/i.test(body)) {
          token = await deps.tokens.replaceExpired(grantId, token);
          response = await send(url, options, token);
        }
      }
      if (!response.ok) {
        const failure = failureFromResponse(url, response.status, response.headers, await response.text());
        throw new FailureError(failure);
      }
      await report({ grantId, tenantId, ok: true });
      return response;
    } catch (error) {
      if (options.signal?.aborted) throw error;
      const failure = error instanceof FailureError ? error.failure : failureFromThrown(error);
      if (!quiet) await report({ grantId, tenantId, ok: false, failure });
      throw error instanceof FailureError ? error : new FailureError(failure);
    }
  }

  async function json<S extends z.ZodType>(
    url: string,
    options: CallOptions,
    schema: S,
  ): Promise<z.infer<S>> {
    const response = await call(url, options);
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      throw new FailureError({
        kind: 'malformed',
        endpoint: url,
        detail: 'Xero answered with something that is not JSON',
      });
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      throw new FailureError({
        kind: 'malformed',
        endpoint: url,
        detail: parsed.error.issues[0]?.message ?? 'invalid',
      });
    }
    return parsed.data;
  }

  return {
    call,
    json,
    accounting: (path: string) => `${endpoints.accounting}/${path}`,
    /** The Xero companies this grant may use; `authEventId` narrows it to one sign-in. */
    connections(grantId: string, authEventId?: string) {
      return json(
        endpoints.connections,
        { grantId, ...(authEventId ? { searchParams: { authEventId } } : {}) },
        xeroConnectionsSchema,
      );
    },
    async deleteConnection(grantId: string, connectionId: string, signal?: AbortSignal) {
      await call(`${endpoints.connections}/${encodeURIComponent(connectionId)}`, {
        grantId,
        method: 'DELETE',
        ...(signal ? { signal } : {}),
      });
    },
    async organisation(grantId: string, tenantId: string) {
      const envelope = await json(
        `${endpoints.accounting}/Organisation`,
        { grantId, tenantId },
        organisationEnvelopeSchema,
      );
      const org = envelope.Organisations[0] as (typeof envelope.Organisations)[number];
      return {
        name: org.Name,
        ...(org.ShortCode ? { shortCode: org.ShortCode } : {}),
        ...(org.BaseCurrency ? { baseCurrency: org.BaseCurrency } : {}),
        ...(org.CountryCode ? { countryCode: org.CountryCode } : {}),
        ...(org.Timezone ? { timezone: org.Timezone } : {}),
      };
    },
  };
}

export type XeroApi = ReturnType<typeof createXeroApi>;
