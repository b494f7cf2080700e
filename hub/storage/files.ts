import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Where file bytes live, addressed by their SHA-256: the same receipt uploaded twice is stored
 * once. An S3-compatible store can implement the same three calls.
 */
export interface FileStore {
  put(sha256: string, bytes: Uint8Array): Promise<void>;
  get(sha256: string): Promise<Uint8Array<ArrayBuffer> | undefined>;
  has(sha256: string): Promise<boolean>;
}

export const sha256Of = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

const HASH = /^[0-9a-f]{64}$/;

/** Files under `<dir>/<first two hex>/<hash>`, written to a temporary name then renamed, so never half-written. */
export function localFileStore(dir: string): FileStore {
  const pathOf = (sha256: string) => {
    if (!HASH.test(sha256)) throw new Error('not a SHA-256 hex digest');
    return join(dir, sha256.slice(0, 2), sha256);
  };
  const has = async (sha256: string) =>
    stat(pathOf(sha256)).then(
      () => true,
      () => false,
    );
  return {
    has,
    async put(sha256, bytes) {
      if (await has(sha256)) return;
      const target = pathOf(sha256);
      await mkdir(join(dir, sha256.slice(0, 2)), { recursive: true });
      const temporary = `${target}.${randomUUID()}.part`;
      await writeFile(temporary, bytes);
      await rename(temporary, target);
    },
    async get(sha256) {
      try {
        return new Uint8Array(await readFile(pathOf(sha256)));
      } catch {
        return undefined;
      }
    },
  };
}
