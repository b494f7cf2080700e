import { useEffect, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { xeroConfig } from '@/lib/config/current';
import { pageReportReplySchema } from '@/lib/messaging/page-report';
import { check } from '@/lib/messaging/standard-schema';

type Outcome =
  | { kind: 'idle' }
  | { kind: 'working' }
  | { kind: 'copied'; report: string }
  | { kind: 'not-copied'; report: string }
  | { kind: 'failed'; message: string };

/** The Xero tab the popup was opened over; `?tab=` names one when the popup is opened as a page (tests). */
async function xeroTab(): Promise<number | null> {
  const named = Number(new URLSearchParams(location.search).get('tab'));
  const tab =
    Number.isInteger(named) && named > 0
      ? await browser.tabs.get(named).catch(() => undefined)
      : (await browser.tabs.query({ active: true, currentWindow: true }))[0];
  // The URL is visible for Xero's pages only (host permission): any other tab has none.
  return tab?.id !== undefined && tab.url?.startsWith(`${xeroConfig.appBase}/`) ? tab.id : null;
}

/**
 * "Report a page problem", on a Xero tab: copies the page's structure (no text, names or amounts; see
 * lib/content/snapshot.ts) and what Client Hub concluded, for a firm that sees no badges to send us.
 * What is copied is shown too, so nobody sends what they have not seen.
 */
export function PageReport() {
  const [tabId, setTabId] = useState<number | null>(null);
  const [outcome, setOutcome] = useState<Outcome>({ kind: 'idle' });
  useEffect(() => {
    void xeroTab().then(setTabId, () => setTabId(null));
  }, []);
  if (tabId === null) return null;

  async function report(id: number) {
    setOutcome({ kind: 'working' });
    let text: string;
    try {
      const parsed = check(
        pageReportReplySchema,
        await browser.tabs.sendMessage(id, { type: 'page.report' }),
      );
      if (!parsed.success) throw new Error('unreadable reply');
      text = parsed.data.report;
    } catch {
      setOutcome({
        kind: 'failed',
        message: 'Client Hub is not running in this Xero page. Reload the page and try again.',
      });
      return;
    }
    try {
      await navigator.clipboard.writeText(text);
      setOutcome({ kind: 'copied', report: text });
    } catch {
      setOutcome({ kind: 'not-copied', report: text });
    }
  }

  return (
    <section aria-labelledby="page-report-heading">
      <h2 id="page-report-heading">This Xero page</h2>
      <p>
        <button type="button" onClick={() => void report(tabId)} disabled={outcome.kind === 'working'}>
          Report a page problem
        </button>
      </p>
      <div aria-live="polite">
        {outcome.kind === 'copied' && (
          <p role="status">Copied. Paste it into your message to Client Hub support.</p>
        )}
        {outcome.kind === 'not-copied' && (
          <p role="status">Could not copy it: select the text below and copy it yourself.</p>
        )}
        {outcome.kind === 'failed' && <p role="alert">{outcome.message}</p>}
      </div>
      {(outcome.kind === 'copied' || outcome.kind === 'not-copied') && (
        <details open={outcome.kind === 'not-copied'}>
          <summary>What is copied (the page’s structure, without its text, names or amounts)</summary>
          <textarea readOnly rows={8} aria-label="Page report" value={outcome.report} />
        </details>
      )}
    </section>
  );
}
