import type { CDPSession } from 'playwright-core';

/** The fields of Chromium's trace events the benchmarks read. */
export interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  /** Thread time: how long the thread really ran (not waiting for a core). */
  tdur?: number;
  pid: number;
  tid: number;
  args?: {
    name?: string;
    data?: { url?: string; functionName?: string };
    // Layout events: a partial layout starts at a relayout boundary, not the document.
    beginData?: { partialLayout?: boolean; dirtyObjects?: number; totalObjects?: number };
  };
}

/** Chromium's trace of the categories named while `action` runs, collected over `cdp`. */
export async function traceDuring(
  cdp: CDPSession,
  categories: string[],
  action: () => Promise<void>,
): Promise<TraceEvent[]> {
  const events: TraceEvent[] = [];
  const onData = (data: { value: object[] }) => events.push(...(data.value as TraceEvent[]));
  cdp.on('Tracing.dataCollected', onData);
  await cdp.send('Tracing.start', {
    transferMode: 'ReportEvents',
    traceConfig: { includedCategories: categories },
  });
  try {
    await action();
  } finally {
    const done = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()));
    await cdp.send('Tracing.end');
    await done;
    cdp.off('Tracing.dataCollected', onData);
  }
  return events;
}
