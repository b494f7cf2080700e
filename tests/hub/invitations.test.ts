import { describe, expect, it } from 'vitest';
import { activityListSchema, hubProblemSchema, workspaceMembersSchema } from '../../lib/hub/contract.ts';
import { startMailbox } from '../support/mailbox.ts';
import { caller, DATABASE, hubWithFirm, makeFirm, startTestHub, uniqueEmail } from './harness.ts';

const world = hubWithFirm('Invite <Firm> & Partners');

const clients = (workspaceId: string) => `/api/workspaces/${workspaceId}/clients`;
const members = async (workspaceId: string) =>
  workspaceMembersSchema.parse(
    (await world.firm.users.Admin.request('GET', `/api/workspaces/${workspaceId}/members`)).body,
  ).members;

describe(`inviting client users (${DATABASE})`, () => {
  it('emails the invitation: which firm asks, about which business, why, and where to sign in', async () => {
    const email = uniqueEmail('invitee');
    const invited = await world.firm.users.Manager.request('POST', clients(world.firm.own.id), {
      email: email.toUpperCase(),
      name: 'Ira <Invitee>',
    });
    expect(invited.status).toBe(201);
    expect(invited.body).toMatchObject({
      email,
      name: 'Ira <Invitee>',
      role: 'Client User',
      invitation: { status: 'invited' },
    });
    const mail = await world.hub.mailbox.next(email);
    expect(mail.from?.value[0]?.name).toBe('Invite <Firm> & Partners');
    expect(mail.subject).toBe(
      'Invite <Firm> & Partners invites you to answer questions about Own Invite <Firm> & Partners',
    );
    expect(mail.text).toContain('Hello Ira <Invitee>,');
    expect(mail.text).toContain('Max Manager at Invite <Firm> & Partners invited you to Client Hub');
    expect(mail.text).toContain('what a payment was for');
    expect(mail.text).toContain(`${world.hub.url}/portal/sign-in?email=${encodeURIComponent(email)}`);
    const html = typeof mail.html === 'string' ? mail.html : '';
    expect(html).toContain('Hello Ira &lt;Invitee&gt;,');
    expect(html).not.toContain('<Invitee>');
  });

  it('invites the same address again without a second invitation, and emails it again', async () => {
    const email = uniqueEmail('twice');
    const first = await world.firm.users.Staff.request('POST', clients(world.firm.own.id), {
      email,
      name: 'Tess Twice',
    });
    const again = await world.firm.users.Staff.request('POST', clients(world.firm.own.id), {
      email,
      name: 'Another Name',
    });
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect((await members(world.firm.own.id)).filter((m) => m.email === email)).toHaveLength(1);
    await world.hub.mailbox.next(email, { after: 1 });
    expect(world.hub.mailbox.to(email)).toHaveLength(2);
    const activity = activityListSchema.parse(
      (await world.firm.users.Admin.request('GET', `/api/workspaces/${world.firm.own.id}/activity`)).body,
    ).activity;
    expect(activity.filter((a) => a.detail.email === email).map((a) => a.action)).toEqual([
      'workspace.client-reinvited',
      'workspace.client-invited',
    ]);
  });

  it('invites one client user to a second workspace of the same firm', async () => {
    const email = uniqueEmail('two-businesses');
    await world.firm.users.Admin.request('POST', clients(world.firm.own.id), { email, name: 'Owner Of Two' });
    const second = await world.firm.users.Admin.request('POST', clients(world.firm.other.id), {
      email,
      name: 'Owner Of Two',
    });
    expect(second.status).toBe(201);
    expect((await members(world.firm.other.id)).map((m) => m.email)).toContain(email);
  });

  it('refuses to invite someone of the firm itself, or of another firm, as a client', async () => {
    const staff = await world.firm.users.Admin.request('POST', clients(world.firm.own.id), {
      email: world.firm.users.Staff.email,
      name: 'Sam',
    });
    expect(staff.status).toBe(409);
    expect(hubProblemSchema.parse(staff.body).detail).toMatch(/assign them/);
    const other = await makeFirm(world.hub, 'Other Invite Firm');
    const theirs = await world.firm.users.Admin.request('POST', clients(world.firm.own.id), {
      email: other.users['Client User'].email,
      name: 'Theirs',
    });
    expect(theirs.status).toBe(409);
  });

  it('keeps the invitation when the mail server is down, says so, and sends it on the next try', async () => {
    const down = await startMailbox();
    await down.close();
    const broken = await startTestHub({ database: world.hub.database, smtpUrl: down.url });
    try {
      const email = uniqueEmail('mail-down');
      const failed = await caller(broken.url, world.firm.users.Manager.token).request(
        'POST',
        clients(world.firm.own.id),
        {
          email,
          name: 'Dana Down',
        },
      );
      expect(failed.status).toBe(502);
      expect(hubProblemSchema.parse(failed.body).detail).toMatch(/invite the same address again/);
      expect((await members(world.firm.own.id)).find((m) => m.email === email)?.invitation).toEqual({
        status: 'invited',
      });
      const retried = await world.firm.users.Manager.request('POST', clients(world.firm.own.id), {
        email,
        name: 'Dana Down',
      });
      expect(retried.status).toBe(200);
      await world.hub.mailbox.next(email);
    } finally {
      await broken.stop();
    }
  });
});
