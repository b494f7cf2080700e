import type { BadgeState } from '@/lib/content/task-store';
import { STATUS_WORDS } from './labels';

/**
 * The single-transaction page's compact panel and the not-connected hint, drawn with plain DOM like
 * the badges: the content script loads on every Xero page, so it carries no component framework.
 * Everything shown is our own words or the background's plain-language message, set as text; text that
 * may carry Xero's words sits in a <bdi>, so its direction controls cannot reorder ours.
 */

export interface PanelActions {
  onPush: () => void;
  onOpenTask: (taskId: string) => void;
}

export interface PanelView {
  update(state: BadgeState): void;
}

const when = (at: number) =>
  new Date(at).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' });

function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string>,
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

/** The status line's content for a state (the same text and elements the panel always showed). */
function statusOf(state: BadgeState): Node[] {
  switch (state.kind) {
    case 'loading':
      return [element('span', { class: 'muted' }, 'Looking for a Client Task…')];
    case 'none':
      return [element('span', { class: 'muted' }, 'No Client Task for this transaction yet.')];
    case 'pending':
      return [element('span', { class: 'muted' }, 'Creating the Client Task…')];
    case 'failed':
      return [element('span', { class: 'problem' }, element('bdi', {}, state.message))];
    case 'other':
      return [element('span', { class: 'muted' }, element('bdi', {}, state.message))];
    case 'task': {
      const line = element('span', {}, 'Client Task: ', element('strong', {}, STATUS_WORDS[state.status]));
      const activity = state.latestActivity;
      if (activity)
        line.append(
          element(
            'span',
            { class: 'muted' },
            ' · ',
            element('bdi', {}, activity.text),
            `, ${when(activity.at)}`,
          ),
        );
      return [line];
    }
  }
}

/** The panel in `container`; `update` redraws it in place (the action button keeps focus). */
export function mountPanel(container: ParentNode, state: BadgeState, actions: PanelActions): PanelView {
  const status = element('div', { 'data-testid': 'panel-status', role: 'status' });
  const buttons = element('div', { class: 'actions' });
  const section = element(
    'section',
    { class: 'panel', 'aria-label': 'Client Hub' },
    element('h2', {}, 'Client Hub'),
    status,
    buttons,
  );
  let current = state;
  let button: HTMLButtonElement | undefined;
  // A page script's synthetic click must never push a transaction or open a tab.
  const onClick = (event: Event) => {
    if (!event.isTrusted) return;
    if (current.kind === 'none' || current.kind === 'failed') actions.onPush();
    else if (current.kind === 'task') actions.onOpenTask(current.taskId);
  };
  const update = (next: BadgeState) => {
    current = next;
    section.dataset.state = next.kind;
    status.replaceChildren(...statusOf(next));
    const label =
      next.kind === 'none'
        ? 'Push to Client Hub'
        : next.kind === 'failed'
          ? 'Try again'
          : next.kind === 'task'
            ? 'Open task'
            : null;
    if (label === null) {
      button?.remove();
      button = undefined;
      return;
    }
    if (!button) {
      button = element('button', { type: 'button' });
      button.addEventListener('click', onClick);
      buttons.append(button);
    }
    if (button.textContent !== label) button.textContent = label;
  };
  update(state);
  container.append(section);
  return { update };
}

/**
 * For admins only, once: this Xero company's transactions cannot become tasks until it is connected,
 * or (with `reason`) Client Hub is not sure which company the page shows, and says why.
 */
export function mountNotConnectedHint(container: ParentNode, onDismiss: () => void, reason?: string): void {
  const dismiss = element('button', { type: 'button', 'aria-label': 'Dismiss Client Hub hint' }, '×');
  dismiss.addEventListener('click', (event) => {
    if (event.isTrusted) onDismiss();
  });
  container.append(
    element(
      'aside',
      { class: 'hint', 'aria-label': 'Client Hub' },
      element(
        'span',
        {},
        reason ?? 'Client Hub: this Xero company is not connected. Connect it in Client Hub’s options.',
      ),
      dismiss,
    ),
  );
}
