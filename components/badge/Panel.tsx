import type { BadgeState } from '@/lib/content/task-store';
import { STATUS_WORDS } from './labels';

export interface PanelProps {
  state: BadgeState;
  onPush: () => void;
  onOpenTask: (taskId: string) => void;
}

const when = (at: number) =>
  new Date(at).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' });

/** The single-transaction page's compact panel: the task's status and latest activity. */
export function Panel({ state, onPush, onOpenTask }: PanelProps) {
  return (
    <section class="panel" aria-label="Client Hub" data-state={state.kind}>
      <h2>Client Hub</h2>
      <div data-testid="panel-status" role="status">
        {state.kind === 'loading' && <span class="muted">Looking for a Client Task…</span>}
        {state.kind === 'none' && <span class="muted">No Client Task for this transaction yet.</span>}
        {state.kind === 'pending' && <span class="muted">Creating the Client Task…</span>}
        {state.kind === 'failed' && <span class="problem">{state.message}</span>}
        {state.kind === 'task' && (
          <span>
            Client Task: <strong>{STATUS_WORDS[state.status]}</strong>
            {state.latestActivity && (
              <span class="muted">
                {' '}
                · {state.latestActivity.text}, {when(state.latestActivity.at)}
              </span>
            )}
          </span>
        )}
      </div>
      <div class="actions">
        {(state.kind === 'none' || state.kind === 'failed') && (
          <button type="button" onClick={onPush}>
            {state.kind === 'failed' ? 'Try again' : 'Push to Client Hub'}
          </button>
        )}
        {state.kind === 'task' && (
          <button type="button" onClick={() => onOpenTask(state.taskId)}>
            Open task
          </button>
        )}
      </div>
    </section>
  );
}

/** For admins only, once: this Xero company's transactions cannot become tasks until it is connected. */
export function NotConnectedHint({ onDismiss }: { onDismiss: () => void }) {
  return (
    <aside class="hint" aria-label="Client Hub">
      <span>Client Hub: this Xero company is not connected. Connect it in Client Hub’s options.</span>
      <button type="button" onClick={onDismiss} aria-label="Dismiss Client Hub hint">
        ×
      </button>
    </aside>
  );
}
