import { rendererMainThreads, type TraceEvent } from './trace';

/** A CPU profile as the DevTools protocol's Profiler.stop gives it (times in microseconds). */
export interface CpuProfile {
  nodes: {
    id: number;
    parent?: number;
    children?: number[];
    callFrame: { functionName: string; url: string; lineNumber: number };
  }[];
  startTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

/** Which kind of work a trace event's own time is: the columns of the breakdown. */
const KINDS: [string, RegExp][] = [
  ['gc', /GC|^V8\.GCScavenger|^BlinkGC/],
  ['style', /^(UpdateLayoutTree|RecalculateStyles|ParseAuthorStyleSheet|StyleRecalc)/],
  ['layout', /^(Layout|UpdateLayout|ResizeObserver|IntersectionObserver)/],
  ['paint', /^(Paint|PrePaint|Layerize|UpdateLayerTree|Commit|CompositeLayers|Decode|Raster)/],
  ['parse', /^(ParseHTML|ParseHtml)/],
  [
    'script',
    /^(FunctionCall|EvaluateScript|RunMicrotasks|TimerFire|FireAnimationFrame|FireIdleCallback|EventDispatch|v8\.|V8\.|V8Console|CompileScript|CompileModule|EvaluateModule)/,
  ],
];
const kindOf = (name: string) => KINDS.find(([, pattern]) => pattern.test(name))?.[0] ?? 'other';

interface Timed {
  event: TraceEvent;
  self: number;
}

/** Each complete event's own time on its thread (its duration less its direct children's). */
function ownTimes(list: TraceEvent[]): Timed[] {
  const sorted = [...list].sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
  const out: Timed[] = [];
  const stack: Timed[] = [];
  for (const event of sorted) {
    const end = event.ts + (event.dur ?? 0);
    while (stack.length > 0) {
      const top = stack.at(-1) as Timed;
      if (event.ts >= top.event.ts + (top.event.dur ?? 0) || end > top.event.ts + (top.event.dur ?? 0))
        stack.pop();
      else break;
    }
    const timed = { event, self: event.dur ?? 0 };
    const parent = stack.at(-1);
    if (parent) parent.self -= event.dur ?? 0;
    stack.push(timed);
    out.push(timed);
  }
  return out;
}

/** Each sample of a CPU profile, with its time (on the trace's clock) and its stack's frames. */
function samplesOf(profile: CpuProfile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parentOf = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parentOf.set(c, n.id);
  const label = (id: number) => {
    const f = byId.get(id)?.callFrame;
    return f ? `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber + 1}` : '?';
  };
  const out: { ts: number; dur: number; self: string; stack: string[] }[] = [];
  let ts = profile.startTime;
  const samples = profile.samples ?? [];
  samples.forEach((id, i) => {
    ts += profile.timeDeltas?.[i] ?? 0;
    const dur = profile.timeDeltas?.[i + 1] ?? 0;
    const stack: string[] = [];
    for (let at: number | undefined = id; at !== undefined; at = byId.get(at)?.parent ?? parentOf.get(at))
      stack.push(label(at));
    out.push({ ts, dur, self: label(id), stack });
  });
  return out;
}

const top = (m: Map<string, number>, n: number) =>
  [...m]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .filter(([, us]) => us >= 500)
    .map(([k, us]) => `${k} ${(us / 1000).toFixed(1)}`)
    .join('; ');

/** The complete events of each renderer main thread (pid:tid) in a trace. */
export function mainThreadEvents(events: readonly TraceEvent[]): Map<string, TraceEvent[]> {
  const main = rendererMainThreads(events);
  const byThread = new Map<string, TraceEvent[]>();
  for (const e of events) {
    const key = `${e.pid}:${e.tid}`;
    if (e.ph !== 'X' || e.dur === undefined || !main.has(key)) continue;
    const list = byThread.get(key);
    if (list) list.push(e);
    else byThread.set(key, [e]);
  }
  return byThread;
}

/**
 * Every task of the page's main thread longer than `minMs` (outermost only), split into the kinds of
 * work it did (script, style, layout, paint, gc, other: own time in ms) and, from a CPU profile taken
 * meanwhile, the functions it ran: self time, and time with callees ("in", the callers that held it).
 */
export function printTaskBreakdown(
  title: string,
  events: TraceEvent[],
  profile: CpuProfile | null,
  minMs: number,
  from: number,
) {
  const byThread = mainThreadEvents(events);
  const samples = profile ? samplesOf(profile) : [];
  const lines: string[] = [];
  for (const list of byThread.values()) {
    const timed = ownTimes(list);
    let outerEnd = 0;
    for (const { event: task } of timed) {
      if (!/RunTask$/.test(task.name) || task.ts < outerEnd) continue;
      const end = task.ts + (task.dur ?? 0);
      outerEnd = end;
      if ((task.dur ?? 0) <= minMs * 1000) continue;
      const kinds = new Map<string, number>();
      const names = new Map<string, number>();
      for (const t of timed) {
        if (t.event.ts < task.ts || t.event.ts >= end) continue;
        const fn = t.event.args?.data?.functionName || t.event.args?.data?.url?.split('/').pop();
        const kind = /RunTask$/.test(t.event.name) ? 'other' : kindOf(t.event.name);
        kinds.set(kind, (kinds.get(kind) ?? 0) + t.self);
        const name = fn ? `${t.event.name} ${fn}` : t.event.name;
        names.set(name, (names.get(name) ?? 0) + t.self);
      }
      const self = new Map<string, number>();
      const inclusive = new Map<string, number>();
      for (const s of samples) {
        if (s.ts < task.ts || s.ts >= end) continue;
        self.set(s.self, (self.get(s.self) ?? 0) + s.dur);
        for (const frame of new Set(s.stack))
          if (!frame.startsWith('(root)') && !frame.startsWith('(program)'))
            inclusive.set(frame, (inclusive.get(frame) ?? 0) + s.dur);
      }
      const kindText = [...kinds]
        .sort((a, b) => b[1] - a[1])
        .filter(([, us]) => us >= 500)
        .map(([k, us]) => `${k} ${(us / 1000).toFixed(0)}`)
        .join(', ');
      lines.push(
        `  at ${((task.ts - from) / 1000).toFixed(0)} ms: ${((task.dur ?? 0) / 1000).toFixed(0)} ms wall, ` +
          `${task.tdur === undefined ? '-' : (task.tdur / 1000).toFixed(0)} ms thread; own time: ${kindText}`,
        `    events: ${top(names, 8)}`,
      );
      if (samples.length > 0)
        lines.push(
          `    functions, self: ${top(self, 8)}`,
          `    functions, with callees: ${top(inclusive, 14)}`,
        );
    }
  }
  console.log([`${title} (tasks over ${minMs} ms)`, ...lines].join('\n'));
}
