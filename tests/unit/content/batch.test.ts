import { describe, expect, test } from 'vitest';
import { createThrottledBatch } from '@/lib/content/batch';

/** A clock and timers moved by hand. */
function harness(everyMs = 100) {
  let time = 0;
  const timers: { at: number; run: () => void; cancelled: boolean }[] = [];
  const sent: number[][] = [];
  const controller = new AbortController();
  const batch = createThrottledBatch<number>((items) => sent.push(items), {
    everyMs,
    signal: controller.signal,
    now: () => time,
    setTimer: (run, ms) => {
      const timer = { at: time + ms, run, cancelled: false };
      timers.push(timer);
      return () => {
        timer.cancelled = true;
      };
    },
  });
  const advance = (ms: number) => {
    time += ms;
    for (const timer of timers.splice(0)) {
      if (timer.cancelled) continue;
      if (timer.at <= time) timer.run();
      else timers.push(timer);
    }
  };
  return { batch, sent, advance, controller };
}

describe('batches sent at most once per interval', () => {
  test('the first batch goes at once', () => {
    const { batch, sent } = harness();
    batch.add([1, 2]);
    expect(sent).toEqual([[1, 2]]);
  });

  test('items added within the interval wait and go together, once, when it ends', () => {
    const { batch, sent, advance } = harness();
    batch.add([1]);
    advance(10);
    batch.add([2]);
    advance(10);
    batch.add([3, 4]);
    expect(sent).toEqual([[1]]);
    advance(79);
    expect(sent).toEqual([[1]]);
    advance(1);
    expect(sent).toEqual([[1], [2, 3, 4]]);
    advance(500);
    expect(sent).toEqual([[1], [2, 3, 4]]);
  });

  test('after a quiet interval the next batch goes at once again', () => {
    const { batch, sent, advance } = harness();
    batch.add([1]);
    advance(150);
    batch.add([2]);
    expect(sent).toEqual([[1], [2]]);
  });

  test('nothing is sent after the page view ends, and nothing empty is ever sent', () => {
    const { batch, sent, advance, controller } = harness();
    batch.add([]);
    expect(sent).toEqual([]);
    batch.add([1]);
    batch.add([2]);
    controller.abort();
    advance(200);
    batch.add([3]);
    expect(sent).toEqual([[1]]);
  });
});
