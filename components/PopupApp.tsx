import { useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import type { ClientHubDb } from '@/lib/db/database';
import { readPopupView } from '@/lib/db/popup-view';
import { BackgroundError } from '@/lib/messaging/client';
import type { MessageError, ResponseOf } from '@/lib/messaging/contract';
import { ask } from '@/lib/messaging/extension';
import { BackgroundStatus } from './BackgroundStatus';
import { describeCheck } from './describe';
import { useLiveQuery } from './hooks/useLiveQuery';
import { PageReport } from './PageReport';
import { ProblemNotice } from './ProblemNotice';
import { XeroText } from './XeroText';

type SyncResult = ResponseOf<'sync.now'>;

/** Toolbar popup: connection health, open tasks per workspace, and "Check for new transactions". */
export function PopupApp({ db }: { db: ClientHubDb }) {
  const view = useLiveQuery(() => readPopupView(db), [db], { connections: [], openTasks: [] });
  const [checking, setChecking] = useState(false);
  const [result, setResult] = useState<SyncResult | null>(null);
  const [problem, setProblem] = useState<MessageError | null>(null);

  async function checkNow() {
    setChecking(true);
    setProblem(null);
    setResult(null);
    try {
      setResult(await ask({ type: 'sync.now' }));
    } catch (error) {
      setProblem(
        error instanceof BackgroundError
          ? error.detail
          : { code: 'unknown', message: 'Client Hub did not answer.' },
      );
    } finally {
      setChecking(false);
    }
  }

  const openTasksPage = () => void browser.tabs.create({ url: browser.runtime.getURL('/tasks.html') });

  return (
    <main class="popup">
      <h1>Client Hub</h1>
      {view.connections.length === 0 ? (
        <>
          <p class="muted">No Xero company is connected yet.</p>
          <p>
            <button type="button" onClick={() => void browser.runtime.openOptionsPage()}>
              Set up Xero integration
            </button>
          </p>
        </>
      ) : (
        <>
          <section aria-labelledby="health-heading">
            <h2 id="health-heading">Xero companies</h2>
            <ul class="plain">
              {view.connections.map((row) => (
                <li key={row.tenantId}>
                  <span
                    class={`health ${row.health.state === 'healthy' ? 'ok' : 'warn'}`}
                    role="img"
                    aria-label={row.health.state === 'healthy' ? 'Healthy' : 'Needs attention'}
                  >
                    {row.health.state === 'healthy' ? '✓' : '⚠'}
                  </span>
                  <XeroText text={row.organisation?.name ?? row.tenantName} />
                  {row.health.problem && <div class="muted">{row.health.problem.title}</div>}
                </li>
              ))}
            </ul>
          </section>
          <section aria-labelledby="tasks-heading">
            <h2 id="tasks-heading">Open Client Tasks</h2>
            {view.openTasks.length === 0 ? (
              <p class="muted">No open tasks.</p>
            ) : (
              <ul class="plain" data-testid="open-tasks">
                {view.openTasks.map((w) => (
                  <li key={w.workspaceId}>
                    <XeroText text={w.name} />: {w.open} open
                    {w.answered > 0 ? `, ${w.answered} answered` : ''}
                  </li>
                ))}
              </ul>
            )}
            <p>
              <button type="button" onClick={openTasksPage}>
                Open Client Tasks
              </button>
            </p>
          </section>
          <p>
            <button type="button" class="primary" onClick={checkNow} disabled={checking}>
              {checking ? 'Checking…' : 'Check for new transactions'}
            </button>
          </p>
          <div aria-live="polite">
            {result && (
              <ul class="plain" role="status">
                {result.runs.map((run) => (
                  <li key={run.tenantId}>
                    <XeroText text={run.name} />: {describeCheck(run)}
                  </li>
                ))}
              </ul>
            )}
          </div>
          {problem && <ProblemNotice problem={problem} />}
        </>
      )}
      <PageReport />
      <BackgroundStatus />
    </main>
  );
}
