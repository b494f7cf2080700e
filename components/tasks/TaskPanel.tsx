import { useEffect, useRef, useState } from 'preact/hooks';
import { xeroConfig } from '@/lib/config/current';
import type { ClientHubDb } from '@/lib/db/database';
import { BackgroundError } from '@/lib/messaging/client';
import type { MessageError } from '@/lib/messaging/contract';
import { ask } from '@/lib/messaging/extension';
import { fileProblem, fileSize, keepStagedFile } from '@/lib/tasks/files';
import { xeroTransactionLink } from '@/lib/tasks/links';
import type { ChosenAccount } from '@/lib/tasks/records';
import { isolated } from '@/lib/text/hostile';
import { activitySentence, asSentence, changeSentence } from '../describe';
import { useLiveQuery } from '../hooks/useLiveQuery';
import { ProblemNotice } from '../ProblemNotice';
import { SuggestionSection } from '../suggestions/SuggestionSection';
import { Amount, XeroText } from '../XeroText';

const asProblem = (error: unknown): MessageError =>
  error instanceof BackgroundError
    ? error.detail
    : {
        code: 'unknown',
        message: 'Client Hub could not reach its background. Reload this page and try again.',
      };

async function readPanel(db: ClientHubDb, taskId: string) {
  const task = await db.clientTasks.where('id').equals(taskId).first();
  if (!task) return null;
  const key: [string, string] = [task.tenantId, task.bankTransactionId];
  const [messages, files, jobs, closes, inXero, activity, events, accounts, connection, hubFiles] =
    await Promise.all([
      db.taskMessages.where('taskId').equals(taskId).sortBy('at'),
      db.taskFiles.where('taskId').equals(taskId).toArray(),
      db.outbox.where('taskId').equals(taskId).toArray(),
      db.closeRequests.where('taskId').equals(taskId).toArray(),
      db.xeroAttachments.get(key),
      db.taskActivity.where('taskId').equals(taskId).toArray(),
      db.taskEvents.where('taskId').equals(taskId).toArray(),
      db.accounts.where('tenantId').equals(task.tenantId).toArray(),
      db.connections.get(task.tenantId),
      db.hubFiles.where('taskId').equals(taskId).sortBy('createdAt'),
    ]);
  const log = [
    ...activity.map((a) => ({ id: a.id, at: a.at, text: activitySentence(a), changes: a.changes })),
    ...events.map((e) => ({ id: e.id, at: e.at, text: asSentence(e.text), changes: [] })),
  ].sort((a, b) => b.at - a.at);
  return {
    task,
    messages,
    files,
    jobs: jobs.sort((a, b) => a.createdAt - b.createdAt),
    writing: closes.some((c) => c.state === 'writing'),
    inXero,
    log,
    accounts: accounts
      .filter((a) => !a.isBankAccount && a.status === 'ACTIVE')
      .sort((a, b) => a.code.localeCompare(b.code) || a.name.localeCompare(b.name)),
    connection,
    // Files from Client Hub that did not start in this browser (its own are listed as its uploads).
    hubFiles: hubFiles.filter((f) => f.localFileId === null),
  };
}

/**
 * Opens one of the server's files: the background downloads it (once; only now that someone asked)
 * and keeps it in IndexedDB, from where this page hands it to the browser as a download.
 */
async function saveHubFile(db: ClientHubDb, fileId: string, fileName: string) {
  await ask({ type: 'tasks.fetchHubFile', fileId });
  const kept = await db.hubFileBytes.get(fileId);
  if (!kept) throw new Error('The file was not kept on this computer.');
  const url = URL.createObjectURL(kept.blob);
  try {
    const a = document.createElement('a');
    a.href = url;
    a.download = fileName;
    a.click();
  } finally {
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }
}

const when = (at: number) => new Date(at).toLocaleString();

interface Props {
  db: ClientHubDb;
  taskId: string;
  isAdmin: boolean;
  onClose: () => void;
}

/** Everything about one Client Task, and what the firm can do with it. Xero's text is shown as text. */
export function TaskPanel({ db, taskId, isAdmin, onClose }: Props) {
  const view = useLiveQuery(() => readPanel(db, taskId), [db, taskId], undefined);
  const [answer, setAnswer] = useState('');
  const [accountId, setAccountId] = useState('');
  const [staged, setStaged] = useState<{ id: string; name: string; size: number }[]>([]);
  const [comment, setComment] = useState('');
  const [recode, setRecode] = useState(true);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<MessageError | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  /** A Close is writing to Xero: its notice ends when the writes do. */
  const [closing, setClosing] = useState<null | 'requested' | 'writing'>(null);
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    heading.current?.focus();
    setProblem(null);
    setStatus(null);
    // Attachments added in Xero: read the list only when Xero says the transaction changed.
    ask({ type: 'tasks.refreshAttachments', taskId }).catch(() => undefined);
    setClosing(null);
  }, [taskId]);

  const writingNow = view ? view.writing : undefined;
  const statusNow = view ? view.task.status : undefined;
  useEffect(() => {
    if (closing === null) return;
    // The page may hear of the Close's writes after its answer: wait until they were seen, unless
    // the task is already Closed by the time the page looks.
    if (closing === 'requested' && writingNow) {
      setClosing('writing');
      return;
    }
    const ended = statusNow === 'Closed' || (closing === 'writing' && writingNow === false);
    if (!ended) return;
    setClosing(null);
    // A write that failed for good shows under "Not written to Xero" with its reason.
    setStatus(statusNow === 'Closed' ? 'Closed: Xero has the answer.' : null);
  }, [closing, writingNow, statusNow]);

  if (view === undefined) return <aside class="task-panel card" aria-busy="true" />;
  if (view === null) {
    return (
      <aside class="task-panel card" aria-label="Client Task">
        <p>This task no longer exists.</p>
        <button type="button" onClick={onClose}>
          Close panel
        </button>
      </aside>
    );
  }
  const { task, messages, files, jobs, writing, inXero, log, accounts, connection, hubFiles } = view;
  const s = task.snapshot;
  const clientChose = task.hub?.clientAccount ?? null;
  const writtenToXero = task.hub?.writtenToXero ?? null;
  const lastAccount =
    [...messages].reverse().find((m) => m.from === 'client')?.account ??
    (clientChose ? { id: clientChose.accountId, code: clientChose.code, name: clientChose.name } : null);
  const failed = jobs.filter((j) => j.state === 'failed');
  const queued = files.filter((f) => f.state === 'queued' || f.state === 'failed');
  const link = xeroTransactionLink(
    xeroConfig.appBase,
    task.bankTransactionId,
    connection?.organisation?.shortCode,
  );

  async function run(action: () => Promise<string | null>) {
    setBusy(true);
    setProblem(null);
    setStatus(null);
    try {
      setStatus(await action());
    } catch (error) {
      setProblem(asProblem(error));
    } finally {
      setBusy(false);
    }
  }

  async function addFiles(list: FileList | null) {
    if (!list) return;
    const added: typeof staged = [];
    for (const file of Array.from(list)) {
      const tooBig = fileProblem({ name: file.name, size: file.size });
      if (tooBig) {
        setProblem({ code: 'file-too-large', message: tooBig });
        continue;
      }
      // Files cannot travel in runtime messages: they wait in IndexedDB, so nothing attached is lost.
      const id = crypto.randomUUID();
      const kept = await keepStagedFile(db, {
        id,
        taskId: task.id,
        tenantId: task.tenantId,
        bankTransactionId: task.bankTransactionId,
        fileName: file.name,
        originalName: file.name,
        mimeType: file.type || 'application/octet-stream',
        size: file.size,
        sha256: null,
        blob: file,
        addedAt: Date.now(),
        state: 'staged',
      });
      if (kept) {
        // Says which file was not kept; the ones before it are, and the answer's text is untouched.
        setProblem(kept);
        break;
      }
      added.push({ id, name: file.name, size: file.size });
    }
    setStaged((current) => [...current, ...added]);
  }

  const chosen: ChosenAccount | null = (() => {
    const a = accounts.find((x) => x.accountId === accountId);
    return a ? { id: a.accountId, code: a.code, name: a.name } : null;
  })();

  return (
    <aside class="task-panel card" aria-labelledby="task-panel-title" data-testid="task-panel">
      <div class="panel-head">
        <h2 id="task-panel-title" tabIndex={-1} ref={heading}>
          {s.contactName ? <XeroText text={s.contactName} /> : 'No contact'} ·{' '}
          <Amount amount={s.amount} currency={s.currency} />
        </h2>
        <button type="button" onClick={onClose} aria-label="Close task panel">
          ✕
        </button>
      </div>
      <p>
        <span class={`status status-${task.status}`} data-testid="task-status">
          {task.status === 'ResolvedInXero' ? 'Resolved in Xero' : task.status}
        </span>
        {writing && <span class="muted"> · Writing to Xero…</span>}
      </p>
      {problem && <ProblemNotice problem={problem} />}
      {status && (
        <p class="notice" role="status">
          {status}
        </p>
      )}

      <section aria-labelledby="xero-tx">
        <h3 id="xero-tx">The transaction in Xero</h3>
        <dl class="facts">
          <dt>Xero company</dt>
          <dd>
            <XeroText text={connection?.tenantName ?? task.tenantId} />
          </dd>
          <dt>Date</dt>
          <dd>{s.date}</dd>
          <dt>Description</dt>
          <dd>{s.description ? <XeroText text={s.description} /> : '—'}</dd>
          <dt>Reference</dt>
          <dd>{s.reference ? <XeroText text={s.reference} /> : '—'}</dd>
          <dt>Bank account</dt>
          <dd>
            <XeroText text={s.bankAccount.name} />
          </dd>
          <dt>Coded to</dt>
          <dd>
            {s.accountCoded ? (
              <XeroText text={[s.accountCoded.code, s.accountCoded.name].filter(Boolean).join(' ')} />
            ) : (
              '—'
            )}
          </dd>
          <dt>Status in Xero</dt>
          <dd>{s.xeroStatus}</dd>
        </dl>
        <a href={link} target="_blank" rel="noopener noreferrer">
          Go to Xero
        </a>
      </section>

      <SuggestionSection
        db={db}
        taskId={task.id}
        isAdmin={isAdmin}
        open={task.status === 'Open' || task.status === 'Answered'}
      />

      {(clientChose || writtenToXero) && (
        <section aria-label="From Client Hub" class="hub-facts">
          {clientChose && (
            <p data-testid="client-chose">
              Client chose: <XeroText text={[clientChose.code, clientChose.name].filter(Boolean).join(' ')} />
            </p>
          )}
          {writtenToXero && (
            <p data-testid="written-to-xero" class="muted">
              Written to Xero by <XeroText text={writtenToXero.name} /> at{' '}
              {when(Date.parse(writtenToXero.at))}
            </p>
          )}
        </section>
      )}

      <section aria-labelledby="conversation">
        <h3 id="conversation">Conversation</h3>
        {messages.length === 0 && <p class="muted">No comments or answers yet.</p>}
        <ol class="conversation">
          {messages.map((m) => (
            <li key={m.id} class={m.from}>
              <strong>{m.from === 'client' ? 'Client’s answer' : 'Firm'}</strong>{' '}
              <span class="muted">
                {when(m.at)} · recorded by <XeroText text={m.recordedBy} />
                {m.writtenToXeroAt ? ' · in Xero History' : ''}
              </span>
              <p>
                <XeroText text={m.text} />
              </p>
              {m.account && (
                <p class="muted">
                  Account chosen:{' '}
                  <XeroText text={[m.account.code, m.account.name].filter(Boolean).join(' ')} />
                </p>
              )}
            </li>
          ))}
        </ol>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void run(async () => {
              await ask({ type: 'tasks.comment', taskId: task.id, text: comment });
              setComment('');
              return null;
            });
          }}
        >
          <label for="comment">Comment from the firm</label>
          <textarea
            id="comment"
            rows={2}
            value={comment}
            onInput={(e) => setComment(e.currentTarget.value)}
          />
          <button type="submit" disabled={busy || comment.trim() === ''}>
            Add comment
          </button>
        </form>
      </section>

      <section aria-labelledby="attachments">
        <h3 id="attachments">Attachments</h3>
        <ul class="files">
          {(inXero?.attachments ?? []).map((a) => (
            <li key={a.attachmentId}>
              <XeroText text={a.fileName} /> <span class="muted">in Xero · {fileSize(a.contentLength)}</span>
            </li>
          ))}
          {queued.map((f) => (
            <li key={f.id}>
              <XeroText text={f.fileName} />{' '}
              <span class="muted">{f.state === 'failed' ? 'not attached' : 'waiting to go to Xero'}</span>
              {f.problem && <ProblemNotice problem={f.problem} />}
            </li>
          ))}
          {hubFiles.map((f) => (
            <li key={f.id} data-testid="hub-file">
              <XeroText text={f.fileName} />{' '}
              <span class="muted">
                from <XeroText text={f.uploadedBy.name} /> · {fileSize(f.size)}
                {f.inXeroAt ? ' · in Xero' : ''}
              </span>{' '}
              <button
                type="button"
                disabled={busy}
                onClick={() =>
                  void run(async () => {
                    await saveHubFile(db, f.id, f.fileName);
                    return null;
                  })
                }
              >
                Download
              </button>
            </li>
          ))}
          {files
            .filter((f) => f.state === 'duplicate')
            .map((f) => (
              <li key={f.id} class="muted">
                <XeroText text={f.originalName} />: the same file is already attached, not sent twice
              </li>
            ))}
        </ul>
        {!inXero && s.hasAttachments && <p class="muted">Xero has attachments on this transaction.</p>}
      </section>

      {task.status !== 'Closed' && task.status !== 'Cancelled' && (
        <section aria-labelledby="record-answer">
          <h3 id="record-answer">Record client’s answer</h3>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void run(async () => {
                const result = await ask({
                  type: 'tasks.recordAnswer',
                  taskId: task.id,
                  text: answer,
                  account: chosen,
                  fileIds: staged.map((f) => f.id),
                });
                setAnswer('');
                setStaged([]);
                setAccountId('');
                return `Answer recorded${result.queuedFiles > 0 ? `; ${result.queuedFiles} file(s) on their way to Xero` : ''}.`;
              });
            }}
          >
            <label for="answer">What the client said</label>
            <textarea
              id="answer"
              rows={3}
              value={answer}
              onInput={(e) => setAnswer(e.currentTarget.value)}
              required
            />
            <label for="answer-account">Account the client picks (optional)</label>
            <select
              id="answer-account"
              value={accountId}
              onChange={(e) => setAccountId(e.currentTarget.value)}
            >
              <option value="">No account</option>
              {accounts.map((a) => (
                <option key={a.accountId} value={a.accountId}>
                  {isolated([a.code, a.name].filter(Boolean).join(' '))}
                </option>
              ))}
            </select>
            <label for="answer-files">Files (receipts, invoices; up to 10 MB each)</label>
            <input
              id="answer-files"
              type="file"
              multiple
              onChange={(e) => void addFiles(e.currentTarget.files)}
            />
            {staged.length > 0 && (
              <ul class="files">
                {staged.map((f) => (
                  <li key={f.id}>
                    <XeroText text={f.name} /> <span class="muted">{fileSize(f.size)}</span>{' '}
                    <button
                      type="button"
                      onClick={() => {
                        setStaged((list) => list.filter((x) => x.id !== f.id));
                        void ask({ type: 'tasks.discardFiles', fileIds: [f.id] }).catch(() => undefined);
                      }}
                    >
                      Remove <XeroText text={f.name} />
                    </button>
                  </li>
                ))}
              </ul>
            )}
            <button type="submit" class="primary" disabled={busy || answer.trim() === ''}>
              Record answer
            </button>
          </form>
        </section>
      )}

      {failed.length > 0 && (
        <section aria-labelledby="failed-writes">
          <h3 id="failed-writes">Not written to Xero</h3>
          {failed.map((j) => (
            <div key={j.id}>
              {j.problem && <ProblemNotice problem={j.problem} />}
              <button
                type="button"
                disabled={busy}
                onClick={() =>
                  void run(async () => {
                    await ask({ type: 'outbox.retry', jobId: j.id });
                    return 'Trying again.';
                  })
                }
              >
                Retry
              </button>
            </div>
          ))}
        </section>
      )}

      <section aria-labelledby="task-actions" class="buttons">
        <h3 id="task-actions" class="visually-hidden">
          Actions
        </h3>
        {task.status !== 'Closed' && (
          <>
            {lastAccount && isAdmin && (
              <label class="inline">
                <input
                  type="checkbox"
                  checked={recode}
                  onChange={(e) => setRecode(e.currentTarget.checked)}
                />{' '}
                Also recode to{' '}
                <XeroText text={[lastAccount.code, lastAccount.name].filter(Boolean).join(' ')} /> in Xero
              </label>
            )}
            <button
              type="button"
              class="primary"
              disabled={busy || writing}
              onClick={() =>
                void run(async () => {
                  const r = await ask({
                    type: 'tasks.close',
                    taskIds: [task.id],
                    recode: Boolean(lastAccount && isAdmin && recode),
                  });
                  if (r.writing > 0) setClosing('requested');
                  return r.writing > 0
                    ? 'Writing to Xero; the task closes when Xero has it.'
                    : r.closed > 0
                      ? 'Closed.'
                      : null;
                })
              }
            >
              Close
            </button>
          </>
        )}
        {(task.status === 'Closed' || task.status === 'Answered' || task.status === 'ResolvedInXero') && (
          <button
            type="button"
            disabled={busy || writing}
            onClick={() =>
              void run(async () => {
                await ask({ type: 'tasks.reopen', taskIds: [task.id] });
                return 'Re-opened: back with the client.';
              })
            }
          >
            Re-open
          </button>
        )}
      </section>

      <section aria-labelledby="activity">
        <h3 id="activity">Activity</h3>
        <ol class="activity">
          {log.map((entry) => (
            <li key={entry.id}>
              <span class="muted">{when(entry.at)}</span> <XeroText text={entry.text} />
              {entry.changes.length > 0 && (
                <ul>
                  {entry.changes.map((c) => (
                    <li key={c.field}>{changeSentence(c)}</li>
                  ))}
                </ul>
              )}
            </li>
          ))}
        </ol>
      </section>
    </aside>
  );
}
