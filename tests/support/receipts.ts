import { crc32, deflateSync } from 'node:zlib';

/** Small files that are what they say (by their bytes), for upload tests. */

function chunk(type: string, data: Uint8Array): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.byteLength);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A real 1×1 PNG. */
export function png(): Uint8Array<ArrayBuffer> {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(1, 0);
  header.writeUInt32BE(1, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const pixels = deflateSync(Buffer.from([0, 255, 255, 255]));
  const bytes = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', pixels),
    chunk('IEND', new Uint8Array()),
  ]);
  return new Uint8Array(bytes);
}

/** A JPEG as a phone camera starts one (JFIF header), `size` bytes long. */
export function jpeg(size = 64): Uint8Array<ArrayBuffer> {
  const start = [
    0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00,
    0x01, 0x00, 0x00,
  ];
  const bytes = new Uint8Array(Math.max(size, start.length + 2));
  bytes.set(start);
  bytes.set([0xff, 0xd9], bytes.length - 2);
  return bytes;
}

/** A PDF of at least `size` bytes (padded with spaces; `text` must be ASCII for the size to hold). */
export function pdf(text = 'receipt', size = 0): Uint8Array<ArrayBuffer> {
  const head = `%PDF-1.4\n% ${text}\n1 0 obj <<>> endobj\ntrailer <<>>\n`;
  const tail = '%%EOF\n';
  const padding = Math.max(0, size - head.length - tail.length);
  return new TextEncoder().encode(`${head}${' '.repeat(padding)}${tail}`);
}

/** HTML with a script: what a hostile "receipt.pdf" might really be. */
export const htmlPretendingToBePdf = () =>
  new TextEncoder().encode(
    '<!doctype html><html><body><script>alert(document.cookie)</script></body></html>',
  );
