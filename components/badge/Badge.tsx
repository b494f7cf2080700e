import { useEffect, useRef, useState } from 'preact/hooks';
import type { BadgeState } from '@/lib/content/task-store';
import { STATUS_WORDS } from './labels';

export interface BadgeProps {
  state: BadgeState;
  onPush: () => void;
  onOpenTask: (taskId: string) => void;
}

/** Fixed-position popups: a table cell that clips its overflow cannot hide them. */
function below(element: HTMLElement | null): { top: string; left: string } {
  const rect = element?.getBoundingClientRect();
  return rect ? { top: `${rect.bottom + 4}px`, left: `${rect.left}px` } : { top: '0', left: '0' };
}

/**
 * One transaction's badge. Everything shown is our own words or the background's plain-language
 * message, rendered as text (Preact never parses strings as HTML).
 */
export function Badge({ state, onPush, onOpenTask }: BadgeProps) {
  const button = useRef<HTMLButtonElement>(null);
  const firstItem = useRef<HTMLButtonElement>(null);
  const [menuOpen, setMenuOpen] = useState(false);
  const [problemShown, setProblemShown] = useState(true);

  useEffect(() => {
    if (menuOpen) firstItem.current?.focus();
  }, [menuOpen]);
  useEffect(() => {
    if (state.kind === 'failed') setProblemShown(true);
    if (state.kind !== 'task') setMenuOpen(false);
  }, [state]);
  useEffect(() => {
    if (!menuOpen) return;
    // Scrolling would leave a fixed menu behind its badge.
    const close = () => setMenuOpen(false);
    window.addEventListener('scroll', close, { capture: true, once: true });
    return () => window.removeEventListener('scroll', close, { capture: true });
  }, [menuOpen]);

  const closeMenu = (refocus: boolean) => {
    setMenuOpen(false);
    if (refocus) button.current?.focus();
  };

  if (state.kind === 'loading') return null;
  if (state.kind === 'none') {
    return (
      <button type="button" class="badge push" data-state="none" onClick={onPush}>
        Push to Client Hub
      </button>
    );
  }
  if (state.kind === 'pending') {
    return (
      <button type="button" class="badge pending" data-state="pending" aria-disabled="true" aria-busy="true">
        Pushing to Client Hub…
      </button>
    );
  }
  if (state.kind === 'failed') {
    return (
      <>
        <button
          type="button"
          class="badge failed"
          data-state="failed"
          ref={button}
          onClick={onPush}
          aria-describedby="problem"
        >
          Push failed, try again
        </button>
        {problemShown && (
          <div class="problem" id="problem" role="alert" style={below(button.current)}>
            {state.message}
            <button type="button" class="close" aria-label="Dismiss" onClick={() => setProblemShown(false)}>
              ×
            </button>
          </div>
        )}
      </>
    );
  }
  const words = STATUS_WORDS[state.status];
  return (
    <span
      onFocusOut={(event) => {
        const next = event.relatedTarget;
        if (!(next instanceof Node) || !event.currentTarget.contains(next)) setMenuOpen(false);
      }}
    >
      <button
        type="button"
        class={`badge ${state.status}`}
        data-state="task"
        data-status={state.status}
        ref={button}
        title={`Client Task: ${words}`}
        aria-haspopup="menu"
        aria-expanded={menuOpen}
        onClick={() => setMenuOpen(!menuOpen)}
      >
        Task: {words}
      </button>
      {menuOpen && (
        <div
          class="menu"
          role="menu"
          aria-label="Client Task"
          style={below(button.current)}
          onKeyDown={(event) => {
            if (event.key === 'Escape' || event.key === 'Tab') closeMenu(event.key === 'Escape');
          }}
        >
          <button
            type="button"
            role="menuitem"
            ref={firstItem}
            onClick={() => {
              closeMenu(true);
              onOpenTask(state.taskId);
            }}
          >
            Open task
          </button>
        </div>
      )}
    </span>
  );
}
