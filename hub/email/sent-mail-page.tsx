/** @jsxImportSource hono/jsx */
import { Page, renderPage } from '../portal/layout.tsx';
import type { SentMail } from './mailer.ts';

/**
 * The local "Sent mail" page of the embedded setup (no SMTP configured): what the hub would have
 * emailed, newest first, so the demo needs no mail server. Everything is shown as text; the HTML
 * part is previewed in a sandboxed frame (no scripts, no access to this page).
 */
export const SENT_MAIL_PATH = '/sent-mail';

const when = (iso: string) => iso.replace('T', ' ').replace(/\.\d+Z$/, ' UTC');

export function sentMailListPage(mail: SentMail[]): string {
  return renderPage(
    <Page title="Sent mail">
      <h1>Sent mail</h1>
      <p>
        Client Hub has no mail server set up (SMTP_URL), so it keeps what it would have sent here. Newest
        first.
      </p>
      {mail.length === 0 ? (
        <p class="notice">Nothing has been sent yet.</p>
      ) : (
        <table>
          <caption class="small">{`${mail.length} message${mail.length === 1 ? '' : 's'}`}</caption>
          <thead>
            <tr>
              <th scope="col">Sent</th>
              <th scope="col">To</th>
              <th scope="col">Subject</th>
            </tr>
          </thead>
          <tbody>
            {mail.map((m) => (
              <tr>
                <td>{when(m.sentAt)}</td>
                <td>{m.to}</td>
                <td>
                  <a href={`${SENT_MAIL_PATH}/${m.id}`}>{m.subject || '(no subject)'}</a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Page>,
  );
}

/** Text with its web addresses as links (only http and https: nothing else becomes a link). */
function Linked({ text }: { text: string }) {
  const parts = text.split(/(https?:\/\/[^\s<>"]+)/g);
  return <>{parts.map((part, i) => (i % 2 === 1 ? <a href={part}>{part}</a> : part))}</>;
}

export function sentMailPage(mail: SentMail): string {
  // Links in the preview open in a new tab, outside the sandbox, so a sign-in link can be followed.
  const preview = `<base target="_blank">${mail.html}`;
  return renderPage(
    <Page title={mail.subject || 'Sent mail'}>
      <p>
        <a href={SENT_MAIL_PATH}>← All sent mail</a>
      </p>
      <h1>{mail.subject || '(no subject)'}</h1>
      <dl>
        <dt>From</dt>
        <dd>{mail.from}</dd>
        <dt>To</dt>
        <dd>{mail.to}</dd>
        <dt>Sent</dt>
        <dd>{when(mail.sentAt)}</dd>
      </dl>
      <h2>As text</h2>
      <pre>
        <Linked text={mail.text} />
      </pre>
      <h2>As HTML</h2>
      <iframe
        class="mail"
        title={`The email “${mail.subject}” as HTML`}
        sandbox="allow-popups allow-popups-to-escape-sandbox"
        srcdoc={preview}
      />
    </Page>,
  );
}
