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
export function absoluteVerdict(ok: boolean, loads: number[]): string {
  const cores = os.availableParallelism();
  const worst = Math.max(...loads);
  if (worst > cores)
    return `(no verdict: load ${worst.toFixed(1)} on ${cores} cores; would be ${ok ? 'PASS' : 'FAIL'})`;
  return ok ? 'PASS' : 'FAIL';
}
