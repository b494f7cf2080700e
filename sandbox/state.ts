import type { SandboxClock } from './clock.ts';
import { DEFAULT_LIMITS, type Limits } from './config.ts';
import { generateWorld } from './data/generate.ts';
import type { OrganisationData, SandboxUser } from './data/model.ts';
import { createPrng, type Prng } from './data/prng.ts';
import type { HeaderVariant } from './pages/chrome.ts';

/** What /connect/token answers; kept per refresh token so a lost response can be replayed. */
export interface TokenSet {
  id_token: string;
  access_token: string;
  expires_in: number;
  token_type: 'Bearer';
  refresh_token?: string;
  scope: string;
}

export interface RefreshTokenRecord {
  token: string;
  grantId: string;
  issuedAt: number;
  /** The response that issued this token, replayed when the previous token is used in its grace period. */
  issuedWith: TokenSet;
}

/** One user's consent to one app; refresh tokens rotate within it. */
export interface Grant {
  grantId: string;
  userId: string;
  clientId: string;
  scope: string[];
  authEventId: string;
  nonce?: string;
  current?: RefreshTokenRecord;
  /** The token `current` replaced, usable until `rotatedAt + grace` unless `current` has been used. */
  previous?: RefreshTokenRecord & { rotatedAt: number };
  revoked: boolean;
}

export interface Connection {
  id: string;
  userId: string;
  clientId: string;
  tenantId: string;
  authEventId: string;
  createdAt: number;
  updatedAt: number;
}

export interface AuthorizationCode {
  code: string;
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  userId: string;
  scope: string[];
  authEventId: string;
  nonce?: string;
  expiresAt: number;
  used: boolean;
}

export interface PendingAuthorization {
  id: string;
  clientId: string;
  redirectUri: string;
  scope: string[];
  state?: string;
  nonce?: string;
  codeChallenge: string;
  userId?: string;
  createdAt: number;
}

export type FaultKind =
  | 'rate-limit'
  | 'server-error'
  | 'org-offline'
  | 'maintenance'
  | 'slow'
  | 'malformed-json'
  | 'drop'
  | 'token-expired';

export interface Fault {
  id: string;
  kind: FaultKind;
  /** Matches the next `count` requests, or each request with `probability`. */
  remaining?: number;
  probability?: number;
  tenantId?: string;
  pathPrefix?: string;
  delayMs?: number;
  problem?: 'minute' | 'day';
  retryAfterSeconds?: number;
}

export interface RequestLogEntry {
  at: number;
  method: string;
  path: string;
  tenantId?: string;
  status: number;
}

export interface RequestStats {
  total: number;
  byStatus: Record<string, number>;
  byTenant: Record<string, { total: number; byStatus: Record<string, number> }>;
}

export interface StoredResponse {
  status: number;
  contentType: string;
  body: Uint8Array;
}

/** A fixed window that starts with its first call (so windows reset at different times per organisation). */
export interface RateWindow {
  startedAt: number;
  count: number;
}

export interface OrganisationRateWindows {
  minute?: RateWindow;
  day?: RateWindow;
  inFlight: number;
}

const REQUEST_LOG_MAX = 5000;

export class SandboxState {
  seed: number;
  scale: number;
  organisations: OrganisationData[] = [];
  users: SandboxUser[] = [];
  grants = new Map<string, Grant>();
  refreshTokens = new Map<string, RefreshTokenRecord>();
  connections = new Map<string, Connection>();
  codes = new Map<string, AuthorizationCode>();
  pending = new Map<string, PendingAuthorization>();
  faults: Fault[] = [];
  limits: Limits;
  idempotency = new Map<string, StoredResponse>();
  rateWindows = new Map<string, OrganisationRateWindows>();
  /** App-wide minute windows, keyed by client id. */
  appWindows = new Map<string, RateWindow>();
  requestLog: RequestLogEntry[] = [];
  /** How the web pages look (sandbox/pages/chrome.ts): which of Xero's headers they wear. */
  pages: { header: HeaderVariant } = { header: 'xerov2' };
  requestStats: RequestStats = { total: 0, byStatus: {}, byTenant: {} };
  /** Ids minted at run time (grants, tokens, connections): seeded so runs are repeatable. */
  ids: Prng;
  faultDice: Prng;

  constructor(
    readonly clock: SandboxClock,
    seed: number,
    scale: number,
    private readonly startLimits: Limits = DEFAULT_LIMITS,
  ) {
    this.seed = seed;
    this.scale = scale;
    this.limits = { ...startLimits };
    this.ids = createPrng(seed, 1000);
    this.faultDice = createPrng(seed, 2000);
    this.reset(seed, scale);
  }

  /** Regenerates the data and forgets every grant, connection, fault, limit change and log entry. */
  reset(seed = this.seed, scale = this.scale): void {
    this.seed = seed;
    this.scale = scale;
    const world = generateWorld(seed, scale, this.clock.now());
    this.organisations = world.organisations;
    this.users = world.users;
    for (const store of [
      this.grants,
      this.refreshTokens,
      this.connections,
      this.codes,
      this.pending,
      this.idempotency,
    ]) {
      store.clear();
    }
    this.rateWindows.clear();
    this.appWindows.clear();
    this.faults = [];
    this.pages = { header: 'xerov2' };
    this.limits = { ...this.startLimits };
    this.ids = createPrng(seed, 1000);
    this.faultDice = createPrng(seed, 2000);
    this.clearRequestLog();
  }

  organisation(tenantId: string): OrganisationData | undefined {
    return this.organisations.find((org) => org.organisation.tenantId === tenantId);
  }

  userById(userId: string): SandboxUser | undefined {
    return this.users.find((user) => user.userId === userId);
  }

  userByEmail(email: string): SandboxUser | undefined {
    const wanted = email.trim().toLowerCase();
    return this.users.find((user) => user.email === wanted);
  }

  /** A connection only opens an organisation while the user still has access to it. */
  hasAccess(userId: string, clientId: string, tenantId: string): boolean {
    const user = this.userById(userId);
    if (!user?.tenantIds.has(tenantId)) return false;
    for (const connection of this.connections.values()) {
      if (
        connection.userId === userId &&
        connection.clientId === clientId &&
        connection.tenantId === tenantId
      ) {
        return true;
      }
    }
    return false;
  }

  logRequest(entry: RequestLogEntry): void {
    this.requestLog.push(entry);
    if (this.requestLog.length > REQUEST_LOG_MAX)
      this.requestLog.splice(0, this.requestLog.length - REQUEST_LOG_MAX);
    const status = String(entry.status);
    const stats = this.requestStats;
    stats.total++;
    stats.byStatus[status] = (stats.byStatus[status] ?? 0) + 1;
    if (entry.tenantId) {
      const tenant = stats.byTenant[entry.tenantId] ?? { total: 0, byStatus: {} };
      tenant.total++;
      tenant.byStatus[status] = (tenant.byStatus[status] ?? 0) + 1;
      stats.byTenant[entry.tenantId] = tenant;
    }
  }

  clearRequestLog(): void {
    this.requestLog = [];
    this.requestStats = { total: 0, byStatus: {}, byTenant: {} };
  }
}
