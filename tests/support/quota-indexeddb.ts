import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';

/**
 * fake-indexeddb with a switch that makes the disk "full": while `full` is set, every add and put is
 * refused with the browser's QuotaExceededError, as IndexedDB does when the disk or the origin's quota is
 * used up. Only the boundary is faked (the IndexedDB factory handed to Dexie); Dexie and our code run as
 * they do in the browser. Pass `dexieOptions` to `new ClientHubDb(name, dexieOptions)`.
 */
export function quotaLimitedIndexedDB() {
  const disk = { full: false };
  const refuse = () => {
    throw new DOMException('The current transaction exceeded its quota limitations.', 'QuotaExceededError');
  };
  const wrapped = new WeakMap<object, object>();
  /** A proxy of `target` whose methods run on the real object and whose `overrides` replace some. */
  function wrap<T extends object>(target: T, overrides: (name: PropertyKey) => unknown): T {
    const known = wrapped.get(target);
    if (known) return known as T;
    const proxy = new Proxy(target, {
      get(real, name) {
        const replaced = overrides(name);
        if (replaced !== undefined) return replaced;
        const value = Reflect.get(real, name, real);
        return typeof value === 'function' ? value.bind(real) : value;
      },
      set: (real, name, value) => Reflect.set(real, name, value, real),
    });
    wrapped.set(target, proxy);
    return proxy;
  }
  const store = (real: IDBObjectStore) =>
    wrap(real, (name) => ((name === 'add' || name === 'put') && disk.full ? refuse : undefined));
  const transaction = (real: IDBTransaction): IDBTransaction =>
    wrap(real, (name) => {
      if (name === 'objectStore') return (storeName: string) => store(real.objectStore(storeName));
      if (name === 'db') return database(real.db); // Dexie builds its stack from the transaction's db
      return undefined;
    });
  const database = (real: IDBDatabase): IDBDatabase =>
    wrap(real, (name) =>
      name === 'transaction'
        ? (...args: Parameters<IDBDatabase['transaction']>) => transaction(real.transaction(...args))
        : undefined,
    );
  const factory = new IDBFactory();
  const indexedDB = wrap(factory, (name) =>
    name === 'open'
      ? (...args: Parameters<IDBFactory['open']>) => {
          const request = factory.open(...args);
          // The database as Dexie sees it, during the upgrade as after it (Dexie keeps the first).
          return wrap(request, (property) => {
            if (property === 'transaction')
              return request.transaction ? transaction(request.transaction) : undefined;
            if (property !== 'result') return undefined;
            try {
              return request.result ? database(request.result) : undefined;
            } catch {
              return undefined; // not ready yet: the real property throws the same error
            }
          });
        }
      : undefined,
  );
  return { disk, dexieOptions: { indexedDB, IDBKeyRange } };
}
