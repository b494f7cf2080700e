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

/**
 * Chromium's trace of the categories named while `action` runs, collected over `cdp`; only the events
 * `keep` keeps, when given (a trace of a ten-minute run would not fit in memory whole).
 */
export async function traceDuring(
  cdp: CDPSession,
  categories: string[],
  action: () => Promise<void>,
  keep?: (event: TraceEvent) => boolean,
): Promise<TraceEvent[]> {
  const events: TraceEvent[] = [];
  const onData = (data: { value: object[] }) => {
    for (const e of data.value as TraceEvent[]) if (!keep || keep(e)) events.push(e);
  };
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

/** The renderers' main threads (pid:tid) named in a trace's metadata. */
export function rendererMainThreads(events: readonly TraceEvent[]): Set<string> {
  return new Set(
    events
      .filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
      .map((e) => `${e.pid}:${e.tid}`),
  );
}
