import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');
/** The file `npm run hub` runs (read from package.json, so the two cannot drift apart). */
const HUB_ENTRY = (() => {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  const entry = /\btsx\s+(\S+\.ts)\b/.exec(pkg.scripts.hub ?? '')?.[1];
  if (!entry) throw new Error('package.json has no "hub" script of the form "tsx <file>.ts"');
  return path.join(ROOT, entry);
})();

const LISTENING = /Client Hub server listening on (http:\/\/127\.0\.0\.1:(\d+))/;

/** A hub server in its own process, as `npm run hub` starts it (a real process a test can SIGKILL). */
export interface HubProcess {
  readonly url: string;
  readonly pid: number;
  readonly dataDir: string;
  /** Everything it printed, stdout and stderr, for a failing test's message. */
  output(): string;
  /** Sends the signal and waits for the process to end. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export interface HubProcessOptions {
  /** PostgreSQL to use; without it the hub opens PGlite in its data folder. */
  databaseUrl?: string;
  /** The data folder (files, and PGlite's database); a fresh temporary one by default. */
  dataDir?: string;
  port?: number;
  env?: Record<string, string>;
  /** How long to wait for the "listening" line. */
  timeoutMs?: number;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts `hub` with node + tsx's loader in one process (not through npm or the tsx CLI, which would
 * put a parent in between that a SIGKILL would hit instead of the server).
 */
export async function startHubProcess(options: HubProcessOptions = {}): Promise<HubProcess> {
  const dataDir = options.dataDir ?? (await mkdtemp(path.join(os.tmpdir(), 'hub-process-')));
  const port = options.port ?? (await freePort());
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env };
  if (options.databaseUrl) env.DATABASE_URL = options.databaseUrl;
  else delete env.DATABASE_URL;
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', HUB_ENTRY, '--port', String(port), '--data', dataDir],
    {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`hub did not start within ${options.timeoutMs ?? 60_000} ms:\n${output}`)),
      options.timeoutMs ?? 60_000,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = LISTENING.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1] as string);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`hub exited (${signal ?? code}) before it listened:\n${output}`));
    });
  });
  return {
    url,
    pid: child.pid as number,
    dataDir,
    output: () => output,
    stop: (signal = 'SIGTERM') => stopChild(child, exited, signal),
  };
}

/**
 * Creates a firm with `npm run hub -- create-firm` (the CLI, in its own process) on the given database,
 * and returns its Admin's credentials.
 */
export async function createFirmWithCli(options: {
  databaseUrl?: string;
  dataDir: string;
  name: string;
  adminEmail: string;
  adminPassword: string;
}): Promise<{ email: string; password: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (options.databaseUrl) env.DATABASE_URL = options.databaseUrl;
  else delete env.DATABASE_URL;
  const args = ['create-firm', '--data', options.dataDir, '--name', options.name];
  args.push('--admin-email', options.adminEmail, '--admin-password', options.adminPassword);
  const child = spawn(process.execPath, ['--import', 'tsx', HUB_ENTRY, ...args], { cwd: ROOT, env });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`create-firm exited with ${code}:\n${output}`);
  return { email: options.adminEmail, password: options.adminPassword };
}

async function stopChild(child: ChildProcess, exited: Promise<void>, signal: NodeJS.Signals) {
  if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  await exited;
}

/** Resident memory of a process in bytes (Linux), for the bench's "memory stays flat". */
export function residentBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1];
  if (!kb) throw new Error(`no VmRSS for process ${pid}`);
  return Number(kb) * 1024;
}

const hubTokens = new Map<string, string>();

async function hubSignIn(hubUrl: string, who: { email: string; password: string }): Promise<string> {
  const response = await fetch(`${hubUrl}/api/auth/sign-in/email`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: who.email, password: who.password }),
  });
  const token = response.headers.get('set-auth-token');
  if (!token) throw new Error(`sign-in of ${who.email}: ${response.status} ${await response.text()}`);
  return token;
}

/**
 * The hub's API as one of the firm's people (setting up or checking what a test needs, as that person
 * could). One sign-in per person and server, kept for the next calls: the hub allows 10 sign-ins a minute.
 */
export async function hubApiAs<T>(
  hubUrl: string,
  who: { email: string; password: string },
  method: string,
  apiPath: string,
  body?: unknown,
): Promise<T> {
  const key = `${hubUrl} ${who.email}`;
  for (let attempt = 0; ; attempt++) {
    let token = hubTokens.get(key);
    if (!token) {
      token = await hubSignIn(hubUrl, who);
      hubTokens.set(key, token);
    }
    const response = await fetch(`${hubUrl}${apiPath}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (response.status === 401 && attempt === 0) {
      hubTokens.delete(key);
      continue;
    }
    if (!response.ok) throw new Error(`${method} ${apiPath}: ${response.status} ${await response.text()}`);
    return (response.status === 204 ? null : await response.json()) as T;
  }
}
