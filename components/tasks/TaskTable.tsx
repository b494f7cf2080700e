import { useEffect, useRef, useState } from 'preact/hooks';
import type { ClientTask } from '@/lib/sync/records';
import { ageInDays, money, type SortKey } from './data';

export const ROW_HEIGHT = 40;
const OVERSCAN = 8;

interface Props {
  rowCount: number;
  /** undefined: the row is not read yet (the full list is still loading). */
  rowAt: (index: number) => ClientTask | undefined;
  onShowRows: (first: number, last: number) => void;
  /** Every row is read: select-all can run. */
  complete: boolean;
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
  const first = Math.max(0, Math.min(rowCount, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN));
  const last = Math.min(rowCount, Math.ceil((scrollTop + height) / ROW_HEIGHT) + OVERSCAN);
  const { onShowRows } = props;
  useEffect(() => onShowRows(first, last), [first, last, onShowRows]);

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
    <div
      class="task-table"
      ref={viewport}
      onScroll={(e) => {
        const box = e.currentTarget as HTMLDivElement;
        setScrollTop(box.scrollTop);
        if (box.clientHeight !== height) setHeight(box.clientHeight);
      }}
      data-testid="task-table"
    >
      <table aria-rowcount={rowCount + 1} aria-busy={!props.complete}>
        <thead>
          <tr aria-rowindex={1}>
            <th scope="col" class="check">
              <input
                type="checkbox"
                aria-label="Select all tasks in this list"
                checked={props.allSelected}
                disabled={!props.complete}
                onChange={props.onToggleAll}
              />
            </th>
            <th scope="col" aria-sort={ariaSort('date')}>
              {sortButton('date', 'Date')}
            </th>
            <th scope="col">Contact</th>
            <th scope="col">Description</th>
            <th scope="col" class="num" aria-sort={ariaSort('amount')}>
              {sortButton('amount', 'Amount')}
            </th>
            <th scope="col">Bank account</th>
            <th scope="col" class="num" aria-sort={ariaSort('age')}>
              {sortButton('age', 'Age')}
            </th>
          </tr>
        </thead>
        <tbody>
          {first > 0 && <tr class="spacer" style={{ height: `${first * ROW_HEIGHT}px` }} />}
          {Array.from({ length: last - first }, (_, offset) => {
            const index = first + offset;
            const task = props.rowAt(index);
            if (!task) {
              return (
                <tr
                  key={`pending-${index}`}
                  class="pending"
                  aria-rowindex={index + 2}
                  style={{ height: `${ROW_HEIGHT}px` }}
                >
                  <td colSpan={7} class="muted">
                    …
                  </td>
                </tr>
              );
            }
            const s = task.snapshot;
            return (
              <tr
                key={task.id}
                data-index={index}
                data-task-id={task.id}
                aria-rowindex={index + 2}
                aria-selected={props.selected.has(task.id)}
                class={props.openTaskId === task.id ? 'row open' : 'row'}
                tabIndex={0}
                onClick={() => props.onOpen(task.id)}
                onKeyDown={(e) => {
                  if (e.target !== e.currentTarget) return;
                  if (e.key === 'Enter') props.onOpen(task.id);
                  else if (e.key === ' ') {
                    e.preventDefault();
                    props.onToggle(task.id);
                  } else if (e.key === 'ArrowDown') {
                    e.preventDefault();
                    focusRow(index + 1);
                  } else if (e.key === 'ArrowUp') {
                    e.preventDefault();
                    focusRow(index - 1);
                  }
                }}
                style={{ height: `${ROW_HEIGHT}px` }}
              >
                <td class="check" onClick={(e) => e.stopPropagation()} onKeyDown={(e) => e.stopPropagation()}>
                  <input
                    type="checkbox"
                    tabIndex={-1}
                    aria-label={`Select ${s.contactName || 'task'} ${s.date}`}
                    checked={props.selected.has(task.id)}
                    onChange={() => props.onToggle(task.id)}
                  />
                </td>
                <td>{s.date}</td>
                <td class="clip" title={s.contactName}>
                  {s.contactName}
                  <span class="company">{props.companyName(task.tenantId)}</span>
                </td>
                <td class="clip" title={s.description}>
                  {s.description}
                </td>
                <td class="num">{money(s.amount, s.currency)}</td>
                <td class="clip">{s.bankAccount.name}</td>
                <td class="num">{ageInDays(task, props.now)} d</td>
              </tr>
            );
          })}
          {last < rowCount && <tr class="spacer" style={{ height: `${(rowCount - last) * ROW_HEIGHT}px` }} />}
        </tbody>
      </table>
      {rowCount === 0 && props.complete && <p class="muted empty">No tasks here.</p>}
    </div>
  );
}
