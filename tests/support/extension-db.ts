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
