// Styled by suggestions.css, which the Client Tasks page loads with its HTML (entrypoints/tasks/main.tsx).
import { useState } from 'preact/hooks';
import { BackgroundError } from '@/lib/messaging/client';
import type { MessageError } from '@/lib/messaging/contract';
import { ask } from '@/lib/messaging/extension';
import type { Suggestion } from '@/lib/suggestions/records';
import { ColumnHeads } from '../ColumnHeads';
import { Dialog } from '../Dialog';
import { ProblemNotice } from '../ProblemNotice';

interface PreviewRow {
  suggestion: Suggestion;
  contact: string;
  amount: string;
}

/**
 * "Accept high-confidence suggestions…": a preview of every open task of the workspace whose
 * suggestion is of high confidence (contact, amount, account, evidence), then one confirmation that
 * recodes them in Xero through the outbox and closes them without asking the clients. An Admin only.
 */
export function BulkAccept({
  workspaceId,
  describe,
}: {
  workspaceId: string | null;
  /** The task's contact and amount, for the preview (from the page's own list). */
  describe: (taskId: string) => Promise<{ contact: string; amount: string } | null>;
}) {
  const [rows, setRows] = useState<PreviewRow[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<MessageError | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const fail = (error: unknown) =>
    setProblem(
      error instanceof BackgroundError
        ? error.detail
        : { code: 'unknown', message: 'Client Hub could not reach its background.' },
    );

  async function preview() {
    setBusy(true);
    setProblem(null);
    setNotice(null);
    try {
      const { suggestions } = await ask({ type: 'suggestions.forWorkspace', workspaceId });
      const high = suggestions.filter((s) => s.confidence === 'high' && s.account);
      const described = await Promise.all(
        high.map(async (suggestion) => ({
          suggestion,
          ...((await describe(suggestion.taskId)) ?? { contact: '', amount: '' }),
        })),
      );
      setRows(described);
    } catch (error) {
      fail(error);
    } finally {
      setBusy(false);
    }
  }

  async function accept(list: PreviewRow[]) {
    setBusy(true);
    try {
      const r = await ask({
        type: 'suggestions.accept',
        accepts: list.map((row) => ({
          taskId: row.suggestion.taskId,
          accountId: row.suggestion.account?.id ?? '',
        })),
        onlyHigh: true,
      });
      setRows(null);
      setNotice(
        `${r.accepted} task${r.accepted === 1 ? '' : 's'} recoding in Xero from the company’s history (they close when Xero has them)${
          r.skipped > 0 ? `; ${r.skipped} left as they were (changed meanwhile)` : ''
        }.`,
      );
    } catch (error) {
      fail(error);
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <button type="button" disabled={busy} onClick={() => void preview()}>
        Accept high-confidence suggestions…
      </button>
      {problem && <ProblemNotice problem={problem} />}
      {notice && (
        <p class="notice" role="status" data-testid="bulk-accept-result">
          {notice}
        </p>
      )}
      {rows && (
        <Dialog title="Accept suggested accounts" onClose={() => setRows(null)}>
          {rows.length === 0 ? (
            <p>No open task in this workspace has a high-confidence suggestion.</p>
          ) : (
            <>
              <p data-testid="bulk-accept-summary">
                {rows.length} task{rows.length === 1 ? '' : 's'} will be recoded in Xero (every line) to the
                account the company’s history suggests, get a History note saying so, and close without asking
                the client.
              </p>
              <div class="preview-scroll">
                <table class="preview">
                  <ColumnHeads names={['Contact', 'Amount', 'Account', 'Why']} />
                  <tbody>
                    {rows.map((row) => (
                      <tr key={row.suggestion.taskId}>
                        <td>{row.contact}</td>
                        <td>{row.amount}</td>
                        <td>
                          {row.suggestion.account?.code} {row.suggestion.account?.name}
                        </td>
                        <td>{row.suggestion.evidence}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          )}
          <div class="buttons">
            {rows.length > 0 && (
              <button type="button" disabled={busy} onClick={() => void accept(rows)}>
                Recode {rows.length} in Xero and close
              </button>
            )}
            <button type="button" onClick={() => setRows(null)}>
              Cancel
            </button>
          </div>
        </Dialog>
      )}
    </>
  );
}
