import { randomUUID } from 'node:crypto';
import { count, eq } from 'drizzle-orm';
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

const OLE = [0xd0, 0xcf, 0x11, 0xe0];
const ZIP = [0x50, 0x4b, 0x03, 0x04];
/** How each binary type starts: a file whose name says PDF but whose bytes do not is refused. */
const SIGNATURES: Record<string, number[][]> = {
  pdf: [[0x25, 0x50, 0x44, 0x46]],
  png: [[0x89, 0x50, 0x4e, 0x47]],
  jpg: [[0xff, 0xd8, 0xff]],
  jpeg: [[0xff, 0xd8, 0xff]],
  gif: [[0x47, 0x49, 0x46, 0x38]],
  bmp: [[0x42, 0x4d]],
  tif: [
    [0x49, 0x49, 0x2a, 0x00],
    [0x4d, 0x4d, 0x00, 0x2a],
  ],
  tiff: [
    [0x49, 0x49, 0x2a, 0x00],
    [0x4d, 0x4d, 0x00, 0x2a],
  ],
  rtf: [[0x7b, 0x5c, 0x72, 0x74, 0x66]],
  doc: [OLE],
  xls: [OLE],
  docx: [ZIP],
  xlsx: [ZIP],
  odt: [ZIP],
  ods: [ZIP],
  zip: [ZIP],
};

const startsWith = (bytes: Uint8Array, prefix: number[]) => prefix.every((b, i) => bytes[i] === b);

const ACCEPTED = Object.keys(ATTACHMENT_TYPES)
  .map((e) => `.${e}`)
  .join(', ');

/** The file's type as Xero will see it, or a plain refusal. */
export function checkFile(fileName: string, bytes: Uint8Array): string {
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
  const signatures = SIGNATURES[extension];
  if (signatures && !signatures.some((s) => startsWith(bytes, s))) {
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
  const mimeType = checkFile(upload.fileName, upload.bytes);
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
