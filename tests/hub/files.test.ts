import { randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  fileSchema,
  HUB_MAX_FILE_BYTES,
  HUB_MAX_FILES_PER_TASK,
  hubProblemSchema,
} from '../../lib/hub/contract.ts';
import { png } from '../support/receipts.ts';
import { DATABASE, type FirmFixture, makeFirm, startTestHub, type TestHub, transaction } from './harness.ts';

let hub: TestHub;
let firm: FirmFixture;

beforeAll(async () => {
  hub = await startTestHub();
  firm = await makeFirm(hub);
});
afterAll(() => hub?.stop());

const pdf = (text: string) => new TextEncoder().encode(`%PDF-1.4\n% ${text}\n%%EOF\n`);

async function newTask() {
  const reply = await firm.users.Staff.request<{ tasks: { id: string }[] }>(
    'PUT',
    `/api/workspaces/${firm.own.id}/tasks`,
    {
      tasks: [{ transaction: transaction() }],
    },
  );
  return `/api/workspaces/${firm.own.id}/tasks/${reply.body.tasks[0]?.id}/files`;
}

describe(`files on Client Tasks (${DATABASE})`, () => {
  it('takes a receipt, stores it once by content, and gives it back', async () => {
    const path = await newTask();
    const bytes = pdf('receipt');
    const first = await firm.users['Client User'].upload(path, { name: 'receipt: March?.pdf', bytes });
    expect(first.status).toBe(201);
    const file = fileSchema.parse(first.body);
    expect(file).toMatchObject({
      fileName: 'receipt- March-.pdf',
      mimeType: 'application/pdf',
      size: bytes.byteLength,
    });
    const second = fileSchema.parse(
      (await firm.users.Staff.upload(path, { name: 'receipt: March?.pdf', bytes })).body,
    );
    expect(second.fileName).toBe('receipt- March- (2).pdf');
    expect(second.sha256).toBe(file.sha256);
    const stored = readdirSync(join(hub.dataDir, 'files', file.sha256.slice(0, 2)));
    expect(stored).toEqual([file.sha256]);
    const download = await fetch(`${hub.url}${path}/${file.id}`, {
      headers: { authorization: `Bearer ${firm.users.Staff.token}` },
    });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('application/pdf');
    expect(download.headers.get('x-content-type-options')).toBe('nosniff');
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(bytes);
    const list = await firm.users.Staff.request<{ files: unknown[] }>('GET', path);
    expect(list.body.files).toHaveLength(2);
  });

  it('refuses types Xero does not accept, files whose contents are not what their name says, and empty files', async () => {
    const path = await newTask();
    const exe = await firm.users.Staff.upload(path, {
      name: 'setup.exe',
      bytes: new Uint8Array([0x4d, 0x5a, 0x90]),
    });
    expect(exe.status).toBe(415);
    expect(hubProblemSchema.parse(exe.body).detail).toMatch(/\.pdf/);
    const fake = await firm.users.Staff.upload(path, {
      name: 'invoice.pdf',
      bytes: new TextEncoder().encode('<html>hi</html>'),
    });
    expect(fake.status).toBe(415);
    expect(hubProblemSchema.parse(fake.body).title).toMatch(/not really a \.pdf/);
    // Read by content (file-type), as the portal reads receipts: the first bytes alone do not pass,
    // and a name for plain text does not let another kind of file through.
    const stub = await firm.users.Staff.upload(path, {
      name: 'photo.png',
      bytes: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2]),
    });
    expect(stub.status).toBe(415);
    const disguised = await firm.users.Staff.upload(path, { name: 'notes.txt', bytes: pdf('not text') });
    expect(disguised.status).toBe(415);
    expect(hubProblemSchema.parse(disguised.body).title).toMatch(/not really a \.txt/);
    const photo = await firm.users.Staff.upload(path, { name: 'photo.png', bytes: png() });
    expect(photo.status).toBe(201);
    const empty = await firm.users.Staff.upload(path, { name: 'notes.txt', bytes: new Uint8Array(0) });
    expect(empty.status).toBe(400);
    const text = await firm.users.Staff.upload(path, {
      name: 'notes.txt',
      bytes: new TextEncoder().encode('paid cash'),
    });
    expect(text.status).toBe(201);
  });

  it('refuses a file over 10 MB with a plain 413', async () => {
    const path = await newTask();
    const justOver = new Uint8Array(HUB_MAX_FILE_BYTES + 1);
    justOver.set(pdf('big'));
    const over = await firm.users.Staff.upload(path, { name: 'scan.pdf', bytes: justOver });
    expect(over.status).toBe(413);
    expect(hubProblemSchema.parse(over.body).detail).toMatch(/10 MB/);
    const wayOver = new Uint8Array(HUB_MAX_FILE_BYTES * 2);
    const huge = await firm.users.Staff.upload(path, { name: 'scan.pdf', bytes: wayOver });
    expect(huge.status).toBe(413);
    expect(huge.headers.get('content-type')).toBe('application/problem+json');
    expect((await firm.users.Staff.request<{ files: unknown[] }>('GET', path)).body.files).toEqual([]);
  });

  it(`allows at most ${HUB_MAX_FILES_PER_TASK} files on a task, as Xero does`, async () => {
    const path = await newTask();
    for (let i = 0; i < HUB_MAX_FILES_PER_TASK; i++) {
      expect(
        (await firm.users.Staff.upload(path, { name: `page-${i}.pdf`, bytes: pdf(`page ${i}`) })).status,
      ).toBe(201);
    }
    const extra = await firm.users.Staff.upload(path, { name: 'one-more.pdf', bytes: pdf('extra') });
    expect(extra.status).toBe(409);
    expect(hubProblemSchema.parse(extra.body).detail).toMatch(/combine files into one PDF/);
  });

  it('stores an upload once when it is retried with the same Idempotency-Key', async () => {
    const path = await newTask();
    const key = randomUUID();
    const upload = () =>
      firm.users.Staff.upload(path, { name: 'receipt.png', bytes: png() }, { 'idempotency-key': key });
    const [a, b] = await Promise.all([upload(), upload()]);
    const c = await upload();
    expect([a.status, b.status, c.status]).toEqual([201, 201, 201]);
    expect(new Set([a, b, c].map((r) => (r.body as { id: string }).id)).size).toBe(1);
    expect((await firm.users.Staff.request<{ files: unknown[] }>('GET', path)).body.files).toHaveLength(1);
  });
});
