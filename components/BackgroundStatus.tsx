import { useEffect, useState } from 'preact/hooks';
import type { BackgroundStatus as Status } from '@/lib/messaging/contract';
import { ask } from '@/lib/messaging/extension';

/** Shows whether the background answers, and which Xero this build talks to. */
export function BackgroundStatus() {
  const [status, setStatus] = useState<Status | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    ask({ type: 'background.status' }).then(setStatus, (error: Error) => setProblem(error.message));
  }, []);
  if (problem)
    return (
      <p class="notice problem" role="alert">
        Client Hub’s background is not answering: {problem}
      </p>
    );
  if (!status) return <p class="muted">Checking Client Hub’s background…</p>;
  return (
    <p class="muted" data-testid="background-status">
      Background running · version {status.version} ·{' '}
      {status.target === 'sandbox' ? `Xero sandbox at ${status.xeroAppUrl}` : 'Xero'}
    </p>
  );
}
