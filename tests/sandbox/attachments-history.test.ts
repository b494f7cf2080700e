import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../sandbox/server.ts';
import { api, control, mint, start, tenantIds } from './helpers.ts';

let sandbox: Sandbox;
let token: string;
let tenantId: string;
beforeAll(async () => {
  sandbox = await start({ limits: { perMinute: 100_000, perDay: 100_000 } });
  token = (await mint(sandbox)).access_token;
  [tenantId = ''] = tenantIds(sandbox);
});
afterAll(() => sandbox.close());

const data = () => sandbox.state.organisation(tenantId);
const plain = () =>
  data()?.transactions.find(
    (t) => t.status === 'AUTHORISED' && !data()?.attachments.has(t.bankTransactionId),
  );
const upload = (
  id: string,
  fileName: string,
  content: Uint8Array,
  method = 'PUT',
  type = 'application/pdf',
) =>
  api(sandbox, token, tenantId, `BankTransactions/${id}/Attachments/${encodeURIComponent(fileName)}`, {
    method,
    body: Buffer.from(content),
    headers: { 'content-type': type },
  });

describe('attachments', () => {
  it('lists generated attachments and serves their bytes by file name and by id', async () => {
    const [id, files = []] = [...(data()?.attachments.entries() ?? [])][0] ?? [];
    const response = await api(sandbox, token, tenantId, `BankTransactions/${id}/Attachments`);
    const body = (await response.json()) as {
      Attachments: {
        AttachmentID: string;
        FileName: string;
        Url: string;
        MimeType: string;
        ContentLength: number;
      }[];
    };
    expect(body.Attachments).toHaveLength(files.length);
    const [first] = body.Attachments;
    expect(first?.Url).toContain(`/BankTransactions/${id}/Attachments/`);
    for (const ref of [first?.FileName ?? '', first?.AttachmentID ?? '']) {
      const raw = await api(
        sandbox,
        token,
        tenantId,
        `BankTransactions/${id}/Attachments/${encodeURIComponent(ref)}`,
        {
          headers: { accept: first?.MimeType ?? '' },
        },
      );
      expect(raw.status).toBe(200);
      expect(raw.headers.get('content-type')).toBe(first?.MimeType);
      expect((await raw.arrayBuffer()).byteLength).toBe(first?.ContentLength);
    }
  });

  it('PUT creates, the same name overwrites, HasAttachments follows and UpdatedDateUTC bumps', async () => {
    const transaction = plain();
    const id = transaction?.bankTransactionId ?? '';
    const before = transaction?.updatedAt ?? 0;
    sandbox.clock.advance(1500);
    const created = await upload(id, 'receipt one.pdf', new TextEncoder().encode('%PDF-1 first'));
    expect(created.status).toBe(200);
    const one = (await created.json()) as { Attachments: { AttachmentID: string; ContentLength: number }[] };
    const again = await upload(
      id,
      'receipt one.pdf',
      new TextEncoder().encode('%PDF-1 second, longer'),
      'POST',
    );
    const two = (await again.json()) as { Attachments: { AttachmentID: string; ContentLength: number }[] };
    expect(two.Attachments[0]?.AttachmentID).toBe(one.Attachments[0]?.AttachmentID);
    expect(two.Attachments[0]?.ContentLength).toBe(21);
    const tx = (await (await api(sandbox, token, tenantId, `BankTransactions/${id}`)).json()) as {
      BankTransactions: { HasAttachments: boolean; UpdatedDateUTC: string }[];
    };
    expect(tx.BankTransactions[0]?.HasAttachments).toBe(true);
    expect(Number(/\d+/.exec(tx.BankTransactions[0]?.UpdatedDateUTC ?? '')?.[0])).toBeGreaterThan(before);
    const truth = (await (
      await control(sandbox, 'GET', `/orgs/${tenantId}/bank-transactions/${id}`)
    ).json()) as {
      Attachments: { Sha256: string }[];
    };
    expect(truth.Attachments[0]?.Sha256).toBe(
      createHash('sha256').update('%PDF-1 second, longer').digest('hex'),
    );
  });

  it('allows at most 10 attachments per transaction', async () => {
    const id = plain()?.bankTransactionId ?? '';
    for (let i = 0; i < 10; i++)
      expect((await upload(id, `f${i}.txt`, new Uint8Array([65]), 'PUT', 'text/plain')).status).toBe(200);
    const eleventh = await upload(id, 'f10.txt', new Uint8Array([65]), 'PUT', 'text/plain');
    expect(eleventh.status).toBe(400);
    expect(await eleventh.text()).toContain('at most 10 attachments');
    expect((await upload(id, 'f3.txt', new Uint8Array([66]), 'POST', 'text/plain')).status).toBe(200);
  });

  it('refuses files over the size limit with 413', async () => {
    await control(sandbox, 'PUT', '/limits', { attachmentMaxBytes: 1024 });
    const response = await upload(plain()?.bankTransactionId ?? '', 'big.pdf', new Uint8Array(1025));
    expect(response.status).toBe(413);
    expect(await response.text()).toContain('too large');
    await control(sandbox, 'PUT', '/limits', { attachmentMaxBytes: 10 * 1024 * 1024 });
  });

  it('refuses forbidden characters in file names', async () => {
    const id = plain()?.bankTransactionId ?? '';
    for (const name of [
      'a<b.pdf',
      'a>b.pdf',
      'a:b.pdf',
      'a"b.pdf',
      'a/b.pdf',
      'a\\b.pdf',
      'a|b.pdf',
      'a?b.pdf',
      'a*b.pdf',
      'a+b.pdf',
      'a\u0000b.pdf',
    ]) {
      const response = await upload(id, name, new Uint8Array([1]));
      expect(response.status, name).toBe(400);
      expect(await response.text()).toContain('ValidationException');
    }
  });
});

describe('history', () => {
  it('adds notes up to 250 characters and lists them with the Created entry', async () => {
    const id = plain()?.bankTransactionId ?? '';
    const put = (details: string) =>
      api(sandbox, token, tenantId, `BankTransactions/${id}/History`, {
        method: 'PUT',
        body: JSON.stringify({ HistoryRecords: [{ Details: details }] }),
        headers: { 'content-type': 'application/json' },
      });
    const ok = await put('n'.repeat(250));
    expect(ok.status).toBe(200);
    expect(
      ((await ok.json()) as { HistoryRecords: { Details: string }[] }).HistoryRecords[0]?.Details,
    ).toHaveLength(250);
    const tooLong = await put('n'.repeat(251));
    expect(tooLong.status).toBe(400);
    expect(await tooLong.json()).toMatchObject({ Type: 'ValidationException' });
    const list = (await (await api(sandbox, token, tenantId, `BankTransactions/${id}/History`)).json()) as {
      HistoryRecords: {
        Changes: string;
        DateUTC: string;
        DateUTCString: string;
        User: string;
        Details: string;
      }[];
    };
    expect(list.HistoryRecords.map((r) => r.Changes)).toEqual(['Note', 'Created']);
    expect(list.HistoryRecords[0]?.DateUTC).toMatch(/^\/Date\(\d+\+0000\)\/$/);
    expect(list.HistoryRecords[0]?.DateUTCString).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
    const truth = (await (
      await control(sandbox, 'GET', `/orgs/${tenantId}/bank-transactions/${id}`)
    ).json()) as {
      History: { Details: string }[];
    };
    expect(truth.History.some((h) => h.Details === 'n'.repeat(250))).toBe(true);
  });

  it('the limit is configurable', async () => {
    await control(sandbox, 'PUT', '/limits', { historyNoteMaxLength: 10 });
    const response = await api(
      sandbox,
      token,
      tenantId,
      `BankTransactions/${plain()?.bankTransactionId}/History`,
      {
        method: 'PUT',
        body: JSON.stringify({ HistoryRecords: [{ Details: 'eleven char' }] }),
      },
    );
    expect(response.status).toBe(400);
    await control(sandbox, 'PUT', '/limits', { historyNoteMaxLength: 250 });
  });
});
