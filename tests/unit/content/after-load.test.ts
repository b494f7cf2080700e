import { afterEach, expect, test, vi } from 'vitest';
import { whenPageIdle } from '@/lib/content/after-load';

afterEach(() => {
  vi.useRealTimers();
});

test('the content script is started when the page is next idle, a second later at most', () => {
  const asked: { run: () => void; options: { timeout: number } }[] = [];
  const started: number[] = [];
  whenPageIdle(
    () => started.push(1),
    new AbortController().signal,
    (run, options) => asked.push({ run, options }),
  );
  // Not inside the task that asked (the load event's: Xero's listeners come first).
  expect(started).toEqual([]);
  expect(asked.map((call) => call.options)).toEqual([{ timeout: 1000 }]);
  asked[0]?.run();
  expect(started).toEqual([1]);
});

test('where the browser has no idle callbacks, a timer starts it after the current task', () => {
  vi.useFakeTimers();
  const started: number[] = [];
  whenPageIdle(() => started.push(1), new AbortController().signal, undefined);
  expect(started).toEqual([]);
  vi.advanceTimersByTime(0);
  expect(started).toEqual([1]);
});

test('a page left before it was idle starts nothing', () => {
  let idle: (() => void) | undefined;
  const left = new AbortController();
  const started: number[] = [];
  whenPageIdle(
    () => started.push(1),
    left.signal,
    (run) => {
      idle = run;
    },
  );
  left.abort();
  idle?.();
  expect(started).toEqual([]);
});
