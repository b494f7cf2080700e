// Styled by suggestions.css, which the Client Tasks page loads with its HTML (entrypoints/tasks/main.tsx).
import { useEffect, useState } from 'preact/hooks';
import type { ClientHubDb } from '@/lib/db/database';
import { BackgroundError } from '@/lib/messaging/client';
import type { MessageError } from '@/lib/messaging/contract';
import { ask } from '@/lib/messaging/extension';
import type { Suggestion } from '@/lib/suggestions/records';
import { useLiveQuery } from '../hooks/useLiveQuery';
import { ProblemNotice } from '../ProblemNotice';

export const CONFIDENCE_WORDS: Record<Suggestion['confidence'], string> = {
  high: 'High confidence',
  possible: 'Possible',
  none: 'No suggestion',
};

const problemOf = (error: unknown): MessageError =>
  error instanceof BackgroundError
    ? error.detail
    : { code: 'unknown', message: 'Client Hub could not reach its background.' };

/**
 * The task panel's "Suggested account": what the company's own history says, in words, with Accept
 * (an Admin; confirmed, recodes every line in Xero and closes the task without asking the client)
 * and, for a possible one, Ask the client ("Was this …?").
 */
export function SuggestionSection({
  db,
  taskId,
  isAdmin,
  open,
}: {
  db: ClientHubDb;
  taskId: string;
  isAdmin: boolean;
  /** Only tasks still with the firm or the client can act on a suggestion. */
  open: boolean;
}) {
  // How many lines move (the confirmation says all of them), from the transaction the sync stored.
  const lines = useLiveQuery(
    async () => {
      const task = await db.clientTasks.where('id').equals(taskId).first();
      const record = task
        ? await db.bankTransactions.get([task.tenantId, task.bankTransactionId])
        : undefined;
      return record?.lineItems.length ?? 1;
    },
    [db, taskId],
    1,
  );
  const [suggestion, setSuggestion] = useState<Suggestion | null | undefined>(undefined);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<MessageError | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    setSuggestion(undefined);
    setConfirming(false);
    setNotice(null);
    setProblem(null);
    ask({ type: 'suggestions.forTasks', taskIds: [taskId] }).then(
      (r) => live && setSuggestion(r.suggestions[0] ?? null),
      (error) => {
        if (!live) return;
        setSuggestion(null);
        setProblem(problemOf(error));
      },
    );
    return () => {
      live = false;
    };
  }, [taskId]);

  async function act(action: () => Promise<string>) {
    setBusy(true);
    setProblem(null);
    try {
      setNotice(await action());
    } catch (error) {
      setProblem(problemOf(error));
    } finally {
      setBusy(false);
      setConfirming(false);
    }
  }

  if (!open) return null;
  const account = suggestion?.account;
  const words = account ? [account.code, account.name].filter(Boolean).join(' ') : '';
  return (
    <section aria-labelledby="suggested-account" data-testid="suggestion">
      <h3 id="suggested-account">Suggested account</h3>
      {suggestion === undefined && <p class="muted">Looking at the company’s history…</p>}
      {suggestion && (
        <>
          <p>
            {account ? <strong>{words}</strong> : null}{' '}
            <span class={`confidence ${suggestion.confidence}`}>
              {CONFIDENCE_WORDS[suggestion.confidence]}
            </span>
          </p>
          <p class="muted" data-testid="suggestion-evidence">
            {suggestion.evidence}
          </p>
          {account && !confirming && (
            <div class="buttons">
              {isAdmin && (
                <button type="button" disabled={busy} onClick={() => setConfirming(true)}>
                  Accept {account.code}
                </button>
              )}
              {suggestion.question && (
                <button
                  type="button"
                  disabled={busy}
                  onClick={() =>
                    void act(async () => {
                      const r = await ask({ type: 'suggestions.ask', taskId });
                      return `Asked the client: “${r.question}”`;
                    })
                  }
                >
                  Ask the client: “{suggestion.question}”
                </button>
              )}
            </div>
          )}
          {account && confirming && (
            <fieldset class="confirm">
              <legend class="visually-hidden">Confirm accepting the suggestion</legend>
              <p>
                Recode {lines === 1 ? 'the transaction’s line' : `all ${lines} lines`} to {words} in Xero, add
                a History note that it was coded from the company’s history, and close the task without asking
                the client?
              </p>
              <div class="buttons">
                <button
                  type="button"
                  disabled={busy}
                  onClick={() =>
                    void act(async () => {
                      const r = await ask({
                        type: 'suggestions.accept',
                        accepts: [{ taskId, accountId: account.id }],
                        onlyHigh: false,
                      });
                      return r.accepted === 1
                        ? `Recoding to ${words} in Xero; the task closes when Xero has it.`
                        : 'Nothing changed: the task or its suggestion changed meanwhile.';
                    })
                  }
                >
                  Recode and close
                </button>
                <button type="button" disabled={busy} onClick={() => setConfirming(false)}>
                  Cancel
                </button>
              </div>
            </fieldset>
          )}
        </>
      )}
      {problem && <ProblemNotice problem={problem} />}
      {notice && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
    </section>
  );
}
