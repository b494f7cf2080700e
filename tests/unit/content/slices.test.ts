import { describe, expect, test } from 'vitest';
import { createSlicedQueue } from '@/lib/content/slices';

/** A clock that moves only when an item is handled, and pauses we release by hand. */
function harness(costMs: number) {
  let time = 0;
  const pauses: (() => void)[] = [];
  const handled: number[][] = [[]];
  const controller = new AbortController();
  const queue = createSlicedQueue<number>(
    (item) => {
      time += costMs;
      handled.at(-1)?.push(item);
    },
    {
      budgetMs: 8,
      itemsPerClockReading: 1,
      signal: controller.signal,
      now: () => time,
      yieldToPage: () => new Promise<void>((resolve) => pauses.push(resolve)),
      onSliceEnd: () => handled.push([]),
    },
  );
  /** Lets the page have its turn, then the next slice runs. */
  const nextSlice = async () => {
    pauses.shift()?.();
    await new Promise((resolve) => setTimeout(resolve, 0));
  };
  return { queue, handled, nextSlice, controller, pending: () => pauses.length };
}

describe('work in time-boxed slices', () => {
  test('nothing runs in the task that queued it', () => {
    const { queue, handled } = harness(1);
    queue.push(1);
    expect(handled).toEqual([[]]);
    expect(queue.size).toBe(1);
  });

  test('each slice handles what fits in the budget, then yields', async () => {
    const { queue, handled, nextSlice } = harness(3);
    for (let i = 0; i < 7; i++) queue.push(i);
    await nextSlice();
    // 3 ms each: after the third item 9 ms have passed, over the 8 ms budget.
    expect(handled).toEqual([[0, 1, 2], []]);
    expect(queue.size).toBe(4);
    await nextSlice();
    await nextSlice();
    expect(handled).toEqual([[0, 1, 2], [3, 4, 5], [6], []]);
    expect(queue.size).toBe(0);
  });

  test('the clock is read every few items: cheap items run in groups, still within a slice', async () => {
    let time = 0;
    let readings = 0;
    const pauses: (() => void)[] = [];
    const slices: number[][] = [[]];
    const queue = createSlicedQueue<number>(
      (item) => {
        time += 1;
        slices.at(-1)?.push(item);
      },
      {
        budgetMs: 5,
        itemsPerClockReading: 4,
        signal: new AbortController().signal,
        now: () => {
          readings++;
          return time;
        },
        yieldToPage: () => new Promise<void>((resolve) => pauses.push(resolve)),
        onSliceEnd: () => slices.push([]),
      },
    );
    for (let i = 0; i < 10; i++) queue.push(i);
    pauses.shift()?.();
    await new Promise((resolve) => setTimeout(resolve, 0));
    // Read at the start, after item 4 (4 ms: go on) and after item 8 (8 ms: over 5, yield).
    expect(slices[0]).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(readings).toBe(3);
  });

  test('an item slower than the budget still makes progress, one per slice', async () => {
    const { queue, handled, nextSlice } = harness(50);
    queue.push(1);
    queue.push(2);
    await nextSlice();
    await nextSlice();
    expect(handled).toEqual([[1], [2], []]);
  });

  test('items queued while idle start a new run; while running they join it', async () => {
    const { queue, handled, nextSlice, pending } = harness(1);
    queue.push(1);
    queue.push(2);
    expect(pending()).toBe(1);
    await nextSlice();
    expect(handled).toEqual([[1, 2], []]);
    queue.push(3);
    await nextSlice();
    expect(handled).toEqual([[1, 2], [3], []]);
  });

  test('a failing item does not stop the ones after it', async () => {
    const handled: number[] = [];
    const queue = createSlicedQueue<number>(
      (item) => {
        if (item === 1) throw new Error('bad row');
        handled.push(item);
      },
      { budgetMs: 8, signal: new AbortController().signal, yieldToPage: () => Promise.resolve() },
    );
    const warn = console.warn;
    console.warn = () => undefined;
    queue.push(1);
    queue.push(2);
    await new Promise((resolve) => setTimeout(resolve, 0));
    console.warn = warn;
    expect(handled).toEqual([2]);
  });

  test('aborting stops the work and refuses new items', async () => {
    const { queue, handled, nextSlice, controller } = harness(1);
    queue.push(1);
    controller.abort();
    await nextSlice();
    queue.push(2);
    expect(handled).toEqual([[]]);
    expect(queue.size).toBe(1);
  });

  test('each slice, with its end, runs inside `around` (the DOM watcher is disconnected there)', async () => {
    const log: string[] = [];
    const pauses: (() => void)[] = [];
    let time = 0;
    const queue = createSlicedQueue<number>(
      (item) => {
        time += 5;
        log.push(`item ${item}`);
      },
      {
        budgetMs: 8,
        itemsPerClockReading: 1,
        signal: new AbortController().signal,
        now: () => time,
        yieldToPage: () => new Promise<void>((resolve) => pauses.push(resolve)),
        onSliceEnd: () => log.push('end'),
        around: (slice) => {
          log.push('quiet');
          slice();
          log.push('watching');
        },
      },
    );
    for (let i = 0; i < 3; i++) queue.push(i);
    for (let slice = 0; slice < 2; slice++) {
      pauses.shift()?.();
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    expect(log).toEqual([
      'quiet',
      'item 0',
      'item 1',
      'end',
      'watching',
      'quiet',
      'item 2',
      'end',
      'watching',
    ]);
  });
});
