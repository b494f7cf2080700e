import { Dexie, type ObservabilitySet } from 'dexie';

/** A read that took this long waits this many times as long before the next: reads stay a small share. */
const COST_FACTOR = 4;

/**
 * Runs `run` at once, then again after writes to `table` of database `dbName` in any context of the
 * extension, but at most once per `everyMs`, or per COST_FACTOR times the last run's time when that is
 * longer (the last write always gets its run). Counting 100,000 tasks takes IndexedDB a second or more,
 * and the background's writes (a pull) wait behind each read of the same table. For reads whose
 * cost grows with the data, such as counting a tab of 100,000 tasks: a stream of writes (the first
 * pull of a firm's tasks) would otherwise have the reader run after every one of them and hold
 * IndexedDB against the writer. Returns the function that stops it.
 */
export function throttledWatch(
  dbName: string,
  table: string,
  run: () => Promise<unknown>,
  everyMs: number,
): () => void {
  const prefix = `idb://${dbName}/${table}/`;
  let stopped = false;
  let running = false;
  let again = false;
  let last = 0;
  let took = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const go = async () => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    last = Date.now();
    try {
      await run();
      took = Date.now() - last;
    } catch {
      // The next write runs it again.
    } finally {
      running = false;
      if (again && !stopped) {
        again = false;
        schedule();
      }
    }
  };
  const schedule = () => {
    if (timer !== undefined || stopped) return;
    timer = setTimeout(
      () => {
        timer = undefined;
        void go();
      },
      Math.max(0, last + Math.max(everyMs, took * COST_FACTOR) - Date.now()),
    );
  };
  const onMutated = (parts: ObservabilitySet) => {
    if ('all' in parts || Object.keys(parts).some((part) => part.startsWith(prefix))) schedule();
  };
  Dexie.on('storagemutated', onMutated);
  void go();
  return () => {
    stopped = true;
    clearTimeout(timer);
    Dexie.on('storagemutated').unsubscribe(onMutated);
  };
}
