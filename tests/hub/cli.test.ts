import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DATABASE, PASSWORD, signIn, uniqueAddress, uniqueEmail } from './harness.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'hub-cli-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) child.kill('SIGTERM');
  rmSync(dataDir, { recursive: true, force: true });
});

function run(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'hub/cli.ts', ...args], {
    env: process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return { child, exited, output: () => output };
}

async function waitFor(read: () => string, pattern: RegExp, exited: Promise<unknown>) {
  for (;;) {
    const match = read().match(pattern);
    if (match) return match;
    const stopped = await Promise.race([
      exited.then(() => true),
      new Promise((r) => setTimeout(() => r(false), 200)),
    ]);
    if (stopped) throw new Error(`exited before ${pattern}: ${read()}`);
  }
}

describe(`npm run hub (${DATABASE})`, () => {
  it('explains a create-firm without its options and stops', { timeout: 120_000 }, async () => {
    const { exited, output } = run(['create-firm', '--data', dataDir, '--name', 'No Admin Ltd']);
    expect(await exited).toBe(2);
    expect(output()).toMatch(/--admin-email/);
  });

  // Two processes each open the database: slow on a busy two-core machine.
  it('creates a firm and its first Admin, then serves them', { timeout: 240_000 }, async () => {
    const email = uniqueEmail('founder');
    const made = run([
      'create-firm',
      '--data',
      dataDir,
      '--name',
      'Kauri Accounting',
      '--admin-email',
      email,
      '--admin-password',
      PASSWORD,
    ]);
    expect(await made.exited, made.output()).toBe(0);
    expect(made.output()).toMatch(/Created firm “Kauri Accounting”/);
    // Behind a (pretend) proxy, so this sign-in has an address of its own: the other hub tests share
    // 127.0.0.1 and the database-held limit of 10 sign-ins a minute per address on PostgreSQL.
    const served = run(['--port', '0', '--data', dataDir, '--trust-proxy']);
    const [, url] = await waitFor(
      served.output,
      /Client Hub server listening on (http:\/\/127\.0\.0\.1:\d+)/,
      served.exited,
    );
    const health = await fetch(`${url}/healthz`);
    expect(await health.json()).toEqual({ ok: true, database: DATABASE });
    const admin = await signIn(url ?? '', email, PASSWORD, { 'x-forwarded-for': uniqueAddress() });
    expect((await admin.request('GET', '/api/me')).body).toMatchObject({
      role: 'Admin',
      firm: { name: 'Kauri Accounting' },
    });
    served.child.kill('SIGTERM');
    expect(await served.exited).toBe(0);
  });
});
