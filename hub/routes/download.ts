import type { HubServices } from '../domain/context.ts';
import { HubError } from '../domain/problems.ts';

/**
 * A stored file's bytes, only ever as a download from the hub's own store: never shown inline,
 * never type-sniffed by the browser (a receipt that is really HTML cannot run as a page).
 */
export async function download(
  services: HubServices,
  file: { sha256: string; mimeType: string; fileName: string },
): Promise<Response> {
  const bytes = await services.files.get(file.sha256);
  if (!bytes) {
    throw new HubError(
      503,
      'The file’s contents are not available right now',
      'Try again in a few minutes; if it keeps happening, tell your Client Hub Admin.',
    );
  }
  return new Response(bytes, {
    headers: {
      'content-type': file.mimeType,
      'content-length': String(bytes.byteLength),
      'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(file.fileName)}`,
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'; sandbox",
      'cache-control': 'private, no-store',
    },
  });
}
