import { randomUUID } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NotifyNowResult, ReminderSent } from '../../lib/hub/reminders.ts';
import { type Caller, caller, transaction } from '../hub/harness';
import { type HubProcess, startHubProcess } from '../support/hub-process';
import { type Mailbox, startMailbox } from '../support/mailbox';
import { createScratchDatabase, type ScratchDatabase, withClient } from '../support/postgres';
import { firmOn, ok } from './support';

// Exactly once with several instances: two hub processes on one PostgreSQL, both running the
// reminder worker (each looks for due schedules every 200 ms and polls the queue every 0.5 s), one
// real SMTP server counting what arrives.
const DATABASE_URL = process.env.DATABASE_URL as string;
const WORKSPACES = 6;
const CLIENTS_PER_WORKSPACE = 2;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('reminders with two hub instances on one PostgreSQL', () => {
  let database: ScratchDatabase;
  let mailbox: Mailbox;
  let a: HubProcess;
  let b: HubProcess;
  let viaA: Caller;
  let viaB: Caller;
  const workspaces: { id: string; clients: string[] }[] = [];

  beforeAll(async () => {
    database = await createScratchDatabase(DATABASE_URL, 'remind');
    mailbox = await startMailbox();
    const env = { SMTP_URL: mailbox.url, HUB_JOB_POLL_SECONDS: '0.5', HUB_REMINDER_TICK_SECONDS: '0.2' };
    const [dataA, dataB] = await Promise.all([
      mkdtemp(path.join(os.tmpdir(), 'hub-ra-')),
      mkdtemp(path.join(os.tmpdir(), 'hub-rb-')),
    ]);
    [a, b] = await Promise.all([
      startHubProcess({ databaseUrl: database.url, dataDir: dataA, env }),
      startHubProcess({ databaseUrl: database.url, dataDir: dataB, env }),
    ]);
    const firm = await firmOn(database, a.url, dataA);
    viaA = firm.admin;
    viaB = caller(b.url, viaA.token);
    for (let i = 0; i < WORKSPACES; i++) {
      const via = i % 2 ? viaA : viaB;
      const { id } = ok(
        await via.request<{ id: string }>('POST', '/api/workspaces', {
          name: `Client ${i}`,
          tenantId: randomUUID(),
        }),
      );
      const clients: string[] = [];
      for (let c = 0; c < CLIENTS_PER_WORKSPACE; c++) {
        const email = `client-${i}-${c}-${randomUUID().slice(0, 6)}@example.test`;
        ok(await via.request('POST', `/api/workspaces/${id}/clients`, { email, name: `Client ${i}.${c}` }));
        clients.push(email);
      }
      ok(
        await via.request('PUT', `/api/workspaces/${id}/tasks`, {
          tasks: [{ transaction: transaction() }, { transaction: transaction() }],
        }),
      );
      workspaces.push({ id, clients });
    }
    // Each client was emailed an invitation: let those arrive, then count reminders only.
    const deadline = Date.now() + 60_000;
    while (mailbox.received.length < allClients().length && Date.now() < deadline) await sleep(100);
    expect(mailbox.received).toHaveLength(allClients().length);
    mailbox.clear();
  }, 240_000);

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await mailbox?.close();
    await database?.drop();
  });

  const allClients = () => workspaces.flatMap((w) => w.clients);

  async function waitForMail(total: number) {
    const deadline = Date.now() + 60_000;
    while (mailbox.received.length < total && Date.now() < deadline) await sleep(100);
    // Then long enough for a duplicate to show: several ticks and polls of both instances.
    await sleep(4000);
  }

  it('a scheduled slot that comes due is sent once per client user, not once per instance', async () => {
    for (const [i, w] of workspaces.entries()) {
      ok(
        await (i % 2 ? viaB : viaA).request('PUT', `/api/workspaces/${w.id}/reminders/schedule`, {
          enabled: true,
          weekdays: ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'],
          time: '09:00',
          timeZone: 'Pacific/Auckland',
        }),
      );
    }
    expect(mailbox.received).toHaveLength(0);
    // The slot's time arrives for every workspace at once, while both instances are looking.
    await withClient(database.url, (client) =>
      client.query("update reminder_schedule set next_send_at = now() - interval '1 second'"),
    );
    await waitForMail(allClients().length);
    expect(mailbox.received).toHaveLength(WORKSPACES * CLIENTS_PER_WORKSPACE);
    for (const email of allClients()) expect(mailbox.to(email), email).toHaveLength(1);
    for (const [i, w] of workspaces.entries()) {
      const { reminders } = ok(
        await (i % 2 ? viaA : viaB).request<{ reminders: ReminderSent[] }>(
          'GET',
          `/api/workspaces/${w.id}/reminders`,
        ),
      );
      expect(reminders.map((r) => [r.trigger, r.state, r.openQuestions])).toEqual([
        ['schedule', 'sent', 2],
        ['schedule', 'sent', 2],
      ]);
    }
    // Each schedule moved on to its next slot, in the future.
    const next = await withClient(database.url, (client) =>
      client.query<{ n: number }>(
        'select count(*)::int as n from reminder_schedule where next_send_at > now()',
      ),
    );
    expect(next.rows[0]?.n).toBe(WORKSPACES);
  });

  it('Notify now through either instance: every request is one digest per client user, sent by one instance', async () => {
    const before = mailbox.received.length;
    const replies = await Promise.all(
      workspaces.map((w, i) =>
        (i % 2 ? viaA : viaB).request<NotifyNowResult>(
          'POST',
          `/api/workspaces/${w.id}/reminders/notify-now`,
        ),
      ),
    );
    for (const reply of replies)
      expect(ok(reply)).toMatchObject({ queued: true, openQuestions: 2, recipients: 2 });
    await waitForMail(before + allClients().length);
    expect(mailbox.received.length - before).toBe(WORKSPACES * CLIENTS_PER_WORKSPACE);
    for (const email of allClients()) expect(mailbox.to(email), email).toHaveLength(2);
  });
});
