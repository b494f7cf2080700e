import type { RateWindow, SandboxState } from '../state.ts';

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

export type RateProblem = 'concurrent' | 'minute' | 'day' | 'appminute';

export type Admission =
  | { ok: true; headers: Record<string, string>; release(): void }
  | { ok: false; problem: RateProblem; retryAfterSeconds: number; headers: Record<string, string> };

/** A fixed window opens with its first call and lasts `length`; an expired one starts over. */
function current(window: RateWindow | undefined, now: number, length: number): RateWindow {
  if (!window || now - window.startedAt >= length) return { startedAt: now, count: 0 };
  return window;
}

const secondsLeft = (window: RateWindow, now: number, length: number): number =>
  Math.max(1, Math.ceil((window.startedAt + length - now) / 1000));

/** App-wide minute limit only: what /connections is subject to. */
export function admitAppCall(state: SandboxState, clientId: string): Admission {
  const now = state.clock.now();
  const app = current(state.appWindows.get(clientId), now, MINUTE_MS);
  state.appWindows.set(clientId, app);
  if (app.count >= state.limits.appPerMinute) {
    const headers = { 'X-AppMinLimit-Remaining': '0' };
    return { ok: false, problem: 'appminute', retryAfterSeconds: secondsLeft(app, now, MINUTE_MS), headers };
  }
  app.count++;
  const headers = { 'X-AppMinLimit-Remaining': String(state.limits.appPerMinute - app.count) };
  return { ok: true, headers, release: () => {} };
}

/** Per-organisation day, minute and concurrency limits plus the app-wide minute limit. */
export function admitOrganisationCall(state: SandboxState, clientId: string, tenantId: string): Admission {
  const { limits } = state;
  const now = state.clock.now();
  const windows = state.rateWindows.get(tenantId) ?? { inFlight: 0 };
  state.rateWindows.set(tenantId, windows);
  const day = current(windows.day, now, DAY_MS);
  const minute = current(windows.minute, now, MINUTE_MS);
  const app = current(state.appWindows.get(clientId), now, MINUTE_MS);
  windows.day = day;
  windows.minute = minute;
  state.appWindows.set(clientId, app);
  const headers = (): Record<string, string> => ({
    'X-DayLimit-Remaining': String(Math.max(0, limits.perDay - day.count)),
    'X-MinLimit-Remaining': String(Math.max(0, limits.perMinute - minute.count)),
    'X-AppMinLimit-Remaining': String(Math.max(0, limits.appPerMinute - app.count)),
  });
  if (day.count >= limits.perDay) {
    return {
      ok: false,
      problem: 'day',
      retryAfterSeconds: secondsLeft(day, now, DAY_MS),
      headers: headers(),
    };
  }
  if (minute.count >= limits.perMinute) {
    return {
      ok: false,
      problem: 'minute',
      retryAfterSeconds: secondsLeft(minute, now, MINUTE_MS),
      headers: headers(),
    };
  }
  if (app.count >= limits.appPerMinute) {
    return {
      ok: false,
      problem: 'appminute',
      retryAfterSeconds: secondsLeft(app, now, MINUTE_MS),
      headers: headers(),
    };
  }
  if (windows.inFlight >= limits.concurrent) {
    return { ok: false, problem: 'concurrent', retryAfterSeconds: 1, headers: headers() };
  }
  day.count++;
  minute.count++;
  app.count++;
  windows.inFlight++;
  let released = false;
  return {
    ok: true,
    headers: headers(),
    release: () => {
      if (released) return;
      released = true;
      windows.inFlight = Math.max(0, windows.inFlight - 1);
    },
  };
}
