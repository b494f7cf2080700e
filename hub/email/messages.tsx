/** @jsxImportSource hono/jsx */
import type { EmailMessage } from './mailer.ts';

/**
 * The hub's emails, each written twice: plain text and HTML. The HTML has no images, scripts or
 * remote styles (mail apps block them, and they would tell a sender when a client reads the mail);
 * every name in it goes through JSX, which escapes it.
 */
export interface EmailContent {
  firmName: string;
  to: string;
  subject: string;
  /** Short paragraphs, in order. */
  paragraphs: string[];
  /** The one thing to do: a button in HTML, the bare address in text. */
  action?: { label: string; url: string };
  /** A one-time code shown large (sign-in from another device). */
  code?: { label: string; value: string };
  /** Small print at the end (why they got this email). */
  footer: string;
}

const font = 'font-family:-apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,Helvetica,Arial,sans-serif';

function EmailBody({ content }: { content: EmailContent }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{content.subject}</title>
      </head>
      <body style={`margin:0;padding:24px 12px;background:#f4f5f7;color:#1f2933;${font}`}>
        <div style="max-width:560px;margin:0 auto;background:#ffffff;border-radius:8px;padding:24px">
          <p style="margin:0 0 16px;font-size:14px;color:#52606d">{content.firmName}</p>
          {content.paragraphs.map((p) => (
            <p style="margin:0 0 16px;font-size:16px;line-height:1.5">{p}</p>
          ))}
          {content.action && (
            <p style="margin:24px 0">
              <a
                href={content.action.url}
                style="display:inline-block;background:#0b6bcb;color:#ffffff;text-decoration:none;font-size:16px;font-weight:600;padding:12px 20px;border-radius:6px"
              >
                {content.action.label}
              </a>
            </p>
          )}
          {content.code && (
            <>
              <p style="margin:0 0 8px;font-size:16px;line-height:1.5">{content.code.label}</p>
              <p style="margin:0 0 24px;font-size:28px;font-weight:700;letter-spacing:6px;font-family:Menlo,Consolas,monospace">
                {content.code.value}
              </p>
            </>
          )}
          {content.action && (
            <p style="margin:0 0 16px;font-size:13px;line-height:1.5;color:#52606d;word-break:break-all">
              If the button does not work, copy this address into your browser: {content.action.url}
            </p>
          )}
          <p style="margin:24px 0 0;font-size:13px;line-height:1.5;color:#52606d">{content.footer}</p>
        </div>
      </body>
    </html>
  );
}

/** Both parts of an email; the firm's name goes in the sender's name too. */
export function composeEmail(content: EmailContent): EmailMessage {
  const text = [
    content.firmName,
    '',
    ...content.paragraphs.flatMap((p) => [p, '']),
    ...(content.action ? [`${content.action.label}: ${content.action.url}`, ''] : []),
    ...(content.code ? [`${content.code.label} ${content.code.value}`, ''] : []),
    '--',
    content.footer,
    '',
  ].join('\n');
  const html = `<!doctype html>${(<EmailBody content={content} />).toString()}`;
  return { to: content.to, subject: content.subject, text, html, fromName: content.firmName };
}
