/** Xero's error bodies, one function per shape (see XERO-API-NOTES "Error shapes"). */

const json = (status: number, body: unknown, headers: Record<string, string> = {}): Response =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  });

const text = (status: number, body: string, headers: Record<string, string> = {}): Response =>
  new Response(body, { status, headers: { 'content-type': 'text/plain; charset=utf-8', ...headers } });

function problem(status: number, title: string, detail: string, instance: string): Record<string, unknown> {
  return { Type: null, Title: title, Status: status, Detail: detail, Instance: instance, Extensions: {} };
}

export function unauthorized(detail: string, instance: string): Response {
  return json(401, problem(401, 'Unauthorized', detail, instance));
}

/** `TokenExpired: token expired at 11/25/2026 10:00:00` (Xero writes the US date style). */
export function tokenExpiredDetail(expSeconds: number): string {
  const d = new Date(expSeconds * 1000);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `TokenExpired: token expired at ${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}/${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

export function forbidden(instance: string): Response {
  return json(403, problem(403, 'Forbidden', 'AuthenticationUnsuccessful', instance));
}

export function notFound(): Response {
  return text(404, "The resource you're looking for cannot be found");
}

export function notAcceptable(): Response {
  return text(
    406,
    'The Xero sandbox only speaks JSON. Send "Accept: application/json" (real Xero would answer in XML).',
  );
}

export function organisationOffline(): Response {
  return text(503, 'The Organisation is offline');
}

export function maintenance(): Response {
  return text(503, 'The Xero API is currently offline for maintenance');
}

export function serverError(): Response {
  return json(500, {
    Title: 'An error occurred',
    Detail:
      'An error occurred in Xero. Check the API Status page http://status.developer.xero.com for current service status.',
    Status: 500,
    Instance: null,
  });
}

export function tooManyRequests(
  problemKind: string,
  retryAfterSeconds: number,
  headers: Record<string, string>,
): Response {
  return text(429, 'Rate limit exceeded', {
    ...headers,
    'X-Rate-Limit-Problem': problemKind,
    'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))),
  });
}

export interface ValidationElement {
  messages: string[];
  bankTransactionId?: string;
}

export function validationException(messages: string[], bankTransactionId?: string): Response {
  return json(400, {
    ErrorNumber: 10,
    Type: 'ValidationException',
    Message: 'A validation exception occurred',
    Elements: [
      {
        ...(bankTransactionId ? { BankTransactionID: bankTransactionId } : {}),
        ValidationErrors: messages.map((message) => ({ Message: message })),
      },
    ],
  });
}

export function queryParseException(message: string): Response {
  return json(400, { ErrorNumber: 16, Type: 'QueryParseException', Message: message });
}

export function payloadTooLarge(message: string): Response {
  return text(413, message);
}
