import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';

/** Latency samples in milliseconds, summarised as the bench prints them. */
export class Latencies {
  private readonly samples: number[] = [];

  add(ms: number) {
    this.samples.push(ms);
  }

  /** Times `run` and records it; returns what it returned. */
  async time<T>(run: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await run();
    } finally {
      this.add(performance.now() - started);
    }
  }

  get count() {
    return this.samples.length;
  }

  /** Nearest-rank percentile (p in 0-100); NaN with no samples. */
  percentile(p: number): number {
    if (this.samples.length === 0) return Number.NaN;
    const sorted = [...this.samples].sort((a, b) => a - b);
    const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
    return sorted[rank - 1] as number;
  }
}

/** A fixed-width table: one label column, then one column per measured thing. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const width = (i: number) => widths[i] ?? 0;
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(width(i)) : c.padStart(width(i)))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/**
 * PASS or FAIL for a goal stated in absolute time; on a loaded machine (a 1-minute load average above
 * the number of cores at any of `loads`) the figure stands without a verdict, because there it
 * measures the machine as much as the code. Ratios measured in one run need no such care.
 */
export function absoluteVerdict(ok: boolean, loads: number[], others?: OtherWork | null): string {
  const would = `would be ${ok ? 'PASS' : 'FAIL'}`;
  // Where it is known what other processes used, that decides: the bench's own browsers and
  // servers load the machine too, and that is part of what it measures.
  const busy = others?.cores();
  if (busy !== undefined && busy !== null) {
    if (busy > QUIET_OTHERS_CORES)
      return `(no verdict: other processes used ${busy.toFixed(2)} cores meanwhile; ${would})`;
    return ok ? 'PASS' : 'FAIL';
  }
  const cores = os.availableParallelism();
  const worst = Math.max(...loads);
  if (worst > cores) return `(no verdict: load ${worst.toFixed(1)} on ${cores} cores; ${would})`;
  return ok ? 'PASS' : 'FAIL';
}

/** Other processes may use this much of the machine (in cores, on average) for a verdict to stand. */
export const QUIET_OTHERS_CORES = 0.3;

/** Busy CPU time of the whole machine (/proc/stat), in clock ticks. */
function machineBusyTicks(): number {
  const fields = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '')
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = fields;
  return user + nice + system + irq + softirq + steal;
}

/**
 * CPU time of this process and every process it started (browsers, their renderers, a hub child
 * process), in clock ticks: live ones' own time plus what they reaped from children that ended.
 */
function ourTreeTicks(): number {
  const parent = new Map<number, number>();
  const ticks = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // After "pid (name) ": state ppid … utime(12th) stime cutime cstime.
      const after = stat
        .slice(stat.lastIndexOf(')') + 2)
        .split(' ')
        .map(Number);
      parent.set(Number(entry), after[1] ?? 0);
      ticks.set(Number(entry), (after[11] ?? 0) + (after[12] ?? 0) + (after[13] ?? 0) + (after[14] ?? 0));
    } catch {
      // It ended meanwhile.
    }
  }
  const ours = (pid: number) => {
    for (let at = pid, hops = 0; at > 1 && hops < 64; at = parent.get(at) ?? 0, hops++)
      if (at === process.pid) return true;
    return false;
  };
  let total = 0;
  for (const [pid, t] of ticks) if (ours(pid)) total += t;
  return total;
}

/**
 * What processes other than the bench's own used of the machine between start() and cores(): the
 * verdict's test of a quiet machine (Linux; null elsewhere, and the load average decides).
 */
export class OtherWork {
  private constructor(
    private readonly busy: number,
    private readonly ours: number,
    private readonly at: number,
  ) {}

  static start(): OtherWork | null {
    try {
      return new OtherWork(machineBusyTicks(), ourTreeTicks(), performance.now());
    } catch {
      return null;
    }
  }

  /** Average cores used by other processes since start (ticks are 1/100 s on Linux). */
  cores(): number | null {
    try {
      const seconds = (performance.now() - this.at) / 1000;
      const others = machineBusyTicks() - this.busy - (ourTreeTicks() - this.ours);
      return seconds > 0 ? Math.max(0, others) / 100 / seconds : null;
    } catch {
      return null;
    }
  }
}
