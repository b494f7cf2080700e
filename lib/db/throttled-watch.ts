import { Dexie, type ObservabilitySet } from 'dexie';

/**
 * Runs `run` at once, then again after writes to `table` of database `dbName` in any context of the
 * extension, but at most once per `everyMs` (the last write always gets its run). For reads whose
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
      Math.max(0, last + everyMs - Date.now()),
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
