import { Dexie, type ObservabilitySet } from 'dexie';
import { useLayoutEffect, useState } from 'preact/hooks';

/**
 * Like useLiveQuery for a query whose cost grows with the data (counting a tab of 100,000 tasks walks
 * its index): run at once, then again after writes to `table` in any context of the extension, but
 * at most once per `everyMs` (the last write always gets its run). A stream of writes, such as the
 * first pull of a firm's tasks, would otherwise have the page count after every one of them and
 * hold IndexedDB against the writer.
 */
export function useThrottledQuery<T>(
  dbName: string,
  table: string,
  query: () => Promise<T>,
  deps: unknown[],
  initial: T,
  everyMs: number,
): T {
  const [value, setValue] = useState<T>(initial);
  useLayoutEffect(() => {
    const prefix = `idb://${dbName}/${table}/`;
    let stopped = false;
    let running = false;
    let again = false;
    let last = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = async () => {
      if (running) {
        again = true;
        return;
      }
      running = true;
      last = Date.now();
      try {
        const result = await query();
        if (!stopped) setValue(result);
      } catch {
        // The next write asks again.
      } finally {
        running = false;
        if (again && !stopped) {
          again = false;
          schedule();
        }
      }
    };
    const schedule = () => {
      if (timer !== undefined) return;
      timer = setTimeout(
        () => {
          timer = undefined;
          void run();
        },
        Math.max(0, last + everyMs - Date.now()),
      );
    };
    const onMutated = (parts: ObservabilitySet) => {
      if ('all' in parts || Object.keys(parts).some((part) => part.startsWith(prefix))) schedule();
    };
    Dexie.on('storagemutated', onMutated);
    void run();
    return () => {
      stopped = true;
      clearTimeout(timer);
      Dexie.on('storagemutated').unsubscribe(onMutated);
    };
  }, deps);
  return value;
}
