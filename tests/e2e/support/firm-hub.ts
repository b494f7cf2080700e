import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { createFirmWithCli, type HubProcess, hubApiAs, startHubProcess } from '../../support/hub-process';
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

/** A firm's Client Hub server in its own process, its Admin and a Staff member, and Chromium with the sandbox. */
export interface FirmWorld {
  hub: HubProcess;
  e2e: E2E;
  /** The first organisation the sandbox's demo user can connect. */
  org: SandboxOrg;
  close(): Promise<void>;
}

export async function startFirmWorld(options: {
  firm: string;
  admin: FirmPerson;
  staff: FirmPerson & { name: string };
  /** The hub process's environment (e.g. SMTP_URL). */
  env?: Record<string, string>;
}): Promise<FirmWorld> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'firm-e2e-'));
  await createFirmWithCli({
    dataDir,
    name: options.firm,
    adminEmail: options.admin.email,
    adminPassword: options.admin.password,
  });
  const hub = await startHubProcess({ dataDir, ...(options.env ? { env: options.env } : {}) });
  await hubApiAs(hub.url, options.admin, 'POST', '/api/users', { ...options.staff, role: 'Staff' });
  const e2e = await startE2E({ scale: 20 });
  const [org] = await demoUserOrgs(e2e.sandbox);
  if (!org) throw new Error('the sandbox offers no organisation');
  return {
    hub,
    e2e,
    org,
    async close() {
      await e2e.close();
      await hub.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A company's row of the options page's integration table. */
export const companyRow = (page: Page, name: string) =>
  page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: new RegExp(name) }) });
