import { readFile } from 'node:fs/promises';
import path from 'node:path';
import JSZip from 'jszip';

export const ROOT = path.resolve(import.meta.dirname, '../..');
const { name, version } = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
};

/** The store packages `npm run zip` makes (`npm run test:package` runs it first). */
export const PACKAGES = {
  chrome: path.join(ROOT, '.output', `${name}-${version}-chrome.zip`),
  firefox: path.join(ROOT, '.output', `${name}-${version}-firefox.zip`),
  firefoxSources: path.join(ROOT, '.output', `${name}-${version}-sources.zip`),
} as const;

export interface Package {
  files: string[];
  text(file: string): Promise<string>;
  bytes(file: string): Promise<Uint8Array>;
  manifest(): Promise<Record<string, unknown>>;
}

export async function openPackage(zipPath: string): Promise<Package> {
  const zip = await JSZip.loadAsync(await readFile(zipPath));
  const files = Object.values(zip.files)
    .filter((entry) => !entry.dir)
    .map((entry) => entry.name)
    .sort();
  const entry = (file: string) => {
    const found = zip.file(file);
    if (!found) throw new Error(`${path.basename(zipPath)} has no ${file}`);
    return found;
  };
  return {
    files,
    text: (file) => entry(file).async('string'),
    bytes: (file) => entry(file).async('uint8array'),
    manifest: async () => JSON.parse(await entry('manifest.json').async('string')) as Record<string, unknown>,
  };
}
