import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changesPageSchema, HUB_MAX_FILE_BYTES, taskSchema } from '../../lib/hub/contract.ts';
import { mailboxMail, type PortalVisitor, signInByLink } from '../support/portal.ts';
import { htmlPretendingToBePdf, jpeg, pdf, png } from '../support/receipts.ts';
import { DATABASE, type FirmFixture, makeFirm, startTestHub, type TestHub, transaction } from './harness.ts';

/**
 * The client portal over real HTTP, as a browser uses it: the client signs in from the emailed link
 * (cookie session), reads pages, posts forms with the Origin a browser sends, follows nothing
 * automatically so every redirect is checked.
 */

let hub: TestHub;
let firm: FirmFixture;
let client: PortalVisitor;
const FIRM_NAME = `Harbour Lane Accounting ${randomUUID().slice(0, 4)}`;
const FUEL = { accountId: randomUUID(), code: '449', name: 'Motor Vehicle Expenses', type: 'EXPENSE' };
const MEALS = { accountId: randomUUID(), code: '420', name: 'Entertainment', type: 'EXPENSE' };
const SECRET = { accountId: randomUUID(), code: '880', name: 'Owner Drawings', type: 'EQUITY' };

const ws = () => `/portal/workspaces/${firm.own.id}`;
const taskPage = (taskId: string) => `${ws()}/tasks/${taskId}`;

/** Sends questions to the client's workspace (or another), as the extension does; returns their ids. */
async function ask(
  transactions: Record<string, unknown>[],
  workspaceId = firm.own.id,
  question = 'What was this for?',
) {
  const reply = await firm.users.Staff.request<{ tasks: { id: string }[] }>(
    'PUT',
    `/api/workspaces/${workspaceId}/tasks`,
    { tasks: transactions.map((t) => ({ transaction: transaction(t), question })) },
  );
  const admin =
    workspaceId === firm.own.id
      ? reply
      : await firm.users.Admin.request<{ tasks: { id: string }[] }>(
          'PUT',
          `/api/workspaces/${workspaceId}/tasks`,
          { tasks: transactions.map((t) => ({ transaction: transaction(t), question })) },
        );
  if (admin.status !== 200) throw new Error(`tasks not sent: ${JSON.stringify(admin.body)}`);
  return admin.body.tasks.map((t) => t.id);
}

function answerForm(
  taskIds: string[],
  fields: Record<string, string> = {},
  files: { name: string; bytes: Uint8Array<ArrayBuffer>; type?: string }[] = [],
) {
  const form = new FormData();
  for (const id of taskIds) form.append('taskId', id);
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  for (const file of files)
    form.append('receipt', new Blob([file.bytes], { type: file.type ?? '' }), file.name);
  return form;
}

const firmTask = async (taskId: string) =>
  taskSchema.parse(
    (await firm.users.Staff.request('GET', `/api/workspaces/${firm.own.id}/tasks/${taskId}`)).body,
  );
const commentsOf = async (taskId: string) =>
  (
    await firm.users.Staff.request<{ comments: { body: string; author: { userId: string } }[] }>(
      'GET',
      `/api/workspaces/${firm.own.id}/tasks/${taskId}/comments`,
    )
  ).body.comments;
const filesOf = async (taskId: string) =>
  (
    await firm.users.Staff.request<{
      files: { id: string; fileName: string; mimeType: string; size: number }[];
    }>('GET', `/api/workspaces/${firm.own.id}/tasks/${taskId}/files`)
  ).body.files;

beforeAll(async () => {
  hub = await startTestHub();
  firm = await makeFirm(hub, FIRM_NAME);
  const clientEmail = firm.users['Client User'].email;
  client = await signInByLink(hub.url, clientEmail, mailboxMail(hub.mailbox, clientEmail));
  const chart = await firm.users.Staff.request('PUT', `/api/workspaces/${firm.own.id}/chart`, {
    accounts: [FUEL, MEALS, SECRET],
  });
  expect(chart.status).toBe(200);
});
afterAll(() => hub?.stop());

describe(`client portal (${DATABASE})`, () => {
  it('shows the firm’s name and the open questions of the client’s own business, as Xero has them', async () => {
    const payee = `Z Energy ${randomUUID().slice(0, 6)}`;
    const hidden = `Other Business Payee ${randomUUID().slice(0, 6)}`;
    await ask(
      [
        {
          Total: 1234.5,
          CurrencyCode: 'NZD',
          Date: '/Date(1762041600000+0000)/',
          BankAccount: { AccountID: randomUUID(), Name: 'Business Cheque Account' },
          Contact: { Name: payee },
          LineItems: [{ Description: 'Card purchase 0412', LineAmount: 1234.5 }],
        },
      ],
      firm.own.id,
      'Was this fuel for the van?',
    );
    await ask([{ Contact: { Name: hidden } }], firm.other.id);
    const page = await client.get('/portal');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    expect(html).toContain(`<bdi>${FIRM_NAME}</bdi>`);
    expect(html).toContain(`<bdi>${payee}</bdi>`);
    expect(html).toContain('$1,234.50');
    expect(html).toContain('<time datetime="2025-11-02">2 Nov 2025</time>');
    expect(html).toContain('<bdi>Business Cheque Account</bdi>');
    expect(html).toContain('<bdi>Card purchase 0412</bdi>');
    expect(html).toContain('<bdi>Was this fuel for the van?</bdi>');
    expect(html).toContain('accept="image/*,application/pdf" capture');
    // Nothing of the other workspace, even to a client of the same firm.
    expect(html).not.toContain(hidden);
    expect(html).not.toContain(firm.other.id);
    const other = await client.get(`/portal/workspaces/${firm.other.id}`);
    expect(other.status).toBe(404);
    expect(await other.text()).not.toContain(hidden);
  });

  it('escapes hostile text from Xero and isolates its direction controls', async () => {
    const hostile = `Evil \u202eCorp <img src=x onerror=alert(1)> & "co"`;
    const [id] = await ask(
      [{ Contact: { Name: hostile }, Reference: '</bdi><script>alert(2)</script>' }],
      firm.own.id,
      '<b>bold?</b>',
    );
    const html = await (await client.get(taskPage(id as string))).text();
    expect(html).toContain(
      '<bdi>Evil \u202eCorp &lt;img src=x onerror=alert(1)&gt; &amp; &quot;co&quot;</bdi>',
    );
    expect(html).toContain('<bdi>&lt;/bdi&gt;&lt;script&gt;alert(2)&lt;/script&gt;</bdi>');
    expect(html).toContain('<bdi>&lt;b&gt;bold?&lt;/b&gt;</bdi>');
    expect(html).not.toMatch(/<script|<img|<b>/);
  });

  it('answers one question in words: Answered, by the client, the words a comment, in the firm’s changes feed', async () => {
    const before = (
      await firm.users.Staff.request<{ nextSince: number }>(
        'GET',
        `/api/workspaces/${firm.own.id}/changes?since=0&limit=1000`,
      )
    ).body;
    const [id] = (await ask([{}])) as [string];
    const sent = await client.post(
      `${ws()}/answers`,
      answerForm([id], { answer: 'Fuel for the work van', from: 'task' }),
    );
    expect(sent.status).toBe(303);
    expect(sent.headers.get('location')).toBe(`${taskPage(id)}?saved=1`);
    const task = await firmTask(id);
    expect(task.status).toBe('Answered');
    expect(task.statusChangedBy?.userId).toBe(firm.users['Client User'].userId);
    expect((await commentsOf(id)).map((c) => c.body)).toEqual(['Fuel for the work van']);
    const page = await (await client.get(`${taskPage(id)}?saved=1`)).text();
    expect(page).toContain('your answer was sent');
    expect(page).toContain('<bdi>Fuel for the work van</bdi>');
    expect(page).toContain('Add to your answer');
    // The extension, polling the feed, gets the comment and the answered task.
    let since = 0;
    const changes = [];
    for (;;) {
      const feed = changesPageSchema.parse(
        (
          await firm.users.Staff.request(
            'GET',
            `/api/workspaces/${firm.own.id}/changes?since=${since}&limit=1000`,
          )
        ).body,
      );
      changes.push(...feed.changes);
      since = feed.nextSince;
      if (!feed.hasMore) break;
    }
    const mine = changes.filter(
      (c) =>
        c.seq > 0 &&
        ((c.kind === 'task' && c.task.id === id) || (c.kind === 'comment' && c.comment.taskId === id)),
    );
    expect(mine.at(-1)).toMatchObject({ kind: 'task', task: { status: 'Answered', clientAccount: null } });
    expect(mine.some((c) => c.kind === 'comment' && c.comment.body === 'Fuel for the work van')).toBe(true);
    expect(since).toBeGreaterThan(0);
    expect(before).toBeDefined();
  });

  it('answers several ticked questions at once with one answer, one receipt and one account', async () => {
    await firm.users.Manager.request('PUT', `/api/workspaces/${firm.own.id}/settings`, {
      clientAccountChoice: true,
      clientAccountIds: [FUEL.accountId, MEALS.accountId],
    });
    const ids = await ask([
      { Contact: { Name: 'Z Energy' } },
      { Contact: { Name: 'BP Connect' } },
      { Contact: { Name: 'Mobil' } },
    ]);
    const untouched = (await ask([{ Contact: { Name: 'Not fuel' } }]))[0] as string;
    const sent = await client.post(
      `${ws()}/answers`,
      answerForm(ids, { answer: 'These are all fuel', accountId: FUEL.accountId, submission: randomUUID() }, [
        { name: 'fuel.jpg', bytes: jpeg(2048), type: 'image/jpeg' },
      ]),
    );
    expect(sent.status).toBe(303);
    expect(sent.headers.get('location')).toBe(`${ws()}?answered=3`);
    for (const id of ids) {
      const task = await firmTask(id);
      expect(task).toMatchObject({
        status: 'Answered',
        clientAccount: { accountId: FUEL.accountId, code: '449', name: 'Motor Vehicle Expenses' },
      });
      expect((await commentsOf(id)).map((c) => c.body)).toEqual(['These are all fuel']);
      expect(await filesOf(id)).toMatchObject([{ fileName: 'fuel.jpg', mimeType: 'image/jpeg', size: 2048 }]);
    }
    expect((await firmTask(untouched)).status).toBe('Open');
    expect(await commentsOf(untouched)).toEqual([]);
    const page = await (await client.get(`${ws()}?answered=3`)).text();
    expect(page).toContain('3 questions were answered');
  });

  it('sends an answer once when the form is sent twice', async () => {
    const [id] = (await ask([{}])) as [string];
    const submission = randomUUID();
    const form = () => answerForm([id], { answer: 'Stationery', submission });
    expect((await client.post(`${ws()}/answers`, form())).status).toBe(303);
    expect((await client.post(`${ws()}/answers`, form())).status).toBe(303);
    expect((await commentsOf(id)).map((c) => c.body)).toEqual(['Stationery']);
  });

  it('takes PNG, JPEG and PDF receipts by their contents, and names them for what they are', async () => {
    const [id] = (await ask([{}])) as [string];
    const sent = await client.post(
      `${ws()}/answers`,
      answerForm([id], { answer: 'Receipts attached' }, [
        { name: 'photo.png', bytes: png() },
        { name: 'IMG_0001.JPG', bytes: jpeg() },
        // A PDF whose name says otherwise is still a PDF, named as one (Xero reads the type from the name).
        { name: 'invoice.jpeg', bytes: pdf('invoice') },
      ]),
    );
    expect(sent.status).toBe(303);
    const files = await filesOf(id);
    expect(files.map((f) => [f.fileName, f.mimeType])).toEqual([
      ['photo.png', 'image/png'],
      ['IMG_0001.JPG', 'image/jpeg'],
      ['invoice.pdf', 'application/pdf'],
    ]);
  });

  it('refuses a “.pdf” that is really HTML, and a file over 10 MB, saving nothing', async () => {
    const [id] = (await ask([{}])) as [string];
    const html = await client.post(
      `${ws()}/answers`,
      answerForm([id], { answer: 'Here it is' }, [
        { name: 'receipt.pdf', bytes: htmlPretendingToBePdf(), type: 'application/pdf' },
      ]),
    );
    expect(html.status).toBe(415);
    expect(html.headers.get('content-type')).toContain('text/html');
    const page = await html.text();
    expect(page).toContain('is not a photo or a PDF');
    expect(page).not.toContain('<script>alert');
    const big = new Uint8Array(HUB_MAX_FILE_BYTES + 1);
    big.set(pdf('big'));
    const tooBig = await client.post(
      `${ws()}/answers`,
      answerForm([id], { answer: 'Big scan' }, [{ name: 'scan.pdf', bytes: big }]),
    );
    expect(tooBig.status).toBe(413);
    expect(await tooBig.text()).toContain('larger than 10 MB');
    const exactly = new Uint8Array(HUB_MAX_FILE_BYTES);
    exactly.set(pdf('exactly 10 MB'));
    expect(
      (await client.post(`${ws()}/answers`, answerForm([id], {}, [{ name: 'scan.pdf', bytes: exactly }])))
        .status,
    ).toBe(303);
    // Only the 10 MB file arrived, with no words from the refused attempts.
    expect((await filesOf(id)).map((f) => f.size)).toEqual([HUB_MAX_FILE_BYTES]);
    expect(await commentsOf(id)).toEqual([]);
  });

  it('offers only the accounts the firm allows, and refuses any other', async () => {
    await firm.users.Manager.request('PUT', `/api/workspaces/${firm.own.id}/settings`, {
      clientAccountChoice: true,
      clientAccountIds: [FUEL.accountId, MEALS.accountId],
    });
    const [id] = (await ask([{}])) as [string];
    const page = await (await client.get(taskPage(id))).text();
    expect(page).toContain(`value="${FUEL.accountId}"`);
    expect(page).toContain(`value="${MEALS.accountId}"`);
    expect(page).not.toContain(SECRET.accountId);
    expect(page).not.toContain('Owner Drawings');
    const refused = await client.post(
      `${ws()}/answers`,
      answerForm([id], { answer: 'Mine', accountId: SECRET.accountId }),
    );
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('That account cannot be chosen here');
    expect((await firmTask(id)).status).toBe('Open');
    expect(
      (
        await client.post(
          `${ws()}/answers`,
          answerForm([id], { answer: 'Lunch with a client', accountId: MEALS.accountId }),
        )
      ).status,
    ).toBe(303);
    expect((await firmTask(id)).clientAccount).toEqual({
      accountId: MEALS.accountId,
      code: '420',
      name: 'Entertainment',
    });
    // Account choice off: no list, and an account sent anyway is refused.
    await firm.users.Admin.request('PUT', `/api/workspaces/${firm.own.id}/settings`, {
      clientAccountChoice: false,
    });
    const [next] = (await ask([{}])) as [string];
    expect(await (await client.get(taskPage(next))).text()).not.toContain('name="accountId"');
    expect(
      (await client.post(`${ws()}/answers`, answerForm([next], { answer: 'x', accountId: FUEL.accountId })))
        .status,
    ).toBe(400);
  });

  it('lets the client add to an answer until the firm closes the question, then shows it read-only', async () => {
    const [id] = (await ask([{}])) as [string];
    expect((await client.post(`${ws()}/answers`, answerForm([id], { answer: 'Printer ink' }))).status).toBe(
      303,
    );
    const answered = await (await client.get(taskPage(id))).text();
    expect(answered).toContain('Add to your answer');
    expect(
      (
        await client.post(
          `${ws()}/answers`,
          answerForm([id], { answer: 'And paper' }, [{ name: 'r.png', bytes: png() }]),
        )
      ).status,
    ).toBe(303);
    expect((await commentsOf(id)).map((c) => c.body)).toEqual(['Printer ink', 'And paper']);
    expect((await firmTask(id)).status).toBe('Answered');
    const listed = await (await client.get(`${ws()}?view=answered`)).text();
    expect(listed).toContain(id);
    const closed = await firm.users.Staff.request(
      'PUT',
      `/api/workspaces/${firm.own.id}/tasks/${id}/status`,
      { status: 'Closed' },
    );
    expect(closed.status).toBe(200);
    const readOnly = await (await client.get(taskPage(id))).text();
    // No answer form (the page's only form is Sign out).
    expect(readOnly.match(/<form/g)).toHaveLength(1);
    expect(readOnly).not.toMatch(/<form[^>]*\/answers"/);
    expect(readOnly).toContain('can no longer be changed');
    expect(readOnly).toContain('<bdi>And paper</bdi>');
    const late = await client.post(`${ws()}/answers`, answerForm([id], { answer: 'One more thing' }));
    expect(late.status).toBe(409);
    expect(await late.text()).toContain('closed');
    expect((await commentsOf(id)).map((c) => c.body)).toEqual(['Printer ink', 'And paper']);
    expect((await firmTask(id)).status).toBe('Closed');
    const finished = await (await client.get(`${ws()}?view=closed`)).text();
    expect(finished).toContain(id);
    expect(finished).not.toContain('name="taskId"');
  });

  it('signs the client out on this device only: Sign out posts a form, then shows the sign-in page', async () => {
    const email = firm.users['Client User'].email;
    const phone = await signInByLink(hub.url, email, mailboxMail(hub.mailbox, email));
    const before = await phone.get(ws());
    expect(before.status).toBe(200);
    expect(await before.text()).toMatch(/<form class="sign-out" method="post" action="\/portal\/sign-out">/);
    // Posted from another site: refused, and still signed in.
    const forged = await phone.post('/portal/sign-out', new URLSearchParams(), 'https://evil.example');
    expect(forged.status).toBe(403);
    expect((await phone.get(ws())).status).toBe(200);

    const out = await phone.post('/portal/sign-out', new URLSearchParams());
    expect(out.status).toBe(303);
    expect(out.headers.get('location')).toBe('/portal/sign-in?signed-out');
    expect(out.headers.getSetCookie().join('\n')).toMatch(/session_token=;.*Max-Age=0/i);
    const signInPage = await fetch(`${hub.url}${out.headers.get('location')}`);
    expect(await signInPage.text()).toContain('You are signed out on this device');
    // The old cookie no longer opens the portal; the client's other device is still signed in.
    expect((await phone.get(ws())).status).not.toBe(200);
    expect((await client.get(ws())).status).toBe(200);
    // Without a session it only shows the sign-in page.
    const again = await phone.post('/portal/sign-out', new URLSearchParams());
    expect(again.status).toBe(303);
  });

  it('refuses a form posted from another site (or with no origin), saving nothing', async () => {
    const [id] = (await ask([{}])) as [string];
    for (const origin of ['https://evil.example', null]) {
      const reply = await client.post(`${ws()}/answers`, answerForm([id], { answer: 'Forged' }), origin);
      expect(reply.status, String(origin)).toBe(403);
      expect(await reply.text()).toContain('did not come from Client Hub');
    }
    const urlencoded = await client.post(
      `${ws()}/answers`,
      new URLSearchParams({ taskId: id, answer: 'Forged' }),
      'https://evil.example',
    );
    expect(urlencoded.status).toBe(403);
    expect(await commentsOf(id)).toEqual([]);
    expect((await firmTask(id)).status).toBe('Open');
  });

  it('sends a content security policy and the other security headers with every portal page', async () => {
    const [id] = (await ask([{}])) as [string];
    const pages = [
      '/portal',
      ws(),
      `${ws()}?view=answered`,
      taskPage(id),
      `/portal/workspaces/${randomUUID()}`,
    ];
    for (const path of pages) {
      const reply = await client.get(path);
      const csp = reply.headers.get('content-security-policy') ?? '';
      expect(csp, path).toContain("default-src 'self'");
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(csp, path).not.toContain('unsafe-inline');
      expect(reply.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(reply.headers.get('x-frame-options'), path).toBe('DENY');
      const html = await reply.text();
      // No inline code of any kind: no script or style element, no style or event attribute in a tag.
      expect(html, path).not.toMatch(/<script|<style|<[^>]*\s(style|on[a-z]+)=/i);
    }
    // Signed out: a page that says so, with the same headers.
    const anonymous = await fetch(`${hub.url}/portal`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(await anonymous.text()).toContain('href="/portal/sign-in"');
  });

  it('gives receipts back only as downloads from the hub’s own store', async () => {
    const [id] = (await ask([{}])) as [string];
    await client.post(
      `${ws()}/answers`,
      answerForm([id], { answer: 'Receipt' }, [{ name: 'till slip.pdf', bytes: pdf('till') }]),
    );
    const [file] = await filesOf(id);
    const page = await (await client.get(taskPage(id))).text();
    const href = `${taskPage(id)}/files/${file?.id}`;
    expect(page).toContain(`href="${href}"`);
    const got = await client.get(href);
    expect(got.status).toBe(200);
    expect(got.headers.get('content-disposition')).toBe(`attachment; filename*=UTF-8''till%20slip.pdf`);
    expect(got.headers.get('x-content-type-options')).toBe('nosniff');
    expect(got.headers.get('content-type')).toBe('application/pdf');
    expect(new Uint8Array(await got.arrayBuffer())).toEqual(pdf('till'));
    // A file of another question is not reachable through this one.
    const [otherTask] = (await ask([{}])) as [string];
    expect((await client.get(`${taskPage(otherTask)}/files/${file?.id}`)).status).toBe(404);
  });

  it('keeps the portal to clients: firm staff signed in by link get a refusal, not the client’s pages', async () => {
    const staff = await signInByLink(
      hub.url,
      firm.users.Staff.email,
      mailboxMail(hub.mailbox, firm.users.Staff.email),
    );
    const home = await staff.get('/portal');
    expect(home.status).toBe(403);
    expect(await home.text()).toContain('You cannot open the client portal');
    const [id] = (await ask([{}])) as [string];
    const answer = await staff.post(
      `${ws()}/answers`,
      answerForm([id], { answer: 'As if I were the client' }),
    );
    expect(answer.status).toBe(403);
    expect((await firmTask(id)).status).toBe('Open');
  });

  it('writes amounts and dates as in the organisation’s country, which the firm’s extension reports', async () => {
    const payee = `Diner ${randomUUID().slice(0, 6)}`;
    const [id] = await ask([
      { Total: 42.5, CurrencyCode: 'USD', Date: '/Date(1762041600000+0000)/', Contact: { Name: payee } },
    ]);
    const shown = async () => (await client.get(taskPage(id as string))).text();
    const connection = `/api/connections/${firm.own.tenantId}`;
    const admin = firm.users.Admin;
    // No country known yet: the currency decides (US dollars, written as in the US).
    expect(await shown()).toContain('$42.50');
    expect(await shown()).toContain('Nov 2, 2025');
    // The Admin's browser reports the company with Xero's CountryCode: a New Zealand business.
    const reported = await admin.request('PUT', connection, {
      organisationName: 'Kiwi Co',
      countryCode: 'nz',
    });
    expect(reported.status).toBe(200);
    expect(reported.body).toMatchObject({ countryCode: 'NZ' });
    let html = await shown();
    expect(html).toContain('US$42.50');
    expect(html).toContain('2 Nov 2025');
    // A report without a country (an older extension) keeps the one known; a country Intl has no
    // English for falls back to the currency; a malformed one is refused and changes nothing.
    await admin.request('PUT', connection, { organisationName: 'Kiwi Co' });
    expect(await shown()).toContain('US$42.50');
    const refused = await admin.request('PUT', connection, {
      organisationName: 'Kiwi Co',
      countryCode: 'New Zealand',
    });
    expect(refused.status).toBe(400);
    expect((await admin.request('GET', connection)).body).toMatchObject({ countryCode: 'NZ' });
    await admin.request('PUT', connection, { organisationName: 'Kiwi Co', countryCode: 'ZZ' });
    html = await shown();
    expect(html).toContain('$42.50');
    expect(html).not.toContain('US$42.50');
    // The list shows the same amount as the question's own page.
    await admin.request('PUT', connection, { organisationName: 'Kiwi Co', countryCode: 'NZ' });
    expect(await (await client.get(ws())).text()).toContain('US$42.50');
    expect((await admin.request('DELETE', connection)).status).toBe(204);
  });
});
