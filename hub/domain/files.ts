import { randomUUID } from 'node:crypto';
import { count, eq } from 'drizzle-orm';
import { fileTypeFromBuffer } from 'file-type';
import { ATTACHMENT_TYPES, HUB_MAX_FILE_BYTES, HUB_MAX_FILES_PER_TASK } from '../../lib/hub/contract.ts';
import { safeFileName } from '../../lib/tasks/files.ts';
import { taskFile } from '../db/schema/index.ts';
import type { FileStore } from '../storage/files.ts';
import { sha256Of } from '../storage/files.ts';
import type { Member, WorkspaceRow } from './access.ts';
import { recordTaskActivity } from './activity.ts';
import { lockFirmChanges, takeChangeNumbers } from './changes.ts';
import type { Deps } from './context.ts';
import { HubError } from './problems.ts';
import { fileView, requireTask } from './tasks.ts';

const CFB = 'application/x-cfb';
const ZIP = 'application/zip';
/**
 * What the bytes of each type Xero takes may be, as file-type reads them (Office's older files are
 * compound files, the newer ones zip archives it may or may not look inside). null: plain text,
 * which has no signature: it must not read as any other kind of file.
 */
const CONTENT_OF: Record<string, readonly string[] | null> = {
  pdf: ['application/pdf'],
  png: ['image/png'],
  jpg: ['image/jpeg'],
  jpeg: ['image/jpeg'],
  gif: ['image/gif'],
  bmp: ['image/bmp'],
  tif: ['image/tiff'],
  tiff: ['image/tiff'],
  rtf: ['application/rtf'],
  txt: null,
  csv: null,
  doc: [CFB, 'application/msword'],
  xls: [CFB, 'application/vnd.ms-excel'],
  docx: [ZIP, 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
  xlsx: [ZIP, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
  odt: [ZIP, 'application/vnd.oasis.opendocument.text'],
  ods: [ZIP, 'application/vnd.oasis.opendocument.spreadsheet'],
  zip: [ZIP],
};

/**
 * What a file really is, by its contents (file-type), never by its name; undefined for plain text
 * and contents it does not know. The one content check of every upload: the API's and the portal's.
 */
export async function contentTypeOf(bytes: Uint8Array): Promise<string | undefined> {
  return (await fileTypeFromBuffer(bytes))?.mime;
}

const ACCEPTED = Object.keys(ATTACHMENT_TYPES)
  .map((e) => `.${e}`)
  .join(', ');

/** The file's type as Xero will see it, or a plain refusal. */
export async function checkFile(fileName: string, bytes: Uint8Array): Promise<string> {
  const extension = fileName.includes('.') ? (fileName.split('.').pop()?.toLowerCase() ?? '') : '';
  const mimeType = ATTACHMENT_TYPES[extension];
  if (!mimeType) {
    throw new HubError(
      415,
      `Xero does not accept “${fileName}” as an attachment`,
      `Save it as one of these types and attach it again: ${ACCEPTED}.`,
    );
  }
  if (bytes.byteLength === 0) {
    throw new HubError(
      400,
      `“${fileName}” is empty`,
      'Choose the file again: there was nothing in it to attach.',
    );
  }
  if (bytes.byteLength > HUB_MAX_FILE_BYTES) {
    throw new HubError(
      413,
      `“${fileName}” is larger than 10 MB`,
      'Xero accepts attachments of at most 10 MB: make it smaller (for example, scan at a lower resolution) and attach it again.',
    );
  }
  const expected = CONTENT_OF[extension];
  const detected = await contentTypeOf(bytes);
  if (
    expected === undefined ||
    (expected === null ? detected !== undefined : !expected.includes(detected ?? ''))
  ) {
    throw new HubError(
      415,
      `“${fileName}” is not really a .${extension} file`,
      `Its contents do not match its name. Open it on your device, save or export it as .${extension}, and attach it again.`,
    );
  }
  return mimeType;
}

export async function addFile(
  deps: Deps & { files: FileStore },
  member: Member,
  target: WorkspaceRow,
  taskId: string,
  upload: { fileName: string; bytes: Uint8Array },
) {
  const mimeType = await checkFile(upload.fileName, upload.bytes);
  const sha256 = sha256Of(upload.bytes);
  // Bytes first: a crash after this leaves an unreferenced blob, never a record without its bytes.
  await deps.files.put(sha256, upload.bytes);
  return deps.db.transaction(async (tx) => {
    await lockFirmChanges(tx, member.firmId);
    const task = await requireTask(tx, target, taskId);
    const existing = await tx
      .select({ fileName: taskFile.fileName })
      .from(taskFile)
      .where(eq(taskFile.taskId, task.id));
    if (existing.length >= HUB_MAX_FILES_PER_TASK) {
      throw new HubError(
        409,
        `This task already has ${HUB_MAX_FILES_PER_TASK} files`,
        `Xero allows at most ${HUB_MAX_FILES_PER_TASK} attachments on a transaction. Remove one, or combine files into one PDF.`,
      );
    }
    const seq = await takeChangeNumbers(tx, member.firmId, 1);
    const [row] = await tx
      .insert(taskFile)
      .values({
        id: randomUUID(),
        firmId: member.firmId,
        workspaceId: target.id,
        taskId: task.id,
        fileName: safeFileName(
          upload.fileName,
          existing.map((f) => f.fileName),
        ),
        mimeType,
        size: upload.bytes.byteLength,
        sha256,
        uploadedBy: member.userId,
        createdAt: deps.clock.now(),
        seq,
      })
      .returning();
    if (!row) throw new Error('insert returned nothing');
    await recordTaskActivity({ ...deps, db: tx }, member, task, 'file.added', {
      fileId: row.id,
      fileName: row.fileName,
      size: row.size,
    });
    return fileView({ file: row, uploaderName: member.name });
  });
}

export async function filesOnTask(deps: Deps, taskId: string): Promise<number> {
  const [row] = await deps.db.select({ n: count() }).from(taskFile).where(eq(taskFile.taskId, taskId));
  return row?.n ?? 0;
}
