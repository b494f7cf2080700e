import type { ClientHubDb } from '../db/database';
import { describeProblem, isStorageFull, type Problem } from '../errors';
import { graphemes, withoutHiddenControls } from '../text/hostile';
import type { TaskFile } from './records';

/** What Xero accepts as attachments (XERO-API-NOTES: 10 per document, 10 MB each). */
export const MAX_ATTACHMENTS_PER_TRANSACTION = 10;
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;
const MAX_FILE_NAME = 100;

// Characters Xero refuses in attachment file names, and control characters (NUL included).
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this removes
const FORBIDDEN = /[<>:"/\\|?*+\u0000-\u001f\u007f]/g;

/**
 * A file name Xero will take: direction controls and zero-width characters removed (a name must read
 * as it is stored: with U+202E, "invoice\u202Efdp.exe" shows as "invoiceexe.pdf"), forbidden characters
 * become "-", spaces tidied, kept short with its extension (cut between whole characters), never empty.
 * `taken` are names already on the transaction (Xero overwrites a file of the same name, so a different
 * file gets " (2)").
 */
/** At most `units` UTF-16 units, never ending inside a character. */
function clip(text: string, units: number): string {
  if (text.length <= units) return text;
  let out = '';
  for (const char of graphemes(text)) {
    if (out.length + char.length > units) break;
    out += char;
  }
  return out;
}

export function safeFileName(original: string, taken: Iterable<string> = []): string {
  let name = withoutHiddenControls(original)
    .replace(FORBIDDEN, '-')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^\.+/, '');
  if (name.replace(/[-.\s]/g, '').length === 0) name = 'attachment';
  const dot = name.lastIndexOf('.');
  let stem = dot > 0 ? name.slice(0, dot) : name;
  let extension = dot > 0 ? name.slice(dot) : '';
  if (extension.length > 12) {
    stem = name;
    extension = '';
  }
  stem = clip(stem, MAX_FILE_NAME - extension.length).trim() || 'attachment';
  const used = new Set([...taken].map((n) => n.toLowerCase()));
  let candidate = `${stem}${extension}`;
  for (let i = 2; used.has(candidate.toLowerCase()); i++) candidate = `${stem} (${i})${extension}`;
  return candidate;
}

/** "69 B", "4.2 KB", "380 KB", "10.4 MB": a small file never reads as "0.0 MB". */
export function fileSize(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB'];
  // MB keep a decimal: "10 MB" for 10.4 MB would contradict "at most 10 MB".
  const shown = (value: number, unit: number) => value.toFixed(unit >= 2 || value < 10 ? 1 : 0);
  let value = Math.max(0, bytes);
  let unit = 0;
  // 1023.96 KB would read "1024 KB": move up a unit when the shown value reaches 1024.
  while (unit < units.length - 1 && (unit === 0 ? value >= 1024 : Number(shown(value, unit)) >= 1024)) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${shown(value, unit)} ${units[unit]}`;
}

/** Why a file cannot go to Xero, in plain words, or undefined when it can. */
export function fileProblem(file: { name: string; size: number }): string | undefined {
  if (file.size === 0) return `“${file.name}” is empty, so there is nothing to attach.`;
  if (file.size > MAX_ATTACHMENT_BYTES) {
    return `“${file.name}” is ${fileSize(file.size)}. Xero accepts attachments of at most 10 MB: make it smaller (for example, scan at a lower resolution) and attach it again.`;
  }
  return undefined;
}

export function tooManyFilesProblem(alreadyThere: number, adding: number): string | undefined {
  if (alreadyThere + adding <= MAX_ATTACHMENTS_PER_TRANSACTION) return undefined;
  const room = Math.max(0, MAX_ATTACHMENTS_PER_TRANSACTION - alreadyThere);
  return `Xero allows at most ${MAX_ATTACHMENTS_PER_TRANSACTION} attachments on a transaction. This one already has ${alreadyThere}, so ${room === 0 ? 'no more can be added' : `only ${room} more can be added`}. Remove one in Xero, or combine files into one PDF.`;
}

/** SHA-256 of a file's content, hex: identifies the same file whatever its name. */
export async function sha256Hex(blob: Blob): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', await blob.arrayBuffer());
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Keeps a file the person picked in IndexedDB until their answer is recorded (files cannot travel in
 * runtime messages). A write this computer refuses comes back as the problem to show, naming the file,
 * so nothing is dropped without a word.
 */
export async function keepStagedFile(db: ClientHubDb, file: TaskFile): Promise<Problem | null> {
  try {
    await db.taskFiles.add(file);
    return null;
  } catch (error) {
    return describeProblem(isStorageFull(error) ? 'storage-full' : 'unknown', {
      unsaved: `the file ${file.originalName}`,
      detail: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    });
  }
}
