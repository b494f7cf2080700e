import ky, { type KyInstance } from 'ky';
import { z } from 'zod';
import {
  clientInviteSchema,
  connectionInputSchema,
  connectionListSchema,
  connectionSchema,
  firmUserListSchema,
  type HubProblem,
  hubProblemSchema,
  meSchema,
  workspaceInputSchema,
  workspaceListSchema,
  workspaceMemberSchema,
  workspaceMembersSchema,
  workspaceSchema,
  workspaceSettingsSchema,
  workspaceUpdateSchema,
} from './contract';
import {
  type NotifyNowResult,
  notifyNowResultSchema,
  type ReminderScheduleInput,
  reminderHistorySchema,
  reminderScheduleInputSchema,
  reminderScheduleSchema,
} from './reminders';

/**
 * The extension's one way to the firm's Client Hub server. Every answer is validated with the
 * schemas the hub itself answers with (lib/hub/contract.ts); every failure becomes a HubClientError
 * that says in plain words what went wrong and what to do. Nothing here stores the token: the
 * caller passes it in (lib/hub/session.ts keeps it).
 */

export const HUB_PROBLEM_CODES = [
  /** No answer at all: the server is down, the address is wrong, or this computer is offline. */
  'hub-unreachable',
  /** 401: the server no longer accepts this sign-in (signed out elsewhere, user removed, expired). */
  'hub-sign-in-refused',
  /** 401 at sign-in: the email or password is not right. */
  'hub-wrong-password',
  /** 403: the user's role does not allow it. */
  'hub-forbidden',
  /** Checked here before asking: the server's role for this user is not Admin (same words as local). */
  'admin-only',
  'hub-not-found',
  'hub-conflict',
  'hub-invalid-request',
  /** 429: too many requests; try again after a pause. */
  'hub-busy',
  /** 5xx: the server failed; nothing was lost on this computer. */
  'hub-server-error',
  /** The server answered with something that is not Client Hub's answer (wrong address, proxy page). */
  'hub-unexpected-answer',
] as const;
export type HubProblemCode = (typeof HUB_PROBLEM_CODES)[number];

export class HubClientError extends Error {
  override readonly name = 'HubClientError';
  constructor(
    readonly code: HubProblemCode,
    /** What went wrong, in plain words. */
    readonly title: string,
    message: string,
    /** What to do next. */
    readonly action: string,
    readonly status: number | null = null,
    /** The hub's own problem (RFC 9457), when it sent one. */
    readonly problem?: HubProblem,
    /** For 429 and 503: how long the server asked us to wait. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }

  /** Worth trying again later without the person doing anything (offline, busy, server error). */
  get transient(): boolean {
    return this.code === 'hub-unreachable' || this.code === 'hub-busy' || this.code === 'hub-server-error';
  }

  /** In the shape the extension's pages show (ProblemNotice). */
  toMessageError(): { code: string; title: string; message: string; action: string; supportDetail?: string } {
    return {
      code: this.code,
      title: this.title,
      message: this.message,
      action: this.action,
      ...(this.status ? { supportDetail: `Client Hub server answered ${this.status}` } : {}),
    };
  }
}

export interface HubClientOptions {
  /** The server's address, e.g. https://hub.example-firm.com (no trailing path). */
  url: string;
  /** The bearer token from sign-in; omit before signing in. */
  token?: string | undefined;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

export type HubMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RequestOptions {
  headers?: Record<string, string>;
  searchParams?: Record<string, string | number>;
  signal?: AbortSignal;
}

/** The address as the hub's origin: a typed address with a trailing slash or path still works. */
export function hubOrigin(address: string): string {
  const url = new URL(address.trim());
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new TypeError('not an http(s) address');
  return url.origin;
}

const signInAnswerSchema = z.object({
  user: z.object({ id: z.string(), email: z.string(), name: z.string() }).loose(),
});

function retryAfter(headers: Headers): number | undefined {
  const value = headers.get('retry-after') ?? headers.get('x-retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

async function problemOf(response: Response): Promise<HubProblem | undefined> {
  try {
    const parsed = hubProblemSchema.safeParse(await response.clone().json());
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Turns a failed answer into words. The hub's own title and detail win where it sent them. */
export async function errorFromResponse(response: Response): Promise<HubClientError> {
  const status = response.status;
  const problem = await problemOf(response);
  const wait = retryAfter(response.headers);
  const said = (title: string, message: string, action: string) => ({
    title,
    message: problem?.title && problem.title !== title ? `${problem.title}.` : message,
    action: problem?.detail ?? action,
  });
  const make = (code: HubProblemCode, words: { title: string; message: string; action: string }) =>
    new HubClientError(code, words.title, words.message, words.action, status, problem, wait);
  if (status === 401) {
    return make('hub-sign-in-refused', {
      title: 'The Client Hub server signed you out',
      message:
        'The server no longer accepts this computer’s sign-in: you may have been signed out elsewhere, or your account was changed or removed.',
      action:
        'Sign in to the Client Hub server again in Client Hub settings. Work not yet sent stays on this computer.',
    });
  }
  if (status === 403) {
    return make(
      'hub-forbidden',
      said(
        'Your role does not allow this',
        'The Client Hub server says your role in the firm does not allow this.',
        'Ask an Admin of your firm if you need to do this.',
      ),
    );
  }
  if (status === 404) {
    return make(
      'hub-not-found',
      said(
        'Not found on the Client Hub server',
        'The Client Hub server does not have this (it may have been removed).',
        'Refresh the page to see the current list.',
      ),
    );
  }
  if (status === 409) {
    return make(
      'hub-conflict',
      said(
        'Changed by someone else',
        'Someone changed this on the Client Hub server at the same time.',
        'Refresh the page, then try again.',
      ),
    );
  }
  if (status === 429) {
    return make('hub-busy', {
      title: 'The Client Hub server is busy',
      message: 'Too many requests reached the Client Hub server in a short time.',
      action: 'Wait a minute, then try again.',
    });
  }
  if (status >= 500) {
    return make('hub-server-error', {
      title: 'The Client Hub server ran into a problem',
      message: `The Client Hub server could not finish this (it answered ${status}). Nothing was lost on this computer.`,
      action:
        'Try again in a few minutes. If it keeps happening, tell whoever runs your firm’s Client Hub server.',
    });
  }
  return make(
    'hub-invalid-request',
    said(
      'The Client Hub server refused the request',
      `The Client Hub server did not accept this request (it answered ${status}).`,
      'Check what you entered and try again.',
    ),
  );
}

export function unreachable(url: string): HubClientError {
  return new HubClientError(
    'hub-unreachable',
    'The Client Hub server cannot be reached',
    `No answer came from ${url}: the server may be stopped, the address may be wrong, or this computer may be offline.`,
    'Check the address and your connection, then try again. Work not yet sent stays on this computer and is sent when the server is back.',
  );
}

export function unexpectedAnswer(url: string): HubClientError {
  return new HubClientError(
    'hub-unexpected-answer',
    'That address did not answer like a Client Hub server',
    `The answer from ${url} is not one Client Hub understands.`,
    'Check the server address (ask whoever runs your firm’s Client Hub server), then try again.',
  );
}

export function createHubClient(options: HubClientOptions) {
  const base = hubOrigin(options.url);
  const http: KyInstance = ky.create({
    baseUrl: base,
    retry: 0,
    throwHttpErrors: false,
    // The bearer token is who this browser is: never the hub's cookies, which a client portal sign-in
    // in this same browser sets (the server would then answer as that client).
    credentials: 'omit',
    timeout: options.timeoutMs ?? 30_000,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });

  /**
   * Sends one request and hands back the answer when it is a success (2xx); anything else throws a
   * HubClientError. For answers that are not JSON (file downloads) use this; otherwise `request`.
   */
  async function send(
    method: HubMethod,
    path: string,
    body?: unknown,
    extra: RequestOptions & { token?: string | null } = {},
  ): Promise<Response> {
    const token = extra.token === undefined ? options.token : extra.token;
    const headers: Record<string, string> = { accept: 'application/json', ...extra.headers };
    if (token) headers.authorization = `Bearer ${token}`;
    let response: Response;
    try {
      response = await http(path, {
        method,
        headers,
        ...(body === undefined
          ? {}
          : body instanceof FormData || body instanceof Blob
            ? { body }
            : { json: body }),
        ...(extra.searchParams ? { searchParams: extra.searchParams } : {}),
        ...(extra.signal ? { signal: extra.signal } : {}),
      });
    } catch (error) {
      if (extra.signal?.aborted) throw error;
      throw unreachable(base);
    }
    if (!response.ok) throw await errorFromResponse(response);
    return response;
  }

  /** One JSON request, its answer checked against `schema` (null for "204 No Content"). */
  async function request<S extends z.ZodType | null>(
    method: HubMethod,
    path: string,
    schema: S,
    body?: unknown,
    extra?: RequestOptions,
  ): Promise<S extends z.ZodType ? z.output<S> : undefined> {
    const response = await send(method, path, body, extra);
    type Out = S extends z.ZodType ? z.output<S> : undefined;
    if (schema === null) return undefined as Out;
    let json: unknown;
    try {
      json = await response.json();
    } catch {
      throw unexpectedAnswer(base);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw unexpectedAnswer(base);
    return parsed.data as Out;
  }

  const tenantPath = (tenantId: string) => `/api/connections/${encodeURIComponent(tenantId)}`;

  return {
    url: base,
    send,
    request,
    /**
     * Email and password sign-in (better-auth). The token comes back in `set-auth-token`; a wrong
     * password is said as such, not as "signed out".
     */
    async signInWithPassword(email: string, password: string): Promise<{ token: string }> {
      let response: Response;
      try {
        response = await send('POST', '/api/auth/sign-in/email', { email, password }, { token: null });
      } catch (error) {
        if (error instanceof HubClientError && error.status === 401) {
          throw new HubClientError(
            'hub-wrong-password',
            'Email or password not recognised',
            'The Client Hub server did not recognise that email and password.',
            'Check them and try again, or ask an Admin of your firm to reset your password.',
            401,
          );
        }
        throw error;
      }
      const token = response.headers.get('set-auth-token');
      const answer = signInAnswerSchema.safeParse(await response.json().catch(() => null));
      if (!token || !answer.success) throw unexpectedAnswer(base);
      return { token };
    },
    /** Ends this sign-in on the server. */
    signOut: () => send('POST', '/api/auth/sign-out', {}).then(() => undefined),
    me: () => request('GET', '/api/me', meSchema),
    connections: {
      list: () => request('GET', '/api/connections', connectionListSchema).then((r) => r.connections),
      put: (tenantId: string, input: z.input<typeof connectionInputSchema>) =>
        request('PUT', tenantPath(tenantId), connectionSchema, connectionInputSchema.parse(input)),
      delete: (tenantId: string) => request('DELETE', tenantPath(tenantId), null),
    },
    workspaces: {
      list: () => request('GET', '/api/workspaces', workspaceListSchema).then((r) => r.workspaces),
      create: (input: z.input<typeof workspaceInputSchema>) =>
        request('POST', '/api/workspaces', workspaceSchema, workspaceInputSchema.parse(input)),
      update: (workspaceId: string, input: z.input<typeof workspaceUpdateSchema>) =>
        request(
          'PATCH',
          `/api/workspaces/${encodeURIComponent(workspaceId)}`,
          workspaceSchema,
          workspaceUpdateSchema.parse(input),
        ),
    },
    users: {
      list: () => request('GET', '/api/users', firmUserListSchema).then((r) => r.users),
    },
    /** One workspace's client users, reminders and portal settings (the firm's "Clients & reminders"). */
    workspace: (workspaceId: string) => {
      const at = `/api/workspaces/${encodeURIComponent(workspaceId)}`;
      return {
        read: () => request('GET', at, workspaceSchema),
        members: () => request('GET', `${at}/members`, workspaceMembersSchema).then((r) => r.members),
        /** Inviting the same address again only emails them again (the hub answers 200, not 201). */
        async invite(input: z.input<typeof clientInviteSchema>) {
          const response = await send('POST', `${at}/clients`, clientInviteSchema.parse(input));
          const member = workspaceMemberSchema.safeParse(await response.json().catch(() => null));
          if (!member.success) throw unexpectedAnswer(base);
          return { member: member.data, created: response.status === 201 };
        },
        endSessions: (userId: string) =>
          request('DELETE', `${at}/clients/${encodeURIComponent(userId)}/sessions`, null),
        saveSettings: (input: z.input<typeof workspaceSettingsSchema>) =>
          request('PUT', `${at}/settings`, workspaceSchema, workspaceSettingsSchema.parse(input)),
        schedule: () => request('GET', `${at}/reminders/schedule`, reminderScheduleSchema),
        saveSchedule: (input: ReminderScheduleInput) =>
          request(
            'PUT',
            `${at}/reminders/schedule`,
            reminderScheduleSchema,
            reminderScheduleInputSchema.parse(input),
          ),
        /** One press is one send: a retry of the same press (same key) gets the first answer. */
        notifyNow: (idempotencyKey: string): Promise<NotifyNowResult> =>
          request('POST', `${at}/reminders/notify-now`, notifyNowResultSchema, undefined, {
            headers: { 'idempotency-key': idempotencyKey },
          }),
        reminders: (limit = 50) =>
          request('GET', `${at}/reminders`, reminderHistorySchema, undefined, {
            searchParams: { limit },
          }).then((r) => r.reminders),
      };
    },
  };
}

export type HubClient = ReturnType<typeof createHubClient>;
