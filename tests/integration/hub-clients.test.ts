import { beforeAll, describe, expect, test } from 'vitest';
import { hubSessionStore } from '@/lib/hub/session';
import { account as chartAccount } from '../support/accounts';
import { hubWithFirm, PASSWORD, transaction, uniqueEmail } from '../support/hub';
import { mailboxMail, signInByLink } from '../support/portal';
import { problemOf, startTestBackground } from './support/background';

/**
 * "Clients & reminders" through the extension's background against a real Client Hub server
 * (in-process, PGlite, its job worker) and a real SMTP server: invitations, ending a client's
 * sessions, the reminder schedule, Notify now and its history, and account choice.
 */
const world = hubWithFirm(undefined, { jobs: { pollSeconds: 0.5, reminderTickMs: 100 } });

type Background = ReturnType<typeof startTestBackground>;
async function signedIn(role: 'Admin' | 'Manager' | 'Staff'): Promise<Background> {
  // No Xero here: these messages only reach the Client Hub server.
  const t = startTestBackground({
    sandboxUrl: 'http://127.0.0.1:9',
    launchSignIn: async () => 'unused',
  });
  await t.ask({
    type: 'hub.signIn',
    url: world.hub.url,
    email: world.firm.users[role].email,
    password: PASSWORD,
  });
  return t;
}

describe('a workspace’s clients and reminders, from the extension', () => {
  let admin: Background;
  beforeAll(async () => {
    admin = await signedIn('Admin');
  });

  test('an Admin invites a client: the email arrives, the list says “invited”, inviting again only re-sends', async () => {
    const email = uniqueEmail('owner');
    const before = world.hub.mailbox.to(email).length;
    const invited = await admin.ask({
      type: 'clients.invite',
      workspaceId: world.firm.own.id,
      name: 'Olive Owner',
      email: ` ${email.toUpperCase()} `,
    });
    expect(invited).toMatchObject({ created: true, client: { name: 'Olive Owner', status: 'invited' } });
    const mail = await world.hub.mailbox.next(email, { after: before, timeoutMs: 20_000 });
    expect(mail.text).toContain('Olive Owner');
    const view = await admin.ask({ type: 'clients.view', workspaceId: world.firm.own.id });
    expect(view.clients).toContainEqual(
      expect.objectContaining({ email: email.toLowerCase(), status: 'invited', name: 'Olive Owner' }),
    );
    // Olive follows a sign-in link as a client does: now the list says she has signed in.
    await signInByLink(world.hub.url, email, mailboxMail(world.hub.mailbox, email));
    const after = await admin.ask({ type: 'clients.view', workspaceId: world.firm.own.id });
    expect(after.clients).toContainEqual(
      expect.objectContaining({ email: email.toLowerCase(), status: 'signed in' }),
    );
    // Firm people are not listed as clients.
    expect(view.clients.map((c) => c.email)).not.toContain(world.firm.users.Staff.email);
    const again = await admin.ask({
      type: 'clients.invite',
      workspaceId: world.firm.own.id,
      name: 'Olive Owner',
      email,
    });
    expect(again.created).toBe(false);
    // The token never travels in a reply to a page.
    const token = (await hubSessionStore(admin.db.settings).load())?.token;
    expect(token).toBeTruthy();
    expect(JSON.stringify([invited, view, again])).not.toContain(token);
  });

  test('a mistyped address or a missing name is said in plain words and nothing is sent', async () => {
    const sent = world.hub.mailbox.received.length;
    const badEmail = await problemOf(
      admin.ask({
        type: 'clients.invite',
        workspaceId: world.firm.own.id,
        name: 'Olive',
        email: 'olive at home',
      }),
    );
    expect(badEmail).toMatchObject({ code: 'invalid-input' });
    expect(badEmail.message).toContain('email address');
    const noName = await problemOf(
      admin.ask({
        type: 'clients.invite',
        workspaceId: world.firm.own.id,
        name: '  ',
        email: uniqueEmail('x'),
      }),
    );
    expect(noName.message).toContain('name');
    await new Promise((r) => setTimeout(r, 300));
    expect(world.hub.mailbox.received.length).toBe(sent);
  });

  test('the schedule is saved in the client’s time zone; a wrong zone or time is explained', async () => {
    const saved = await admin.ask({
      type: 'clients.saveSchedule',
      workspaceId: world.firm.own.id,
      enabled: true,
      weekdays: ['Thursday', 'Monday'],
      time: '09:00',
      timeZone: 'Pacific/Auckland',
    });
    expect(saved).toMatchObject({ enabled: true, weekdays: ['Monday', 'Thursday'], time: '09:00' });
    expect(saved.nextSendAt).not.toBeNull();
    const view = await admin.ask({ type: 'clients.view', workspaceId: world.firm.own.id });
    expect(view.schedule).toMatchObject({ weekdays: ['Monday', 'Thursday'], timeZone: 'Pacific/Auckland' });
    const zone = await problemOf(
      admin.ask({
        type: 'clients.saveSchedule',
        workspaceId: world.firm.own.id,
        enabled: true,
        weekdays: ['Monday'],
        time: '09:00',
        timeZone: '+12:00',
      }),
    );
    expect(zone.message).toContain('Pacific/Auckland');
    const time = await problemOf(
      admin.ask({
        type: 'clients.saveSchedule',
        workspaceId: world.firm.own.id,
        enabled: true,
        weekdays: ['Monday'],
        time: '9am',
        timeZone: 'Pacific/Auckland',
      }),
    );
    expect(time.message).toContain('24-hour');
  });

  test('Notify now: nothing open sends nothing; with open questions each client gets one email and the history says so', async () => {
    const empty = await admin.ask({
      type: 'clients.notifyNow',
      workspaceId: world.firm.other.id,
      pressId: crypto.randomUUID(),
    });
    expect(empty).toMatchObject({ queued: false, openQuestions: 0 });

    const reply = await world.firm.users.Admin.request('PUT', `/api/workspaces/${world.firm.own.id}/tasks`, {
      tasks: [
        { transaction: transaction(), question: 'What is this?' },
        { transaction: transaction(), question: 'And this?' },
      ],
    });
    expect(reply.status).toBe(200);
    const clientEmail = world.firm.users['Client User'].email;
    const before = world.hub.mailbox.to(clientEmail).length;
    const pressId = crypto.randomUUID();
    const sent = await admin.ask({ type: 'clients.notifyNow', workspaceId: world.firm.own.id, pressId });
    expect(sent.queued).toBe(true);
    expect(sent.openQuestions).toBe(2);
    expect(sent.recipients).toBeGreaterThanOrEqual(2);
    // The same press retried (a message sent twice) sends nothing more.
    const repeat = await admin.ask({ type: 'clients.notifyNow', workspaceId: world.firm.own.id, pressId });
    expect(repeat).toEqual(sent);
    const reminder = await world.hub.mailbox.next(clientEmail, { after: before, timeoutMs: 30_000 });
    expect(reminder.text).toMatch(/2 (open )?questions?/);
    await expect
      .poll(
        async () =>
          (await admin.ask({ type: 'clients.view', workspaceId: world.firm.own.id })).reminders.filter(
            (r) => r.email === clientEmail && r.state === 'sent',
          ),
        { timeout: 30_000, interval: 200 },
      )
      .toEqual([expect.objectContaining({ trigger: 'now', openQuestions: 2, name: 'Cleo Client' })]);
    await new Promise((r) => setTimeout(r, 500));
    expect(world.hub.mailbox.to(clientEmail).length).toBe(before + 1);
  });

  test('End sessions signs the client out on every device', async () => {
    const client = world.firm.users['Client User'];
    expect((await client.request('GET', '/api/me')).status).toBe(200);
    expect(
      await admin.ask({ type: 'clients.endSessions', workspaceId: world.firm.own.id, userId: client.userId }),
    ).toEqual({ ended: true });
    expect((await client.request('GET', '/api/me')).status).toBe(401);
  });

  test('account choice: the Admin picks from the company’s chart as this browser synced it, and the hub keeps it', async () => {
    const tenantId = world.firm.own.tenantId;
    const account = (accountId: string, code: string, name: string, extra: object = {}) => ({
      ...chartAccount(code, name, extra),
      tenantId,
      accountId,
    });
    await admin.db.accounts.bulkPut([
      account('a-429', '429', 'General Expenses'),
      account('a-449', '449', 'Motor Vehicle Expenses'),
      account('a-090', '090', 'Business Bank Account', { type: 'BANK', isBankAccount: true }),
      account('a-820', '820', 'GST', { systemAccount: 'GST' }),
      account('a-old', '499', 'Old account', { status: 'ARCHIVED' }),
    ]);
    const view = await admin.ask({ type: 'clients.view', workspaceId: world.firm.own.id });
    expect(view.accounts.map((a) => a.name)).toEqual(['General Expenses', 'Motor Vehicle Expenses']);
    const saved = await admin.ask({
      type: 'clients.saveAccountChoice',
      workspaceId: world.firm.own.id,
      clientAccountChoice: true,
      clientAccountIds: ['a-449'],
    });
    expect(saved).toMatchObject({ clientAccountChoice: true, clientAccountIds: ['a-449'] });
    const onHub = await world.firm.users.Admin.request<{
      clientAccountChoice: boolean;
      clientAccountIds: string[];
    }>('GET', `/api/workspaces/${world.firm.own.id}`);
    expect(onHub.body).toMatchObject({ clientAccountChoice: true, clientAccountIds: ['a-449'] });
  });

  test('the server decides who may: assigned Staff invite and notify; account choice and other workspaces are refused plainly', async () => {
    const staff = await signedIn('Staff');
    const invited = await staff.ask({
      type: 'clients.invite',
      workspaceId: world.firm.own.id,
      name: 'Pat Partner',
      email: uniqueEmail('partner'),
    });
    expect(invited.created).toBe(true);
    const settings = await problemOf(
      staff.ask({
        type: 'clients.saveAccountChoice',
        workspaceId: world.firm.own.id,
        clientAccountChoice: false,
        clientAccountIds: [],
      }),
    );
    expect(settings).toMatchObject({ code: 'hub-forbidden' });
    expect(settings.message.length).toBeGreaterThan(10);
    for (const request of [
      { type: 'clients.view' as const, workspaceId: world.firm.other.id },
      {
        type: 'clients.invite' as const,
        workspaceId: world.firm.other.id,
        name: 'X',
        email: uniqueEmail('x'),
      },
    ]) {
      const refused = await problemOf(staff.ask(request));
      expect(['hub-forbidden', 'hub-not-found'], request.type).toContain(refused.code);
    }
    // A Manager may change account choice (the server's rule, not the extension's).
    const manager = await signedIn('Manager');
    const saved = await manager.ask({
      type: 'clients.saveAccountChoice',
      workspaceId: world.firm.own.id,
      clientAccountChoice: false,
      clientAccountIds: ['a-449'],
    });
    expect(saved.clientAccountChoice).toBe(false);
  });

  test('without a Client Hub server these screens say so instead of failing silently', async () => {
    const local = startTestBackground({
      sandboxUrl: 'http://127.0.0.1:9',
      launchSignIn: async () => 'unused',
    });
    const problem = await problemOf(local.ask({ type: 'clients.view', workspaceId: world.firm.own.id }));
    expect(problem.message.length).toBeGreaterThan(10);
  });
});
