import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import {
  createFirmWithCli,
  freePort,
  type HubProcess,
  hubApiAs,
  startHubProcess,
} from '../../support/hub-process';
import { type Mailbox, startMailbox } from '../../support/mailbox';
import { demoUserOrgs, type E2E, type SandboxOrg, startE2E } from './harness';

/** Someone of the firm who signs in to its Client Hub server with a password. */
export interface FirmPerson {
  email: string;
  password: string;
}

/** Connects the options page to the firm's Client Hub server, as a person does in its section. */
export async function connectToHub(page: Page, hubUrl: string, who: FirmPerson) {
  const section = page.getByTestId('hub-server');
  await section.getByLabel('Server address').fill(hubUrl);
  await section.getByLabel('Email').fill(who.email);
  await section.getByLabel('Password').fill(who.password);
  await section.getByRole('button', { name: 'Connect' }).click();
  await section.getByTestId('hub-signed-in').waitFor({ timeout: 30_000 });
}

/** A firm's Client Hub server in its own process, its Admin (and a Staff member), and Chromium with the sandbox. */
export interface FirmWorld {
  /** The running server; a new one after `restartHub()`. */
  readonly hub: HubProcess;
  e2e: E2E;
  /** The first organisation the sandbox's demo user can connect. */
  org: SandboxOrg;
  /** The SMTP server the hub sends to, with `mailbox: true`. */
  mailbox?: Mailbox;
  /** Starts the server again on the same data folder and port (after `hub.stop()`, or stops it first). */
  restartHub(): Promise<HubProcess>;
  close(): Promise<void>;
}

export interface FirmWorldOptions {
  firm: string;
  admin: FirmPerson;
  /** A Staff member the Admin adds once the server is up. */
  staff?: FirmPerson & { name: string };
  /** The hub process's environment (e.g. MAIL_FROM). */
  env?: Record<string, string>;
  /** A real SMTP server for the hub's email (its SMTP_URL), as `world.mailbox`. */
  mailbox?: boolean;
  /** The sandbox's size: 20 by default (small and quick); `'full'` for the sandbox's own default. */
  scale?: number | 'full';
}

/** Undoes what has been started so far, newest first, when a later step fails or the test ends. */
async function unwind(steps: (() => Promise<void>)[]) {
  const failures: unknown[] = [];
  for (const step of steps.splice(0).reverse()) await step().catch((error) => failures.push(error));
  if (failures.length > 0) throw failures[0];
}

export async function startFirmWorld(
  options: FirmWorldOptions & { mailbox: true },
): Promise<FirmWorld & { mailbox: Mailbox }>;
export async function startFirmWorld(options: FirmWorldOptions): Promise<FirmWorld>;
export async function startFirmWorld(options: FirmWorldOptions): Promise<FirmWorld> {
  const cleanup: (() => Promise<void>)[] = [];
  try {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'firm-e2e-'));
    cleanup.push(() => rm(dataDir, { recursive: true, force: true }));
    await createFirmWithCli({
      dataDir,
      name: options.firm,
      adminEmail: options.admin.email,
      adminPassword: options.admin.password,
    });
    const mailbox = options.mailbox ? await startMailbox() : undefined;
    if (mailbox) cleanup.push(() => mailbox.close());
    const env = { ...(mailbox ? { SMTP_URL: mailbox.url } : {}), ...options.env };
    // A fixed port: a restarted server comes back at the address the extensions were given.
    const port = await freePort();
    const start = () => startHubProcess({ dataDir, port, env });
    let hub = await start();
    cleanup.push(() => hub.stop());
    if (options.staff) {
      await hubApiAs(hub.url, options.admin, 'POST', '/api/users', { ...options.staff, role: 'Staff' });
    }
    const scale = options.scale ?? 20;
    const e2e = await startE2E(scale === 'full' ? {} : { scale });
    cleanup.push(() => e2e.close());
    const [org] = await demoUserOrgs(e2e.sandbox);
    if (!org) throw new Error('the sandbox offers no organisation');
    const world: FirmWorld = {
      get hub() {
        return hub;
      },
      e2e,
      org,
      ...(mailbox ? { mailbox } : {}),
      async restartHub() {
        await hub.stop();
        hub = await start();
        return hub;
      },
      close: () => unwind(cleanup),
    };
    return world;
  } catch (error) {
    await unwind(cleanup);
    throw error;
  }
}

/** A company's row of the options page's integration table. */
export const companyRow = (page: Page, name: string) =>
  page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: new RegExp(name) }) });
