/**
 * Runs inside one of the extension's pages (passed to Playwright's or Puppeteer's `evaluate`): reads a
 * whole object store of the extension's IndexedDB. Self-contained, because it is serialised.
 */
export function readAllFromStore(store: string): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open('client-hub');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const request = open.result.transaction(store, 'readonly').objectStore(store).getAll();
      request.onsuccess = () => {
        resolve(request.result);
        open.result.close();
      };
      request.onerror = () => reject(request.error);
    };
  });
}

/**
 * Runs inside one of the extension's pages: every object store of the extension's IndexedDB (as the
 * browser has them, so a store added later is included), each row as JSON (a Blob reads as {}).
 */
export function readEveryStore(): Promise<Record<string, string[]>> {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open('client-hub');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const names = Array.from(db.objectStoreNames);
      const out: Record<string, string[]> = {};
      const tx = db.transaction(names, 'readonly');
      for (const name of names) {
        const request = tx.objectStore(name).getAll();
        request.onsuccess = () => {
          out[name] = (request.result as unknown[]).map((row) => JSON.stringify(row));
        };
      }
      tx.oncomplete = () => {
        db.close();
        resolve(out);
      };
      tx.onerror = () => reject(tx.error);
    };
  });
}
