/** @jsxImportSource hono/jsx */
import { isolated } from '../../lib/text/hostile.ts';
import { PORTAL_PAGE_SIZE, PORTAL_VIEWS, type PortalView } from '../domain/portal.ts';
import { transactionFacts } from './facts.ts';
import { Layout, Text } from './layout.tsx';

type Account = { accountId: string; code: string; name: string };

export interface QuestionRow {
  id: string;
  status: string;
  question: string;
  transaction: Record<string, unknown>;
  clientAccountCode: string | null;
  clientAccountName: string | null;
}

const VIEW_LABELS: Record<PortalView, string> = {
  open: 'To answer',
  answered: 'Answered',
  closed: 'Finished',
};

const STATUS_WORDS: Record<string, string> = {
  Open: 'Waiting for your answer',
  Answered: 'Answered: you can still add to it',
  Closed: 'Finished by your accountant',
  'Resolved in Xero': 'Finished by your accountant',
  Cancelled: 'No longer needed',
};

export const workspacePath = (workspaceId: string) => `/portal/workspaces/${encodeURIComponent(workspaceId)}`;
export const taskPath = (workspaceId: string, taskId: string) =>
  `${workspacePath(workspaceId)}/tasks/${encodeURIComponent(taskId)}`;
const answersPath = (workspaceId: string) => `${workspacePath(workspaceId)}/answers`;

/** Payee and amount: what a client recognises a bank line by. */
function headline(facts: ReturnType<typeof transactionFacts>) {
  return (
    <>
      {facts.payee ? <Text>{facts.payee}</Text> : 'Bank transaction'}
      {facts.amount ? (
        <>
          {' '}
          <span class="amount">{facts.amount}</span>
        </>
      ) : null}
    </>
  );
}

function Facts(props: { facts: ReturnType<typeof transactionFacts>; account?: string | undefined }) {
  const f = props.facts;
  return (
    <dl class="facts">
      {f.date ? (
        <>
          <dt>Date</dt>
          <dd>
            <time datetime={f.isoDate}>{f.date}</time>
          </dd>
        </>
      ) : null}
      {f.amount ? (
        <>
          <dt>{f.direction || 'Amount'}</dt>
          <dd>{f.amount}</dd>
        </>
      ) : null}
      {f.bankAccount ? (
        <>
          <dt>Bank account</dt>
          <dd>
            <Text>{f.bankAccount}</Text>
          </dd>
        </>
      ) : null}
      {f.payee ? (
        <>
          <dt>Payee</dt>
          <dd>
            <Text>{f.payee}</Text>
          </dd>
        </>
      ) : null}
      {f.description ? (
        <>
          <dt>Description</dt>
          <dd>
            <Text>{f.description}</Text>
          </dd>
        </>
      ) : null}
      {f.reference ? (
        <>
          <dt>Reference</dt>
          <dd>
            <Text>{f.reference}</Text>
          </dd>
        </>
      ) : null}
      {props.account ? (
        <>
          <dt>Your account</dt>
          <dd>
            <Text>{props.account}</Text>
          </dd>
        </>
      ) : null}
    </dl>
  );
}

const accountLabel = (a: { code: string | null; name: string | null }) =>
  [a.code, a.name].filter(Boolean).join(' · ');

/** The answer fields, shared by the one-question form and the answer-together form. */
function AnswerFields(props: { accounts: Account[]; chosen?: string | null | undefined; idPrefix: string }) {
  const id = (name: string) => `${props.idPrefix}-${name}`;
  return (
    <>
      <label for={id('answer')}>Your answer</label>
      <p class="hint" id={id('answer-hint')}>
        What was it for? For example: “Fuel for the work van”.
      </p>
      <textarea
        id={id('answer')}
        name="answer"
        rows={3}
        maxlength={10000}
        aria-describedby={id('answer-hint')}
      />
      {props.accounts.length > 0 ? (
        <>
          <label for={id('account')}>Account</label>
          <select id={id('account')} name="accountId">
            <option value="">Let my accountant choose</option>
            {props.accounts.map((a) => (
              <option value={a.accountId} selected={a.accountId === props.chosen}>
                {isolated(accountLabel(a))}
              </option>
            ))}
          </select>
        </>
      ) : null}
      <label for={id('photo')}>Take a photo of the receipt</label>
      <input
        id={id('photo')}
        type="file"
        name="receipt"
        accept="image/*,application/pdf"
        capture="environment"
      />
      <label for={id('file')}>Or choose a photo or PDF</label>
      <input id={id('file')} type="file" name="receipt" accept="image/*,application/pdf" />
      <p class="hint">Photos and PDFs up to 10 MB each.</p>
    </>
  );
}

/** The business, with its Xero organisation's country when known (amounts are written as there). */
type PortalWorkspace = { id: string; name: string; countryCode: string | null };

export interface WorkspacePageProps {
  firmName: string;
  workspace: PortalWorkspace;
  view: PortalView;
  page: number;
  counts: Record<PortalView, number>;
  questions: QuestionRow[];
  accounts: Account[];
  /** A new key per rendered form, so pressing Send twice answers once. */
  submission: string;
  answered?: number | undefined;
  /** Shown when the client belongs to several businesses. */
  showAllBusinesses: boolean;
}

export function WorkspacePage(props: WorkspacePageProps) {
  const { workspace, view, page, counts, questions } = props;
  const total = counts[view];
  const pages = Math.max(1, Math.ceil(total / PORTAL_PAGE_SIZE));
  const here = (v: PortalView, p = 1) =>
    `${workspacePath(workspace.id)}?view=${v}${p > 1 ? `&page=${p}` : ''}`;
  const answerable = view !== 'closed';
  return (
    <Layout title={`${VIEW_LABELS[view]}: ${isolated(workspace.name)}`} firmName={props.firmName} signedIn>
      {props.showAllBusinesses ? (
        <p>
          <a href="/portal">All your businesses</a>
        </p>
      ) : null}
      <h1>
        Questions about <Text>{workspace.name}</Text>
      </h1>
      {props.answered ? (
        <p class="notice" role="status">
          Thank you:{' '}
          {props.answered === 1 ? 'your answer was sent.' : `${props.answered} questions were answered.`}
        </p>
      ) : null}
      <nav aria-label="Questions by status">
        <ul class="tabs">
          {(Object.keys(PORTAL_VIEWS) as PortalView[]).map((v) => (
            <li>
              <a href={here(v)} aria-current={v === view ? 'page' : undefined}>
                {VIEW_LABELS[v]} ({counts[v]})
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {questions.length === 0 ? (
        <p>
          {view === 'open'
            ? 'Nothing to answer right now. Thank you!'
            : view === 'answered'
              ? 'No answered questions waiting for your accountant.'
              : 'No finished questions yet.'}
        </p>
      ) : (
        <form method="post" action={answersPath(workspace.id)} enctype="multipart/form-data">
          <input type="hidden" name="submission" value={props.submission} />
          <h2 class="vh">{VIEW_LABELS[view]}</h2>
          <ol class="questions">
            {questions.map((q) => {
              const facts = transactionFacts(q.transaction, workspace.countryCode);
              const account =
                q.clientAccountCode || q.clientAccountName
                  ? accountLabel({ code: q.clientAccountCode, name: q.clientAccountName })
                  : undefined;
              return (
                <li class="q">
                  <h3 class="h" id={`q-${q.id}`}>
                    {headline(facts)}
                  </h3>
                  <Facts facts={facts} account={account} />
                  {q.question ? (
                    <p class="ask">
                      <Text>{q.question}</Text>
                    </p>
                  ) : null}
                  {view === 'answered' ? <p class="status">{STATUS_WORDS[q.status]}</p> : null}
                  {answerable ? (
                    <div class="pick">
                      <input type="checkbox" name="taskId" value={q.id} id={`pick-${q.id}`} />
                      <label for={`pick-${q.id}`}>
                        Answer together<span class="vh"> with the other ticked questions</span>
                      </label>
                    </div>
                  ) : null}
                  <a href={taskPath(workspace.id, q.id)} aria-describedby={`q-${q.id}`}>
                    {view === 'open'
                      ? 'Answer this question'
                      : view === 'answered'
                        ? 'See or add to your answer'
                        : 'See what was said'}
                  </a>
                </li>
              );
            })}
          </ol>
          {answerable ? (
            <fieldset class="together">
              <legend>Answer the ticked questions together</legend>
              <p class="hint">For example, tick every fuel purchase and write “Fuel” once.</p>
              <AnswerFields accounts={props.accounts} idPrefix="together" />
              <button type="submit">Send answer for the ticked questions</button>
            </fieldset>
          ) : null}
        </form>
      )}
      {pages > 1 ? (
        <nav class="pages" aria-label="Pages">
          {page > 1 ? <a href={here(view, page - 1)}>Previous {PORTAL_PAGE_SIZE}</a> : <span />}
          <span>
            Page {page} of {pages}
          </span>
          {page < pages ? <a href={here(view, page + 1)}>Next {PORTAL_PAGE_SIZE}</a> : <span />}
        </nav>
      ) : null}
    </Layout>
  );
}

export interface TaskPageProps {
  firmName: string;
  workspace: PortalWorkspace;
  task: QuestionRow & { clientAccountId: string | null };
  comments: { id: string; body: string; authorId: string; authorName: string; createdAt: Date }[];
  files: { id: string; fileName: string; size: number }[];
  accounts: Account[];
  me: string;
  submission: string;
  saved: boolean;
  mayAnswer: boolean;
}

const when = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  hour: '2-digit',
  minute: '2-digit',
  timeZone: 'UTC',
});
const kilobytes = (size: number) =>
  size < 1024 * 1024 ? `${Math.max(1, Math.round(size / 1024))} KB` : `${(size / 1024 / 1024).toFixed(1)} MB`;

export function TaskPage(props: TaskPageProps) {
  const { workspace, task } = props;
  const facts = transactionFacts(task.transaction, workspace.countryCode);
  const account =
    task.clientAccountCode || task.clientAccountName
      ? accountLabel({ code: task.clientAccountCode, name: task.clientAccountName })
      : undefined;
  return (
    <Layout
      title={`Question: ${isolated(facts.payee || 'bank transaction')}`}
      firmName={props.firmName}
      signedIn
    >
      <p>
        <a href={workspacePath(workspace.id)}>Back to all questions</a>
      </p>
      <h1>{headline(facts)}</h1>
      {props.saved ? (
        <p class="notice" role="status">
          Thank you: your answer was sent to your accountant.
        </p>
      ) : null}
      <p class="status">{STATUS_WORDS[task.status] ?? task.status}</p>
      <Facts facts={facts} account={account} />
      <h2>Question from your accountant</h2>
      <p class="ask">
        {task.question ? (
          <Text>{task.question}</Text>
        ) : (
          'What was this for? Attach the receipt if you have it.'
        )}
      </p>
      {props.comments.length > 0 ? (
        <>
          <h2>What was said</h2>
          <ol class="conversation">
            {props.comments.map((c) => (
              <li>
                <span class="who">
                  {c.authorId === props.me ? 'You' : <Text>{c.authorName}</Text>},{' '}
                  <time datetime={c.createdAt.toISOString()}>{when.format(c.createdAt)} UTC</time>
                </span>
                <p>
                  <Text>{c.body}</Text>
                </p>
              </li>
            ))}
          </ol>
        </>
      ) : null}
      {props.files.length > 0 ? (
        <>
          <h2>Receipts</h2>
          <ul class="files">
            {props.files.map((f) => (
              <li>
                <a href={`${taskPath(workspace.id, task.id)}/files/${encodeURIComponent(f.id)}`} download>
                  <Text>{f.fileName}</Text>
                </a>{' '}
                ({kilobytes(f.size)})
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {props.mayAnswer ? (
        <form class="answer" method="post" action={answersPath(workspace.id)} enctype="multipart/form-data">
          <h2>{task.status === 'Open' ? 'Your answer' : 'Add to your answer'}</h2>
          <input type="hidden" name="taskId" value={task.id} />
          <input type="hidden" name="from" value="task" />
          <input type="hidden" name="submission" value={props.submission} />
          <AnswerFields accounts={props.accounts} chosen={task.clientAccountId} idPrefix="one" />
          <button type="submit">Send answer</button>
        </form>
      ) : (
        <p class="notice">Your accountant has finished with this question, so it can no longer be changed.</p>
      )}
    </Layout>
  );
}

export function HomePage(props: {
  firmName: string;
  workspaces: { id: string; name: string; open: number }[];
}) {
  return (
    <Layout title="Your questions" firmName={props.firmName} signedIn>
      <h1>Your questions</h1>
      {props.workspaces.length === 0 ? (
        <p>You have not been given access to a business yet. Ask your accountant to invite you.</p>
      ) : (
        <ul class="questions">
          {props.workspaces.map((w) => (
            <li class="q">
              <a href={workspacePath(w.id)}>
                <Text>{w.name}</Text>
              </a>
              : {w.open === 1 ? '1 question to answer' : `${w.open} questions to answer`}
            </li>
          ))}
        </ul>
      )}
    </Layout>
  );
}

/** A problem, as a page: what went wrong and what to do, with a way back. */
export function ProblemPage(props: { status: number; title: string; detail: string }) {
  return (
    <Layout title={props.title}>
      <h1>{props.title}</h1>
      <p class="problem">{props.detail}</p>
      {props.status === 401 ? (
        <p>
          <a href="/portal/sign-in">Sign in</a>
        </p>
      ) : (
        <p>
          Use your browser’s Back button to return to your answer, or{' '}
          <a href="/portal">go to your questions</a>.
        </p>
      )}
    </Layout>
  );
}
