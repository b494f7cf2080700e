import type { Context, Hono, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { type HubAuth, sessionHeaders } from '../auth.ts';
import { probeDatabase } from '../db/client.ts';
import type { Action, Member, WorkspaceRow } from '../domain/access.ts';
import { authorizeFirm, authorizeWorkspace, PERMISSIONS } from '../domain/access.ts';
import type { HubServices } from '../domain/context.ts';
import { fingerprintOf, once } from '../domain/idempotency.ts';
import { HubError } from '../domain/problems.ts';
import { findMember } from '../domain/users.ts';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** What a route hands back: JSON with a status, or a ready Response (file downloads). */
export type Reply = { status: number; body: unknown } | Response;

export interface RouteRequest<Q, B> {
  services: HubServices;
  auth: HubAuth;
  member: Member;
  /** The authorised workspace (workspace routes only). */
  workspace: WorkspaceRow;
  params: Record<string, string>;
  query: Q;
  body: B;
}

/** A multipart upload with one file under `file`. */
export const MULTIPART_FILE = 'multipart-file' as const;
export type UploadBody = { fileName: string; bytes: Uint8Array };

/** An HTML form (urlencoded or multipart): its fields through `schema`, and every file sent. */
export interface FormBody<S extends z.ZodType = z.ZodType> {
  form: S;
}
export const formBody = <S extends z.ZodType>(schema: S): FormBody<S> => ({ form: schema });
export type FormInput<F> = { fields: F; files: UploadBody[] };
type Body = z.ZodType | typeof MULTIPART_FILE | FormBody;
type BodyOf<B> = B extends z.ZodType
  ? z.output<B>
  : B extends FormBody<infer S>
    ? FormInput<z.output<S>>
    : UploadBody;

export interface RouteDef {
  method: Method;
  /** Hono path, e.g. /api/workspaces/:workspaceId/tasks. */
  path: string;
  /** The one question this route asks of the permissions table (hub/domain/access.ts). */
  action: Action;
  summary: string;
  query?: z.ZodType;
  body?: Body;
  /** Responses by status: a schema, 'binary' for file bytes, 'html' for a portal page. */
  responses: Record<number, z.ZodType | 'binary' | 'html' | null>;
  /** Honours an Idempotency-Key header: a repeat gets the first answer. */
  idempotent?: boolean;
  /**
   * A page for people in a browser (the client portal): it gets the page guards (security
   * headers, cross-site form refusal) and shows problems as a page through `problemPage`.
   */
  problemPage?: (error: HubError) => Response | Promise<Response>;
  handle: (request: RouteRequest<never, never>) => Promise<Reply>;
}

/** Typed helper: the handler sees the parsed query and body. */
export function route<Q extends z.ZodType = z.ZodNever, B extends Body = z.ZodNever>(
  def: Omit<RouteDef, 'handle' | 'query' | 'body'> & {
    query?: Q;
    body?: B;
    handle: (request: RouteRequest<z.output<Q>, BodyOf<B>>) => Promise<Reply>;
  },
): RouteDef {
  return def as unknown as RouteDef;
}

const issuesOf = (error: z.ZodError) =>
  error.issues.map((issue) => ({ path: issue.path.join('.') || '(body)', message: issue.message }));

function invalid(where: string, error: z.ZodError): HubError {
  return new HubError(
    400,
    `The ${where} is not valid`,
    'Correct the fields listed under “errors” and send it again.',
    issuesOf(error),
  );
}

export const notSignedIn = () =>
  new HubError(401, 'You are not signed in', 'Sign in to Client Hub again, then retry.', undefined, {
    'www-authenticate': 'Bearer',
  });

async function signedInMember(c: Context, services: HubServices, auth: HubAuth): Promise<Member> {
  const session = await auth.api.getSession({ headers: sessionHeaders(c.req.raw.headers) });
  if (!session) {
    // better-auth answers "no session" when it cannot read the database either: ask the database,
    // so a hub whose database is down says 503 (retry) rather than 401 (which drops the sign-in).
    if (c.req.header('authorization') || c.req.header('cookie')) await probeDatabase(services.db);
    throw notSignedIn();
  }
  const member = await findMember(services.db, session.user.id);
  if (!member) {
    throw new HubError(
      403,
      'Your account is not part of a firm',
      'Ask your firm’s Client Hub Admin to add you, then sign in again.',
    );
  }
  return member;
}

const FORM_TYPES = /^(multipart\/form-data|application\/x-www-form-urlencoded)\b/i;

async function readForm(c: Context, body: FormBody): Promise<{ body: unknown; fingerprint: string }> {
  if (!FORM_TYPES.test(c.req.header('content-type') ?? '')) {
    throw new HubError(415, 'This page takes a form', 'Send the form from the page itself.');
  }
  let form: Record<string, unknown>;
  try {
    form = await c.req.parseBody({ all: true });
  } catch {
    throw new HubError(400, 'The form could not be read', 'Go back to the page and send it again.');
  }
  const fields: Record<string, unknown> = {};
  const files: UploadBody[] = [];
  for (const [name, value] of Object.entries(form)) {
    const values = Array.isArray(value) ? value : [value];
    for (const v of values) {
      // A file input left empty still sends a part with no name and no bytes.
      if (v instanceof File) {
        if (v.name || v.size > 0)
          files.push({ fileName: v.name, bytes: new Uint8Array(await v.arrayBuffer()) });
      } else {
        const prior = fields[name];
        fields[name] = prior === undefined ? v : [...(Array.isArray(prior) ? prior : [prior]), v];
      }
    }
  }
  const parsed = body.form.safeParse(fields);
  if (!parsed.success) throw invalid('form', parsed.error);
  return {
    body: { fields: parsed.data, files },
    fingerprint: fingerprintOf(JSON.stringify(parsed.data), ...files.flatMap((f) => [f.fileName, f.bytes])),
  };
}

async function readBody(c: Context, def: RouteDef): Promise<{ body: unknown; fingerprint: string }> {
  if (!def.body) return { body: undefined, fingerprint: '' };
  if (typeof def.body === 'object' && 'form' in def.body) return readForm(c, def.body);
  if (def.body === MULTIPART_FILE) {
    let form: Record<string, unknown>;
    try {
      form = await c.req.parseBody();
    } catch {
      throw new HubError(
        400,
        'The upload could not be read',
        'Send the file as multipart/form-data in a field named “file”.',
      );
    }
    const file = form.file;
    if (!(file instanceof File)) {
      throw new HubError(
        400,
        'No file was sent',
        'Send the file as multipart/form-data in a field named “file”.',
      );
    }
    const bytes = new Uint8Array(await file.arrayBuffer());
    return { body: { fileName: file.name, bytes }, fingerprint: fingerprintOf(file.name, bytes) };
  }
  let json: unknown;
  try {
    json = await c.req.json();
  } catch {
    throw new HubError(
      400,
      'The request body is not JSON',
      'Send a JSON body with Content-Type: application/json.',
    );
  }
  const parsed = (def.body as z.ZodType).safeParse(json);
  if (!parsed.success) throw invalid('request body', parsed.error);
  return { body: parsed.data, fingerprint: fingerprintOf(JSON.stringify(parsed.data)) };
}

/**
 * Reads and discards an over-limit body (up to a cap) before the 413 goes out: answering while the
 * client is still sending makes many clients see a dropped connection instead of the answer.
 */
async function drain(request: Request, cap = 64 * 1024 * 1024): Promise<void> {
  const reader = request.body?.getReader();
  if (!reader) return;
  let read = 0;
  try {
    while (read < cap) {
      const { done, value } = await reader.read();
      if (done) return;
      read += value.byteLength;
    }
    await reader.cancel();
  } catch {
    // The client gave up; there is nobody left to answer.
  }
}

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{8,200}$/;

function toResponse(c: Context, reply: Reply, replayed = false): Response {
  if (reply instanceof Response) return reply;
  if (replayed) c.header('idempotent-replayed', 'true');
  if (reply.status === 204) return c.body(null, 204);
  return c.json(reply.body as object, reply.status as 200);
}

const isForm = (body: RouteDef['body']): body is FormBody => typeof body === 'object' && 'form' in body;

function sizeLimit(def: RouteDef, limits: HubServices['limits']): { bytes: number; advice: string } {
  if (def.body === MULTIPART_FILE)
    return {
      bytes: limits.uploadBodyBytes,
      advice: 'Files may be at most 10 MB: make the file smaller and attach it again.',
    };
  if (isForm(def.body))
    return {
      bytes: limits.portalBodyBytes,
      advice: 'Receipts may be at most 10 MB each, three at a time: send fewer or smaller files.',
    };
  return {
    bytes: limits.jsonBodyBytes,
    advice: 'Send fewer items at a time (for tasks, at most 500 per request).',
  };
}

/**
 * Mounts routes: each checks its size limit, signs in, authorises, validates, then calls the domain.
 * Pages (`problemPage`) run `pageGuards` first and show their problems as pages.
 */
export function mountRoutes(
  app: Hono,
  defs: RouteDef[],
  services: HubServices,
  auth: HubAuth,
  pageGuards: MiddlewareHandler[] = [],
) {
  for (const def of defs) {
    const { bytes, advice } = sizeLimit(def, services.limits);
    const limit: MiddlewareHandler = bodyLimit({
      maxSize: bytes,
      onError: async (c) => {
        await drain(c.req.raw);
        const error = new HubError(413, 'The request is too large', advice);
        if (def.problemPage) return def.problemPage(error);
        throw error;
      },
    });
    const page = def.problemPage;
    const handler = async (c: Context): Promise<Response> => {
      if (!page) return serve(c);
      try {
        return await serve(c);
      } catch (error) {
        if (error instanceof HubError) return page(error);
        throw error;
      }
    };
    const chain: MiddlewareHandler[] = [...(page ? pageGuards : []), limit];
    app.on(def.method.toUpperCase(), def.path, ...(chain as [MiddlewareHandler]), handler);
    async function serve(c: Context): Promise<Response> {
      const member = await signedInMember(c, services, auth);
      const params = c.req.param() as Record<string, string>;
      let workspace: WorkspaceRow | undefined;
      if (PERMISSIONS[def.action].scope === 'workspace') {
        workspace = await authorizeWorkspace(services.db, member, def.action, params.workspaceId ?? '');
      } else {
        authorizeFirm(member, def.action);
      }
      let query: unknown;
      if (def.query) {
        const parsed = def.query.safeParse(c.req.query());
        if (!parsed.success) throw invalid('query', parsed.error);
        query = parsed.data;
      }
      const { body, fingerprint } = await readBody(c, def);
      const request = (s: HubServices) =>
        ({
          services: s,
          auth,
          member,
          get workspace() {
            if (!workspace) throw new Error(`${def.path} is not a workspace route`);
            return workspace;
          },
          params,
          query,
          body,
        }) as RouteRequest<never, never>;
      const key = c.req.header('idempotency-key');
      if (!def.idempotent || key === undefined) return toResponse(c, await def.handle(request(services)));
      if (!IDEMPOTENCY_KEY.test(key)) {
        throw new HubError(
          400,
          'The Idempotency-Key header is not valid',
          'Use 8 to 200 printable characters, such as a random UUID, new for each change.',
        );
      }
      const result = await once(
        services.db,
        services.clock,
        { userId: member.userId, key, fingerprint: fingerprintOf(def.method, c.req.path, fingerprint) },
        async (tx) => {
          const reply = await def.handle(request({ ...services, db: tx }));
          if (reply instanceof Response) throw new Error('idempotent routes answer JSON');
          return reply;
        },
      );
      return toResponse(c, result, result.replayed);
    }
  }
}

// OpenAPI, from the same schemas the routes validate with.

const jsonSchema = (schema: z.ZodType, io: 'input' | 'output') =>
  z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'openapi-3.0' });

export function openApiDocument(defs: RouteDef[], problem: z.ZodType, publicPaths: Record<string, unknown>) {
  const paths: Record<string, Record<string, unknown>> = {
    ...(publicPaths as Record<string, Record<string, unknown>>),
  };
  for (const def of defs) {
    const path = def.path.replace(/:(\w+)/g, '{$1}');
    const parameters: unknown[] = [...def.path.matchAll(/:(\w+)/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    if (def.query) {
      const q = jsonSchema(def.query, 'input') as {
        properties?: Record<string, unknown>;
        required?: string[];
      };
      for (const [name, schema] of Object.entries(q.properties ?? {})) {
        parameters.push({ name, in: 'query', required: q.required?.includes(name) ?? false, schema });
      }
    }
    if (def.idempotent) {
      parameters.push({
        name: 'Idempotency-Key',
        in: 'header',
        required: false,
        description: 'A new random key per change; retries with the same key get the first answer.',
        schema: { type: 'string', minLength: 8, maxLength: 200 },
      });
    }
    const responses: Record<string, unknown> = {};
    for (const [status, schema] of Object.entries(def.responses)) {
      responses[status] =
        schema === null
          ? { description: 'No content' }
          : schema === 'html'
            ? { description: 'A page', content: { 'text/html': { schema: { type: 'string' } } } }
            : schema === 'binary'
              ? {
                  description: 'The file',
                  content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
                }
              : {
                  description: 'OK',
                  content: { 'application/json': { schema: jsonSchema(schema, 'output') } },
                };
    }
    responses.default = {
      description: 'A problem, in plain words, with what to do (RFC 9457)',
      content: { 'application/problem+json': { schema: jsonSchema(problem, 'output') } },
    };
    const requestBody =
      def.body === undefined
        ? undefined
        : def.body === MULTIPART_FILE
          ? {
              required: true,
              content: {
                'multipart/form-data': {
                  schema: {
                    type: 'object',
                    required: ['file'],
                    properties: { file: { type: 'string', format: 'binary' } },
                  },
                },
              },
            }
          : isForm(def.body)
            ? {
                required: true,
                content: { 'multipart/form-data': { schema: jsonSchema(def.body.form, 'input') } },
              }
            : { required: true, content: { 'application/json': { schema: jsonSchema(def.body, 'input') } } };
    paths[path] ??= {};
    (paths[path] as Record<string, unknown>)[def.method] = {
      summary: def.summary,
      description: `Permission: ${def.action} (${PERMISSIONS[def.action].summary}).`,
      security: [{ bearer: [] }],
      parameters,
      ...(requestBody ? { requestBody } : {}),
      responses,
    };
  }
  return {
    openapi: '3.0.3',
    info: { title: 'Client Hub server', version: '1' },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    paths,
  };
}
