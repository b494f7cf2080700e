import { type BadgeState, LOADING } from '@/lib/content/task-store';
import type { SuggestionView } from '@/lib/messaging/page-contract';
import css from './badge.css?inline';
import { STATUS_WORDS } from './labels';
import { SHADOW_MODE, stylerFor } from './shadow';

const SHADOW_INIT: ShadowRootInit = { mode: SHADOW_MODE };

/**
 * Transaction badges, drawn with a few DOM nodes each: a list page has 1,000+ of them, so there is no
 * component framework per row, no listener per row and no layout read per row. Every row that links
 * to a transaction gets its fixed-size host at once, with its shadow root (which Xero's CSS cannot
 * reach, sharing one constructable stylesheet) and its button, hidden and empty; the badge is drawn
 * (styled, its words set) once its status is known, in slices, a few hundred rows at a time. Every
 * badge is drawn ahead of the reader, not as rows scroll into view: a frame that draws badges makes
 * Chromium walk the whole page to pre-paint it (5-10 ms a frame on a 1,000-row list), so drawing
 * while scrolling made every scrolled frame of a 1,000-row list a long task, and drawing ahead makes
 * scrolling cost what it costs without us.
 *
 * Drawing never adds or removes a node in the shadow root, it only changes the button: Chromium then
 * lays out the host alone (a relayout boundary: contained, positioned), while a node added to a host
 * that had none, or a shadow root attached late, makes it lay out Xero's whole table again (every row,
 * 50-150 ms for 1,000 rows on a busy machine).
 * Clicks and keys are handled by one set of listener functions, trusted events only: one listener on
 * the document hears every badge's clicks (a click in a closed root reaches it as a click on the
 * host), and a badge's root listens to clicks, keys and focus only while its menu or problem is open.
 * A row's state is fields of one object per row, not closures: drawing 1,000 badges allocates little.
 * Everything shown is our own words or the background's plain-language message, set as text, never
 * as HTML.
 */

export interface BadgeActions {
  /** The transaction a row's link points to, read once when it is mounted. null: not a transaction link. */
  transactionOf(anchor: Element): string | null;
  /** What the badge shows when drawn; later changes come through its view's `update`. */
  stateOf(bankTransactionId: string): BadgeState;
  push(bankTransactionId: string): void;
  openTask(taskId: string): void;
  /** The task's suggested account, asked for when its menu opens (never at page load). */
  suggestionFor?(taskId: string): Promise<SuggestionView | null>;
}

/** The suggestion in the menu: the account in bold, then the evidence, all set as text. */
function suggestionNodes(suggestion: SuggestionView | null): Node[] {
  if (!suggestion?.account) return [document.createTextNode(suggestion?.evidence ?? 'No suggested account.')];
  const words = [suggestion.account.code, suggestion.account.name].filter(Boolean).join(' ');
  const title = element(
    'strong',
    {},
    suggestion.confidence === 'high' ? `Suggested: ${words}` : `Possibly ${words}`,
  );
  return [title, document.createTextNode(suggestion.evidence)];
}

/** A drawn badge, for the code that follows its transaction's status. */
export interface DrawnBadge {
  readonly bankTransactionId: string;
  update(state: BadgeState): void;
}

export interface Badges {
  /**
   * An empty, fixed-size host beside `anchor`, its badge hidden until drawn; null (nothing mounted)
   * when the link names no transaction.
   */
  mount(anchor: Element): MountedRow | null;
  /** Draws a mounted row's badge with its transaction's status; null when already drawn or gone. */
  draw(row: MountedRow): DrawnBadge | null;
}

/** A mounted row, before its badge is drawn. */
export interface MountedRow {
  readonly bankTransactionId: string;
}

export const BADGE_TAG = 'client-hub-badge';

/*
 * The host (styled by badge.css's :host rule) is a float at the right end of the link's cell, placed
 * before the link: the link's text makes room for it (Xero's cells cut long text short with an
 * ellipsis) instead of being covered.
 * It is 1px tall, so rows keep their height, and it never widens a column of a fixed-layout table
 * (Xero's legacy tables). The badge, sized to its words so they are never cut off, is drawn from
 * it leftwards, inside the cell (Xero's cells clip what overflows them), in a neat column down the
 * table. Layout and size containment keep a badge's redraw from re-laying out Xero's table (not
 * paint containment: it would clip the badge to its host). Containment is lifted while a popup is
 * open (`data-open`): it would pin the popup (position: fixed) to the badge.
 */

/** Fixed-position popups: a table cell that clips its overflow cannot hide them. Read once, on open. */
function placeBelow(popup: HTMLElement, button: HTMLElement) {
  const rect = button.getBoundingClientRect();
  popup.style.top = `${rect.bottom + 4}px`;
  popup.style.left = `${rect.left}px`;
}

const BUTTON_ATTRIBUTES = [
  'aria-disabled',
  'aria-busy',
  'aria-describedby',
  'aria-haspopup',
  'aria-expanded',
  'title',
] as const;

let buttonTemplate: HTMLButtonElement | undefined;
/**
 * `<button type="button">`, cloned for every row. An undrawn (or loading) badge's button is there, so
 * drawing adds no node, but it is neither seen nor focusable: without the class `badge` it keeps the
 * host's `visibility: hidden`.
 */
function freshButton(): HTMLButtonElement {
  buttonTemplate ??= element('button', { type: 'button' });
  return buttonTemplate.cloneNode(false) as HTMLButtonElement;
}

function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string>,
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

/** What every row of one page view shares: one object, so 1,000 rows cost no closures. */
interface Shared {
  readonly actions: BadgeActions;
  /** A row's menu or problem opened or closed: its root listens to keys, focus and clicks meanwhile. */
  listenWhileOpen(row: RowBadge, open: boolean): void;
}

/**
 * One row: until drawn, a fixed-size host with its hidden button; once drawn, its badge. A class, so
 * 1,000 rows cost no closures: a row's state is fields, its behaviour the prototype's, and a popup's
 * parts exist only while one is open.
 */
class RowBadge implements DrawnBadge, MountedRow {
  drawn = false;
  state: BadgeState = LOADING;
  /** Whether the button shows a state (it is hidden while loading). */
  shown = false;
  popup: HTMLElement | undefined;
  menuItem: HTMLButtonElement | undefined;
  closeOnScroll: ((event: Event) => void) | undefined;
  constructor(
    readonly host: HTMLElement,
    readonly root: ShadowRoot,
    readonly button: HTMLButtonElement,
    readonly bankTransactionId: string,
    readonly shared: Shared,
  ) {}

  update(next: BadgeState) {
    if (!this.drawn) return;
    const previous = this.state;
    this.state = next;
    this.render(previous, next);
  }

  remove() {
    this.closePopup();
    this.host.remove();
  }

  closePopup() {
    const closing = this.popup;
    if (!closing) return;
    this.popup = undefined;
    this.menuItem = undefined;
    if (this.closeOnScroll) window.removeEventListener('scroll', this.closeOnScroll, { capture: true });
    this.closeOnScroll = undefined;
    this.shared.listenWhileOpen(this, false);
    this.host.removeAttribute('data-open');
    if (this.state.kind === 'task') this.button.setAttribute('aria-expanded', 'false');
    // Last: removing a focused element fires focusout, which calls back in here.
    closing.remove();
  }

  openPopup(node: HTMLElement) {
    this.closePopup();
    if (!this.shown) return;
    this.host.setAttribute('data-open', '');
    this.shared.listenWhileOpen(this, true);
    this.popup = node;
    this.root.append(node);
    placeBelow(node, this.button);
  }

  openMenu() {
    const state = this.state;
    if (!this.shown || state.kind !== 'task') return;
    const { actions } = this.shared;
    const item = element('button', { type: 'button', role: 'menuitem' }, 'Open task');
    const menu = element('div', { class: 'menu', role: 'menu', 'aria-label': 'Client Task' });
    menu.append(item);
    if (actions.suggestionFor) {
      const note = element(
        'p',
        { class: 'suggestion', 'data-testid': 'badge-suggestion' },
        'Looking for a suggested account…',
      );
      menu.append(note);
      actions.suggestionFor(state.taskId).then(
        (suggestion) => note.replaceChildren(...suggestionNodes(suggestion)),
        () => note.replaceChildren('No suggested account.'),
      );
    }
    this.openPopup(menu);
    this.menuItem = item;
    this.button.setAttribute('aria-expanded', 'true');
    // Scrolling would leave a fixed menu behind its badge. Listened from the next frame: the scroll
    // that brought the badge into view (focusing it) is reported at the next frame, and is not one.
    const close = (event: Event) => {
      if (event.isTrusted) this.closePopup();
    };
    this.closeOnScroll = close;
    requestAnimationFrame(() => {
      if (this.closeOnScroll === close) window.addEventListener('scroll', close, { capture: true });
    });
    item.focus();
  }

  closeMenu(refocus: boolean) {
    if (!this.menuItem) return;
    // Focus moves first, so it never falls to the page when the menu goes.
    if (refocus) this.button.focus();
    this.closePopup();
  }

  showProblem(message: string, note = false) {
    // The message may name a Xero company or contact: isolated, so its direction controls stay inside.
    const problem = element('div', {
      class: note ? 'problem note' : 'problem',
      id: 'problem',
      role: note ? 'status' : 'alert',
    });
    problem.append(element('bdi', {}, message));
    problem.append(element('button', { type: 'button', class: 'close', 'aria-label': 'Dismiss' }, '×'));
    this.openPopup(problem);
  }

  render(previous: BadgeState, next: BadgeState) {
    const button = this.button;
    if (next.kind === 'loading') {
      if (!this.shown) return;
      this.closePopup();
      this.shown = false;
      for (const name of BUTTON_ATTRIBUTES) button.removeAttribute(name);
      button.removeAttribute('data-state');
      button.className = '';
      button.textContent = '';
      return;
    }
    const same =
      previous.kind === next.kind &&
      (next.kind !== 'task' ||
        (previous.kind === 'task' && previous.status === next.status && previous.taskId === next.taskId)) &&
      (next.kind !== 'other' || (previous.kind === 'other' && previous.message === next.message)) &&
      next.kind !== 'failed';
    // Unchanged (e.g. asked again after a task changed elsewhere): an open note stays open.
    if (same && this.shown) return;
    if (this.shown) {
      // A failure's problem and a task's menu belong to the state that opened them.
      if (this.popup && !(next.kind === 'task' && previous.kind === 'task' && this.menuItem))
        this.closePopup();
      for (const name of BUTTON_ATTRIBUTES) button.removeAttribute(name);
    } else {
      // A hidden button (the common case: 1,000 rows' first draw) has no attributes to clear.
      this.shown = true;
    }
    button.setAttribute('data-state', next.kind);
    if (next.kind === 'none') {
      button.className = 'badge push';
      button.textContent = 'Push to Client Hub';
    } else if (next.kind === 'pending') {
      button.className = 'badge pending';
      button.setAttribute('aria-disabled', 'true');
      button.setAttribute('aria-busy', 'true');
      button.textContent = 'Pushing to Client Hub…';
    } else if (next.kind === 'failed') {
      button.className = 'badge failed';
      if (next.whileReading) {
        // Every row of the page at once (e.g. the extension was updated): no problem opens in each
        // row; the title and a click say why.
        button.title = next.message;
        button.textContent = 'Status not available';
      } else {
        button.setAttribute('aria-describedby', 'problem');
        button.textContent = 'Push failed, try again';
        this.showProblem(next.message);
      }
    } else if (next.kind === 'other') {
      // Says what the row is; a click shows the whole sentence, nothing is pushed.
      button.className = 'badge other';
      button.title = next.message;
      button.textContent = next.label;
    } else {
      const words = STATUS_WORDS[next.status];
      // The status is in the class (the stylesheet's colours): no attribute of its own to write.
      button.className = `badge ${next.status}`;
      button.title = `Client Task: ${words}`;
      button.setAttribute('aria-haspopup', 'menu');
      button.setAttribute('aria-expanded', String(this.menuItem !== undefined));
      button.textContent = `Task: ${words}`;
    }
  }

  click(target: EventTarget | null) {
    if (!(target instanceof Element)) return;
    const state = this.state;
    if (target === this.button) {
      // A row that is not pushable, or whose status could not be read, says why; nothing is pushed.
      if (state.kind === 'other' || (state.kind === 'failed' && state.whileReading))
        this.showProblem(state.message, true);
      else if (state.kind === 'none' || state.kind === 'failed')
        this.shared.actions.push(this.bankTransactionId);
      else if (state.kind === 'task') {
        if (this.menuItem) this.closeMenu(false);
        else this.openMenu();
      }
    } else if (target === this.menuItem && state.kind === 'task') {
      this.closeMenu(true);
      this.shared.actions.openTask(state.taskId);
    } else if (target.closest('.close')) {
      this.closePopup();
    }
  }

  keydown(event: KeyboardEvent) {
    const target = event.target;
    if (!this.menuItem || !(target instanceof Element) || !target.closest('.menu')) return;
    if (event.key === 'Escape' || event.key === 'Tab') this.closeMenu(event.key === 'Escape');
  }
}

/**
 * The badges of one page view. Their listeners and elements go when `signal` aborts (in-app
 * navigation, the extension reloading).
 */
export function createBadges(actions: BadgeActions, signal: AbortSignal): Badges {
  /** Drawn rows by host, for the page's clicks on them; every row, for cleaning up. */
  const drawnRows = new Map<EventTarget, RowBadge>();
  const rows: RowBadge[] = [];
  const template = document.createElement(BADGE_TAG);
  const style = stylerFor(css);

  // Only the browser's own events count: a page script can dispatch clicks and keys, even on our
  // buttons, and they must never push a transaction or open a tab.
  // A drawn badge with nothing open shows its button alone, and a click inside a (closed) shadow root
  // reaches the document as a click on its host: one listener for the page's 1,000 badges, none per row.
  /** The click the document's listener handled: a menu it opened listens in its root from now on. */
  let handledOnTheWay: Event | undefined;
  const onPageClick = (event: Event) => {
    if (!event.isTrusted || !event.target) return;
    const row = drawnRows.get(event.target);
    // A row with its menu or problem open hears its clicks in its root (which part was clicked).
    if (!row || row.popup) return;
    handledOnTheWay = event;
    row.click(row.button);
  };
  document.addEventListener('click', onPageClick, { capture: true, signal });
  // These listen on our own roots alone, while a popup is open.
  const rowOf = (event: Event) =>
    event.isTrusted ? drawnRows.get((event.currentTarget as ShadowRoot).host) : undefined;
  // A click that opened a menu goes on down to the menu's root, which listens by then: not twice.
  const onOpenClick = (event: Event) => {
    if (event !== handledOnTheWay) rowOf(event)?.click(event.target);
  };
  const onKeyDown = (event: Event) => {
    if (event instanceof KeyboardEvent) rowOf(event)?.keydown(event);
  };
  const onFocusOut = (event: Event) => {
    const row = rowOf(event);
    // Focus moving within the badge (button to menu) is not leaving it.
    const to = (event as FocusEvent).relatedTarget;
    if (row && !(to instanceof Node && row.root.contains(to))) row.closeMenu(false);
  };
  const shared: Shared = {
    actions,
    listenWhileOpen(row, open) {
      const method = open ? 'addEventListener' : 'removeEventListener';
      row.root[method]('click', onOpenClick);
      row.root[method]('keydown', onKeyDown);
      row.root[method]('focusout', onFocusOut);
    },
  };
  signal.addEventListener(
    'abort',
    () => {
      for (const row of rows) row.remove();
      rows.length = 0;
      drawnRows.clear();
    },
    { once: true },
  );

  return {
    mount(anchor) {
      const bankTransactionId = actions.transactionOf(anchor);
      if (!bankTransactionId) return null;
      const host = template.cloneNode(false) as HTMLElement;
      // The host goes in with its root, stylesheet and hidden button, in the same task as the rows
      // mounted with it: one layout of Xero's table for them all, none when a badge is drawn (see
      // the top of this file). insertBefore and appendChild, not before() and append(): a single
      // node, without the variadic methods' conversions, 1,000 times a page.
      const root = host.attachShadow(SHADOW_INIT);
      const button = freshButton();
      root.appendChild(button);
      anchor.parentNode?.insertBefore(host, anchor);
      // Adopted once connected: cheaper then.
      style(root);
      const row = new RowBadge(host, root, button, bankTransactionId, shared);
      rows.push(row);
      return row;
    },
    draw(mounted) {
      const row = mounted as RowBadge;
      if (row.drawn || !row.host.isConnected || signal.aborted) return null;
      row.drawn = true;
      drawnRows.set(row.host, row);
      row.update(actions.stateOf(row.bankTransactionId));
      return row;
    },
  };
}
