import { liveQuery } from 'dexie';
import { useEffect, useState } from 'preact/hooks';

/** Re-renders whenever the IndexedDB data behind `query` changes, in any context of the extension. */
export function useLiveQuery<T>(query: () => Promise<T>, deps: unknown[], initial: T): T {
  const [value, setValue] = useState<T>(initial);
  useEffect(() => {
    const subscription = liveQuery(query).subscribe({ next: setValue, error: () => undefined });
    return () => subscription.unsubscribe();
  }, deps);
  return value;
}
