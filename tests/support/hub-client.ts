/**
 * A bare HTTP client for a hub over the network (the multi-instance and fault tests, the bench): what
 * the extension will do, with no helpers from inside the server.
 */
export interface HubReply<T = unknown> {
  status: number;
  contentType: string;
  body: T;
}

export class HubClient {
  constructor(
    public baseUrl: string,
    private token?: string,
  ) {}

  /** A client for another instance, signed in with the same session (instances share it through the database). */
  at(baseUrl: string): HubClient {
    return new HubClient(baseUrl, this.token);
  }

  async signIn(email: string, password: string): Promise<this> {
    const response = await fetch(`${this.baseUrl}/api/auth/sign-in/email`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    const token = response.headers.get('set-auth-token');
    if (!response.ok || !token)
      throw new Error(`sign-in failed (${response.status}): ${await response.text()}`);
    this.token = token;
    return this;
  }

  async request<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<HubReply<T>> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const contentType = response.headers.get('content-type') ?? '';
    const text = await response.text();
    return {
      status: response.status,
      contentType,
      body: (text && contentType.includes('json') ? JSON.parse(text) : text) as T,
    };
  }

  /** Like request, but anything other than 2xx is an error carrying the hub's answer. */
  async ok<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<T> {
    const reply = await this.request<T>(method, path, body, headers);
    if (reply.status < 200 || reply.status > 299) {
      throw new Error(`${method} ${path} → ${reply.status}: ${JSON.stringify(reply.body)}`);
    }
    return reply.body;
  }
}

/** A Xero bank transaction as the extension sends it; `n` makes its BankTransactionID (a valid v4 UUID). */
export function bankTransaction(n: number, extra: Record<string, unknown> = {}) {
  return {
    BankTransactionID: uuidFor(n),
    Type: 'SPEND',
    Date: `2026-${String(1 + (n % 11)).padStart(2, '0')}-${String(1 + (n % 28)).padStart(2, '0')}`,
    Total: Math.round((5 + ((n * 7919) % 100_000) / 100) * 100) / 100,
    CurrencyCode: 'NZD',
    Reference: `REF-${n}`,
    Contact: { Name: `Contact ${n % 700}` },
    ...extra,
  };
}

/** A deterministic RFC 4122 version-4-shaped UUID for a number (tenant ids, transaction ids). */
export function uuidFor(n: number, prefix = 0): string {
  const hex = n.toString(16).padStart(12, '0');
  const head = prefix.toString(16).padStart(8, '0');
  return `${head}-0000-4000-8000-${hex}`;
}
