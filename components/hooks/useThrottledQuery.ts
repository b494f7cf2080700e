import { useLayoutEffect, useState } from 'preact/hooks';
import { throttledWatch } from '@/lib/db/throttled-watch';

/**
 * Like useLiveQuery for a query whose cost grows with the data: run at once, then after writes to
 * `table`, at most once per `everyMs` (lib/db/throttled-watch.ts).
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
    let current = true;
    const stop = throttledWatch(
      dbName,
      table,
      async () => {
        const result = await query();
        if (current) setValue(result);
      },
      everyMs,
    );
    return () => {
      current = false;
      stop();
    };
  }, deps);
  return value;
}
