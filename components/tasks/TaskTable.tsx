// biome-ignore-all lint/a11y/noRedundantRoles: the table, its row groups, rows and cells are laid out as grid boxes (tasks.css), and a browser may drop the table semantics of elements whose display changes; the roles keep them.
import { Component } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ClientTask } from '@/lib/sync/records';
import { isolated } from '@/lib/text/hostile';
import { Amount, XeroText } from '../XeroText';
import { ageInDays, days, type SortKey, transactionAgeInDays } from './data';

export const ROW_HEIGHT = 40;
const OVERSCAN = 6;

interface Props {
  rowCount: number;
  /** undefined: the row is not read yet (the full list is still loading). */
  rowAt: (index: number) => ClientTask | undefined;
  onShowRows: (first: number, last: number) => void;
  /** The rows are being read (aria-busy). */
  busy: boolean;
  /** Select-all can run (a large tab reads every task first). */
  canSelectAll: boolean;
  allSelected: boolean;
  selected: ReadonlySet<string>;
  onToggle: (taskId: string) => void;
  onToggleAll: () => void;
  onOpen: (taskId: string) => void;
  openTaskId: string | null;
  sort: SortKey;
  descending: boolean;
  onSort: (key: SortKey) => void;
  now: number;
  companyName: (tenantId: string) => string;
}

/**
 * A virtualised table: however many tasks the tab has, only the rows in view (plus a few) are in the
 * DOM. Rows are reachable by keyboard: arrows move, Enter opens the task, Space selects it.
 */
export function TaskTable(props: Props) {
  const { rowCount } = props;
  const viewport = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(560);
  // The first rows are drawn without the ones beyond the view, which follow once they are painted:
  // the first screen's style and layout is the longest task of the page's opening.
  const [overscan, setOverscan] = useState(0);
  const first = Math.max(0, Math.min(rowCount, Math.floor(scrollTop / ROW_HEIGHT) - overscan));
  const last = Math.min(rowCount, Math.ceil((scrollTop + height) / ROW_HEIGHT) + overscan);
  const drawn = last > first && props.rowAt(first) !== undefined;
  useEffect(() => {
    if (drawn) setOverscan(OVERSCAN);
  }, [drawn]);
  // Rows are keyed by a ring of slots (more slots than rows in the window), not by task: as the
  // window slides, the rows leaving one end are reused at the other with new contents, so a fling
  // creates and collects no elements. A row keeps its element for as long as it stays in view.
  const slots = Math.ceil(height / ROW_HEIGHT) + 2 * OVERSCAN + 2;
  const { onShowRows } = props;
  useEffect(() => onShowRows(first, last), [first, last, onShowRows]);

  // The viewport's height from a ResizeObserver, never read in the scroll handler (a read there,
  // after the last frame's rows were written, forces a layout).
  useEffect(() => {
    const box = viewport.current;
    if (!box) return;
    const observer = new ResizeObserver(() => setHeight(box.clientHeight));
    observer.observe(box);
    return () => observer.disconnect();
  }, []);
  // Scroll events are folded into one state update per frame.
  const frame = useRef(0);
  useEffect(() => () => cancelAnimationFrame(frame.current), []);
  const onScroll = () => {
    if (frame.current) return;
    frame.current = requestAnimationFrame(() => {
      frame.current = 0;
      const box = viewport.current;
      if (box) setScrollTop(box.scrollTop);
    });
  };

  const focusRow = (index: number) => {
    const box = viewport.current;
    if (!box || index < 0 || index >= rowCount) return;
    const top = index * ROW_HEIGHT;
    if (top < box.scrollTop) box.scrollTop = top;
    else if (top + ROW_HEIGHT > box.scrollTop + box.clientHeight)
      box.scrollTop = top + ROW_HEIGHT - box.clientHeight;
    setScrollTop(box.scrollTop);
    requestAnimationFrame(() => box.querySelector<HTMLElement>(`[data-index="${index}"]`)?.focus());
  };

  // One object for every row, its functions refreshed each render: memoised rows stay memoised.
  const actions = useRef<RowActions>({ open: props.onOpen, toggle: props.onToggle, focus: focusRow }).current;
  actions.open = props.onOpen;
  actions.toggle = props.onToggle;
  actions.focus = focusRow;

  const sortButton = (key: SortKey, label: string) => (
    <button
      type="button"
      class="sort"
      onClick={() => props.onSort(key)}
      aria-label={`Sort by ${label.toLowerCase()}`}
    >
      {label}
      {props.sort === key ? (props.descending ? ' ▼' : ' ▲') : ''}
    </button>
  );
  const ariaSort = (key: SortKey) =>
    props.sort === key ? (props.descending ? 'descending' : 'ascending') : 'none';

  return (
    <div class="task-table" ref={viewport} onScroll={onScroll} data-testid="task-table">
      <table role="table" aria-rowcount={rowCount + 1} aria-busy={props.busy}>
        <thead role="rowgroup">
          <tr role="row" aria-rowindex={1}>
            <th role="columnheader" scope="col" class="check">
              <input
                type="checkbox"
                aria-label="Select all tasks in this list"
                checked={props.allSelected}
                disabled={!props.canSelectAll}
                onChange={props.onToggleAll}
              />
            </th>
            <th role="columnheader" scope="col" aria-sort={ariaSort('date')}>
              {sortButton('date', 'Transaction date')}
            </th>
            <th role="columnheader" scope="col">
              Contact
            </th>
            <th role="columnheader" scope="col">
              Description
            </th>
            <th role="columnheader" scope="col" class="num" aria-sort={ariaSort('amount')}>
              {sortButton('amount', 'Amount')}
            </th>
            <th role="columnheader" scope="col">
              Bank account
            </th>
            <th role="columnheader" scope="col" class="num" aria-sort={ariaSort('age')}>
              {sortButton('age', 'Task waiting')}
            </th>
          </tr>
        </thead>
        <tbody role="rowgroup">
          {first > 0 && <tr class="spacer" style={{ height: `${first * ROW_HEIGHT}px` }} />}
          {Array.from({ length: last - first }, (_, offset) => {
            const index = first + offset;
            const task = props.rowAt(index);
            return task ? (
              <Row
                key={index % slots}
                index={index}
                task={task}
                selected={props.selected.has(task.id)}
                open={props.openTaskId === task.id}
                companyName={props.companyName(task.tenantId)}
                now={props.now}
                actions={actions}
              />
            ) : (
              <PendingRow key={index % slots} index={index} />
            );
          })}
          {last < rowCount && <tr class="spacer" style={{ height: `${(rowCount - last) * ROW_HEIGHT}px` }} />}
        </tbody>
      </table>
      {rowCount === 0 && !props.busy && <p class="muted empty">No tasks here.</p>}
    </div>
  );
}

/**
 * A component drawn again only when one of its props changes. (preact/compat's `memo` does the same,
 * but importing compat adds its hooks to every element the page creates.)
 */
abstract class Pure<P extends object> extends Component<P> {
  override shouldComponentUpdate(next: P): boolean {
    const props = this.props as P;
    for (const key in next) if (next[key] !== props[key]) return true;
    for (const key in props) if (!(key in next)) return true;
    return false;
  }
}

/** A row not read yet (the full list is still loading). */
class PendingRow extends Pure<{ index: number }> {
  override render({ index }: { index: number }) {
    return (
      <tr role="row" class="pending" aria-rowindex={index + 2}>
        <td role="cell" colSpan={7} class="muted">
          …
        </td>
      </tr>
    );
  }
}

interface RowActions {
  open: (taskId: string) => void;
  toggle: (taskId: string) => void;
  focus: (index: number) => void;
}

interface RowProps {
  index: number;
  task: ClientTask;
  selected: boolean;
  open: boolean;
  companyName: string;
  now: number;
  actions: RowActions;
}

/** One task's row: re-rendered only when what it shows changes, not on every scroll. */
class Row extends Pure<RowProps> {
  override render(props: RowProps) {
    return drawRow(props);
  }
}

/** A row's elements (a plain function, not a component of its own: one component per row is enough). */
function drawRow({ index, task, selected, open, companyName, now, actions }: RowProps) {
  const s = task.snapshot;
  const transactionAge = transactionAgeInDays(task, now);
  return (
    <tr
      role="row"
      data-index={index}
      data-task-id={task.id}
      aria-rowindex={index + 2}
      aria-selected={selected}
      class={open ? 'row open' : 'row'}
      tabIndex={0}
      onClick={() => actions.open(task.id)}
      onKeyDown={(e) => {
        if (e.target !== e.currentTarget) return;
        if (e.key === 'Enter') actions.open(task.id);
        else if (e.key === ' ') {
          e.preventDefault();
          actions.toggle(task.id);
        } else if (e.key === 'ArrowDown') {
          e.preventDefault();
          actions.focus(index + 1);
        } else if (e.key === 'ArrowUp') {
          e.preventDefault();
          actions.focus(index - 1);
        }
      }}
    >
      <td
        role="cell"
        class="check"
        onClick={(e) => e.stopPropagation()}
        onKeyDown={(e) => e.stopPropagation()}
      >
        <input
          type="checkbox"
          tabIndex={-1}
          aria-label={`Select ${s.contactName ? isolated(s.contactName) : 'task'} ${s.date}`}
          checked={selected}
          onChange={() => actions.toggle(task.id)}
        />
      </td>
      <td role="cell">
        {s.date}
        {transactionAge !== null && <span class="sub">{days(transactionAge)} ago</span>}
      </td>
      <td role="cell" class="clip" title={isolated(s.contactName)}>
        <XeroText text={s.contactName} />
        <XeroText class="company" text={companyName} />
      </td>
      <td role="cell" class="clip" title={isolated(s.description)}>
        <XeroText text={s.description} />
      </td>
      <td role="cell" class="num">
        <Amount amount={s.amount} currency={s.currency} />
      </td>
      <td role="cell" class="clip">
        <XeroText text={s.bankAccount.name} />
      </td>
      <td role="cell" class="num" title="Since Client Hub created this task">
        {days(ageInDays(task, now))}
      </td>
    </tr>
  );
}
