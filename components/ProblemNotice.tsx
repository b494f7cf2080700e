import type { MessageError } from '@/lib/messaging/contract';

type ProblemLike = Pick<MessageError, 'message'> &
  Partial<Pick<MessageError, 'title' | 'action' | 'supportDetail'>>;

/** A problem in plain words: what went wrong, what to do next, and a detail to copy for support. */
export function ProblemNotice({ problem, id }: { problem: ProblemLike; id?: string }) {
  return (
    <div class="notice problem" role="alert" id={id}>
      {problem.title && <strong>{problem.title}. </strong>}
      <span>{problem.message}</span>
      {problem.action && <p class="action">{problem.action}</p>}
      {problem.supportDetail && (
        <details>
          <summary>Details for support</summary>
          <code>{problem.supportDetail}</code>
        </details>
      )}
    </div>
  );
}
