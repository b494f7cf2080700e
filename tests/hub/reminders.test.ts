import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HubDatabase, openDatabase } from '../../hub/db/client.ts';
import type { Clock } from '../../hub/domain/clock.ts';
import type { JobOptions } from '../../hub/server.ts';
import type { NotifyNowResult, ReminderSchedule, ReminderSent } from '../../lib/hub/reminders.ts';
import { createScratchDatabase, type ScratchDatabase } from '../support/postgres.ts';
import {
  type Caller,
  caller,
  DATABASE,
  type FirmFixture,
  makeFirm,
  startTestHub,
  type TestHub,
  transaction,
  uniqueEmail,
} from './harness.ts';

/**
 * Reminders end to end on a real hub: its job queue, its worker, and a real SMTP server receiving.
 * These tests count every email, so they run on a database of their own (another test file's hub
 * would otherwise run their jobs): a scratch database on PostgreSQL, a PGlite folder otherwise.
 */
const FAST: JobOptions = { pollSeconds: 0.5, reminderTickMs: 100 };

async function ownDatabase(dataDir: string) {
  let scratch: ScratchDatabase | undefined;
  if (process.env.DATABASE_URL) scratch = await createScratchDatabase(process.env.DATABASE_URL, 'reminders');
  return {
    open: (): Promise<HubDatabase> => openDatabase({ databaseUrl: scratch?.url, dataDir }),
    drop: async () => scratch?.drop(),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `check` passes (the worker runs on its own schedule). */
async function eventually<T>(check: () => Promise<T>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(100);
    }
  }
}

/** A clock the test moves by hand. */
function handClock(start: string): Clock & { set(iso: string): void } {
  let now = new Date(start);
  return { now: () => now, set: (iso) => (now = new Date(iso)) };
}

const base = (workspaceId: string) => `/api/workspaces/${workspaceId}`;

async function openTasks(owner: Caller, workspaceId: string, count: number) {
  const reply = await owner.request<{ tasks: { id: string }[] }>('PUT', `${base(workspaceId)}/tasks`, {
    tasks: Array.from({ length: count }, () => ({ transaction: transaction(), question: 'What is this?' })),
  });
  expect(reply.status).toBe(200);
  return reply.body.tasks.map((t) => t.id);
}

const history = async (who: Caller, workspaceId: string) =>
  (await who.request<{ reminders: ReminderSent[] }>('GET', `${base(workspaceId)}/reminders`)).body.reminders;

describe(`reminders (${DATABASE})`, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'hub-reminders-'));
  const clock = handClock('2026-11-29T19:59:00Z'); // Monday 30 November, 08:59 in Auckland
  let database: Awaited<ReturnType<typeof ownDatabase>>;
  let opened: HubDatabase;
  let hub: TestHub;
  let firm: FirmFixture;
  let staff: Caller;
  let client: { email: string };
  let secondClient: { email: string };

  beforeAll(async () => {
    database = await ownDatabase(dataDir);
    opened = await database.open();
    hub = await startTestHub({ database: opened, clock, jobs: FAST });
    firm = await makeFirm(hub, 'Harbour Lane <Accounting>');
    staff = firm.users.Staff;
    client = firm.users['Client User'];
    // A second client user, with a name that must not become HTML in the email.
    const invited = await firm.users.Manager.request<{ email: string }>(
      'POST',
      `${base(firm.own.id)}/clients`,
      {
        email: uniqueEmail('second'),
        name: '<img src=x onerror=alert(1)> Bea',
      },
    );
    expect(invited.status).toBe(201);
    secondClient = invited.body;
    // Inviting emailed them; the tests below count reminders only.
    await hub.mailbox.next(secondClient.email);
    hub.mailbox.clear();
  });
  afterAll(async () => {
    await hub?.stop();
    await opened?.close();
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('Notify now emails each client user of the workspace once: how many questions are open, and a sign-in link', async () => {
    await openTasks(staff, firm.own.id, 3);
    const before = hub.mailbox.received.length;
    const reply = await staff.request<NotifyNowResult>('POST', `${base(firm.own.id)}/reminders/notify-now`);
    expect(reply).toMatchObject({ status: 202, body: { queued: true, openQuestions: 3, recipients: 2 } });

    const mail = await hub.mailbox.next(client.email);
    expect(mail.subject).toBe('3 questions for Own Harbour Lane <Accounting> are waiting for your answer');
    expect(mail.from?.value[0]?.name).toBe('Harbour Lane <Accounting>');
    const link = `${hub.url}/portal/sign-in?email=${encodeURIComponent(client.email)}`;
    expect(mail.text).toContain('has 3 questions for Own Harbour Lane <Accounting> waiting for your answer');
    expect(mail.text).toContain(link);
    expect(mail.html).toContain(`href="${link.replaceAll('&', '&amp;')}"`);
    expect(mail.html).toContain('Harbour Lane &lt;Accounting&gt;');
    // No images of any kind, so nothing is fetched from anywhere when the email is opened.
    expect(mail.html).not.toMatch(/<img|src=/i);

    const second = await hub.mailbox.next(secondClient.email);
    expect(second.text).toContain('Hello <img src=x onerror=alert(1)> Bea,');
    expect(second.html).toContain('Hello &lt;img src=x onerror=alert(1)&gt; Bea,');

    // Exactly one each, and the firm sees who was reminded when.
    await sleep(1500);
    expect(hub.mailbox.received.length - before).toBe(2);
    const sent = await eventually(async () => {
      const rows = await history(staff, firm.own.id);
      expect(rows.map((r) => r.state)).toEqual(['sent', 'sent']);
      return rows;
    });
    expect(sent.map((r) => r.email).sort()).toEqual([client.email, secondClient.email].sort());
    for (const row of sent) {
      expect(row).toMatchObject({ trigger: 'now', openQuestions: 3 });
      expect(row.sentAt).not.toBeNull();
    }
    // Client users never see the firm's reminder screens.
    const asClient = await firm.users['Client User'].request('GET', `${base(firm.own.id)}/reminders`);
    expect(asClient.status).toBe(403);
  });

  it('an Idempotency-Key repeat of Notify now sends nothing more', async () => {
    const before = hub.mailbox.received.length;
    const key = { 'idempotency-key': `notify-${randomUUID()}` };
    const first = await staff.request('POST', `${base(firm.own.id)}/reminders/notify-now`, undefined, key);
    const again = await staff.request('POST', `${base(firm.own.id)}/reminders/notify-now`, undefined, key);
    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    await hub.mailbox.next(client.email, { after: 1 });
    await sleep(1500);
    expect(hub.mailbox.received.length - before).toBe(2);
  });

  it('sends nothing when nothing is open, now or on schedule', async () => {
    const workspace = firm.other.id;
    // A client user of this workspace, and a question that is already answered.
    const invited = await firm.users.Admin.request<{ email: string }>('POST', `${base(workspace)}/clients`, {
      email: uniqueEmail('quiet'),
      name: 'Quiet Client',
    });
    await hub.mailbox.next(invited.body.email); // the invitation
    const [taskId] = await openTasks(firm.users.Admin, workspace, 1);
    await firm.users.Admin.request('PUT', `${base(workspace)}/tasks/${taskId}/status`, {
      status: 'Answered',
    });

    const now = await firm.users.Admin.request<NotifyNowResult>(
      'POST',
      `${base(workspace)}/reminders/notify-now`,
    );
    expect(now).toMatchObject({ status: 200, body: { queued: false, openQuestions: 0, recipients: 1 } });

    clock.set('2026-11-29T19:59:00Z');
    const schedule = await firm.users.Admin.request<ReminderSchedule>(
      'PUT',
      `${base(workspace)}/reminders/schedule`,
      {
        enabled: true,
        weekdays: ['Monday'],
        time: '09:00',
        timeZone: 'Pacific/Auckland',
      },
    );
    expect(schedule.body.nextSendAt).toBe('2026-11-29T20:00:00.000Z');
    clock.set('2026-11-29T20:00:01Z');
    // The slot passes (the schedule moves on to next Monday) and no email goes out.
    await eventually(async () => {
      const after = await firm.users.Admin.request<ReminderSchedule>(
        'GET',
        `${base(workspace)}/reminders/schedule`,
      );
      expect(after.body.nextSendAt).toBe('2026-12-06T20:00:00.000Z');
    });
    await sleep(1500);
    expect(hub.mailbox.to(invited.body.email).map((m) => m.subject)).toEqual([
      expect.stringMatching(/invit/i),
    ]);
    expect(await history(firm.users.Admin, workspace)).toEqual([]);
  });

  it('sends on schedule at 9:00 in the client’s time zone, once per slot', async () => {
    const workspace = firm.own.id;
    clock.set('2026-12-06T19:58:00Z'); // Monday 7 December, 08:58 in Auckland
    const saved = await staff.request<ReminderSchedule>('PUT', `${base(workspace)}/reminders/schedule`, {
      enabled: true,
      weekdays: ['Monday', 'Thursday'],
      time: '09:00',
      timeZone: 'Pacific/Auckland',
    });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({
      enabled: true,
      weekdays: ['Monday', 'Thursday'],
      nextSendAt: '2026-12-06T20:00:00.000Z',
    });
    const before = hub.mailbox.to(client.email).length;
    await sleep(1000);
    expect(hub.mailbox.to(client.email).length).toBe(before);

    clock.set('2026-12-06T20:00:00Z');
    const mail = await hub.mailbox.next(client.email, { after: before });
    expect(mail.text).toContain('3 questions');
    const next = await staff.request<ReminderSchedule>('GET', `${base(workspace)}/reminders/schedule`);
    expect(next.body.nextSendAt).toBe('2026-12-09T20:00:00.000Z'); // Thursday 10 December, 09:00 NZDT
    clock.set('2026-12-06T20:00:30Z');
    await sleep(1500);
    expect(hub.mailbox.to(client.email).length).toBe(before + 1);
    const rows = await history(staff, workspace);
    expect(rows.filter((r) => r.trigger === 'schedule').map((r) => r.state)).toEqual(['sent', 'sent']);

    // Turned off: nothing is due any more.
    const off = await staff.request<ReminderSchedule>('PUT', `${base(workspace)}/reminders/schedule`, {
      ...saved.body,
      enabled: false,
    });
    expect(off.body).toMatchObject({ enabled: false, nextSendAt: null });
  });

  it('refuses a schedule it cannot keep, saying which field is wrong', async () => {
    const reply = await staff.request<{ errors: { path: string }[] }>(
      'PUT',
      `${base(firm.own.id)}/reminders/schedule`,
      {
        enabled: true,
        weekdays: [],
        time: '9am',
        timeZone: 'Auckland',
      },
    );
    expect(reply.status).toBe(400);
    expect(reply.body.errors.map((e) => e.path).sort()).toEqual(['time', 'timeZone', 'weekdays']);
  });
});

describe(`reminders are durable (${DATABASE})`, () => {
  it('a reminder queued by a hub that stops before sending it is sent once by the next hub, retried when the mail server refuses it', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'hub-durable-'));
    const database = await ownDatabase(dataDir);
    let opened = await database.open();
    // The first instance queues but runs no jobs, then stops with the job still waiting.
    const jobs = { ...FAST, retryDelaySeconds: 1 };
    let hub = await startTestHub({ database: opened, jobs: { ...jobs, worker: false } });
    try {
      const firm = await makeFirm(hub);
      await openTasks(firm.users.Admin, firm.own.id, 2);
      const queued = await firm.users.Admin.request('POST', `${base(firm.own.id)}/reminders/notify-now`);
      expect(queued.status).toBe(202);
      await sleep(1000);
      expect(hub.mailbox.received).toEqual([]);
      await hub.stop();
      await opened.close();

      // A new process's worth: the database reopened from its folder (or server), a new hub.
      opened = await database.open();
      // Its mail server refuses the first attempt ("451 try again later"): the queue retries it.
      hub = await startTestHub({ database: opened, jobs, mailbox: { refuseFirst: 1 } });
      const mail = await hub.mailbox.next(firm.users['Client User'].email);
      expect(mail.text).toContain('2 questions');
      await sleep(2000);
      expect(hub.mailbox.received).toHaveLength(1);
      // The Admin's sign-in from the first hub works on this one (sessions live in the database).
      const admin = caller(hub.url, firm.users.Admin.token);
      expect((await history(admin, firm.own.id)).map((r) => r.state)).toEqual(['sent']);
    } finally {
      await hub.stop();
      await opened.close();
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 240_000); // opens the embedded database twice, as a restarted hub does
});
