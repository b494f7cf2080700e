import { liveQuery } from 'dexie';
import { useLayoutEffect, useState } from 'preact/hooks';

/** Re-renders whenever the IndexedDB data behind `query` changes, in any context of the extension. */
export function useLiveQuery<T>(query: () => Promise<T>, deps: unknown[], initial: T): T {
  const [value, setValue] = useState<T>(initial);
  // Subscribed as soon as the render is committed, not after the next frame is painted: a page whose
  // reads depend on earlier reads (workspaces, then a tab's counts and rows) would wait a frame at
  // each step. The query itself is asynchronous, so nothing here holds the frame up.
  useLayoutEffect(() => {
    const subscription = liveQuery(query).subscribe({ next: setValue, error: () => undefined });
    return () => subscription.unsubscribe();
  }, deps);
  return value;
}
