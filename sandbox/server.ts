import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createApp } from './app.ts';
import { createClock } from './clock.ts';
import {
  DEFAULT_CODE_LIFETIME_SECONDS,
  DEFAULT_LIMITS,
  DEFAULT_SCALE,
  DEFAULT_SEED,
  type Limits,
} from './config.ts';
import type { SandboxContext } from './context.ts';
import { createSigningKey } from './identity/jwt.ts';
import { SandboxState } from './state.ts';

export type { Limits } from './config.ts';
export type { SandboxState } from './state.ts';

export interface SandboxOptions {
  port?: number;
  host?: string;
  seed?: number;
  /** Bank transactions generated per organisation. */
  scale?: number;
  limits?: Partial<Limits>;
  codeLifetimeSeconds?: number;
  /** Real-time source under the virtual clock (tests pin it). */
  now?: () => number;
}

export interface Sandbox {
  url: string;
  port: number;
  close(): Promise<void>;
  state: SandboxState;
  clock: { now(): number; advance(ms: number): void };
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const clock = createClock(options.now);
  const state = new SandboxState(clock, options.seed ?? DEFAULT_SEED, options.scale ?? DEFAULT_SCALE, {
    ...DEFAULT_LIMITS,
    ...options.limits,
  });
  const host = options.host ?? '127.0.0.1';
  let baseUrl = '';
  const ctx: SandboxContext = {
    state,
    clock,
    key: createSigningKey(`sandbox-${state.seed}`),
    codeLifetimeSeconds: options.codeLifetimeSeconds ?? DEFAULT_CODE_LIFETIME_SECONDS,
    baseUrl: () => baseUrl,
  };
  const app = createApp(ctx);
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const started = serve({ fetch: app.fetch, port: options.port ?? 0, hostname: host }, () =>
      resolve(started),
    );
    started.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    url: baseUrl,
    port,
    state,
    clock,
    close: () =>
      new Promise<void>((resolve, reject) => {
        if ('closeAllConnections' in server) server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
