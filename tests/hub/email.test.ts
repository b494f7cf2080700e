import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeEmail, type EmailContent } from '../../hub/email/messages.tsx';
import { DATABASE, type FirmFixture, makeFirm, startTestHub, type TestHub, uniqueEmail } from './harness.ts';

const HOSTILE = '<img src=https://tracker.example/p.gif onerror=alert(1)> & "Sons"';

const content = (to: string, overrides: Partial<EmailContent> = {}): EmailContent => ({
  firmName: `Acme ${HOSTILE} Bookkeeping`,
  to,
  subject: 'Three questions about your bank transactions',
  paragraphs: ['Please tell us what these payments were for.', `Payee: ${HOSTILE}`],
  action: { label: 'Open Client Hub', url: 'http://127.0.0.1:4570/portal/sign-in?email=a%40b.test&x=1' },
  code: { label: 'Or enter this code:', value: '123456' },
  footer: 'You get this email because Acme Bookkeeping invited you.',
  ...overrides,
});

/** Every tag of an HTML part that could load something from elsewhere (text is escaped, so has no tags). */
const externalReferences = (html: string) =>
  [...html.matchAll(/<[^>]*>/g)]
    .map((m) => m[0])
    .filter((tag) =>
      /^<(img|script|link|iframe|object|embed|video|audio|source)\b|\s(src|srcset|background)\s*=|url\(/i.test(
        tag,
      ),
    );

describe(`email over SMTP (${DATABASE})`, () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub();
  });
  afterAll(() => hub?.stop());

  it('sends plain text and HTML to a real SMTP server, from the firm, with nothing loaded from elsewhere', async () => {
    const to = uniqueEmail('client');
    const sent = await hub.services.mailer.send(composeEmail(content(to)));
    const mail = await hub.mailbox.next(to);
    expect(mail.messageId).toBe(sent.messageId);
    expect(mail.subject).toBe('Three questions about your bank transactions');
    expect(mail.from?.value[0]).toEqual({ name: `Acme ${HOSTILE} Bookkeeping`, address: 'hub@example.test' });
    // Both parts, each with the firm's name, the words and the link.
    expect(mail.text).toContain(`Acme ${HOSTILE} Bookkeeping`);
    expect(mail.text).toContain('Please tell us what these payments were for.');
    expect(mail.text).toContain('http://127.0.0.1:4570/portal/sign-in?email=a%40b.test&x=1');
    expect(mail.text).toContain('123456');
    const html = typeof mail.html === 'string' ? mail.html : '';
    expect(html).toContain(
      'Acme &lt;img src=https://tracker.example/p.gif onerror=alert(1)&gt; &amp; &quot;Sons&quot;',
    );
    expect(html).toContain('href="http://127.0.0.1:4570/portal/sign-in?email=a%40b.test&amp;x=1"');
    expect(html).toContain('123456');
    // The hostile name is text, not an image: no tag, attribute or style loads anything.
    expect(externalReferences(html)).toEqual([]);
    expect(mail.attachments).toEqual([]);
  });

  it('says plainly when SMTP_URL is not an SMTP address', async () => {
    const { createMail } = await import('../../hub/email/mailer.ts');
    expect(() => createMail({ smtpUrl: 'http://mail.example', dataDir: hub.dataDir })).toThrow(/smtp:\/\//);
    expect(() => createMail({ from: 'not an address', dataDir: hub.dataDir })).toThrow(
      /not an email address/,
    );
  });
});

describe(`kept mail and the Sent mail page (${DATABASE})`, () => {
  let hub: TestHub;
  let firm: FirmFixture;
  let other: FirmFixture;
  beforeAll(async () => {
    // No SMTP: mail is kept in the data folder. Behind a "proxy", so a test can come from elsewhere.
    hub = await startTestHub({ mail: 'kept', trustProxy: true });
    firm = await makeFirm(hub, 'Kept Mail Firm');
    other = await makeFirm(hub, 'Another Firm');
  });
  afterAll(() => hub?.stop());

  const page = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${hub.url}${path}`, { headers });

  it('keeps each message in the data folder and lists it newest first on this computer', async () => {
    const to = uniqueEmail('kept');
    await hub.services.mailer.send(composeEmail(content(to, { subject: 'First message' })));
    await hub.services.mailer.send(composeEmail(content(to, { subject: `Second ${HOSTILE}` })));
    const files = readdirSync(join(hub.dataDir, 'sent-mail')).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThanOrEqual(2);
    expect(hub.mailbox.received).toEqual([]);

    const list = await page('/sent-mail');
    expect(list.status).toBe(200);
    expect(list.headers.get('content-type')).toMatch(/^text\/html/);
    expect(list.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    expect(list.headers.get('content-security-policy')).not.toMatch(/script-src/);
    expect(list.headers.get('cache-control')).toBe('no-store');
    const body = await list.text();
    const second = body.indexOf('Second &lt;img');
    const first = body.indexOf('First message');
    expect(second).toBeGreaterThan(-1);
    expect(first).toBeGreaterThan(second);
    expect(body).not.toContain('<img');
    expect(body).not.toMatch(/<script/i);

    const id = /href="\/sent-mail\/([^"]+)"/.exec(body)?.[1] ?? '';
    const one = await page(`/sent-mail/${id}`);
    expect(one.status).toBe(200);
    const shown = await one.text();
    expect(shown).toContain(`Second &lt;img src=https://tracker.example/p.gif onerror=alert(1)&gt;`);
    // The text part, its address a link; the HTML part only inside a sandboxed frame, as text.
    expect(shown).toContain('<a href="http://127.0.0.1:4570/portal/sign-in?email=a%40b.test&amp;x=1">');
    expect(shown).toMatch(/<iframe[^>]*sandbox="allow-popups allow-popups-to-escape-sandbox"/);
    expect(shown).toContain('srcdoc="&lt;base target=&quot;_blank&quot;&gt;&lt;!doctype html&gt;');
    expect(shown).not.toContain('<img');
    expect(shown).not.toMatch(/<script/i);
  });

  it('finds no message for a made-up or path-like id', async () => {
    expect((await page('/sent-mail/000000000000000-00000000-0000-0000-0000-000000000000')).status).toBe(404);
    expect((await page('/sent-mail/..%2F..%2Fpackage')).status).toBe(404);
  });

  it('shows Sent mail only on this computer, or to an Admin (their own firm’s mail only)', async () => {
    const elsewhere = { 'x-forwarded-for': '198.51.100.23' };
    const toOwn = firm.users.Staff.email;
    const toOther = other.users.Staff.email;
    await hub.services.mailer.send(composeEmail(content(toOwn, { subject: 'For our staff' })));
    await hub.services.mailer.send(composeEmail(content(toOther, { subject: 'For the other firm' })));

    const anonymous = await page('/sent-mail', elsewhere);
    expect(anonymous.status).toBe(403);
    expect(anonymous.headers.get('content-type')).toBe('application/problem+json');
    for (const role of ['Manager', 'Staff', 'Client User'] as const) {
      const bearer = { ...elsewhere, authorization: `Bearer ${firm.users[role].token}` };
      expect((await page('/sent-mail', bearer)).status, role).toBe(403);
    }
    const admin = { ...elsewhere, authorization: `Bearer ${firm.users.Admin.token}` };
    const listed = await page('/sent-mail', admin);
    expect(listed.status).toBe(200);
    const body = await listed.text();
    expect(body).toContain('For our staff');
    expect(body).not.toContain('For the other firm');
    const all = await (await page('/sent-mail')).text();
    const otherId = /href="\/sent-mail\/([^"]+)">For the other firm/.exec(all)?.[1] ?? '';
    expect(otherId).not.toBe('');
    expect((await page(`/sent-mail/${otherId}`, admin)).status).toBe(404);
    expect((await page(`/sent-mail/${otherId}`)).status).toBe(200);
  });
});
