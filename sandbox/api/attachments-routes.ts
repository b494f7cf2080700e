import { Hono } from 'hono';
import { ATTACHMENT_TYPES } from '../../lib/hub/contract.ts';
import type { SandboxContext } from '../context.ts';
import { makeAttachment } from '../data/generate.ts';
import type { Attachment } from '../data/model.ts';
import type { ApiEnv } from './env.ts';
import { notFound, payloadTooLarge, validationException } from './errors.ts';
import { requireScope } from './pipeline.ts';
import { attachmentJson, envelope } from './xero-json.ts';

/** Characters Xero refuses in attachment file names (and NUL). */
const FORBIDDEN_CHARACTERS = ['<', '>', ':', '"', '/', '\\', '|', '?', '*', '+', String.fromCharCode(0)];

function hasForbiddenCharacter(fileName: string): boolean {
  return FORBIDDEN_CHARACTERS.some((character) => fileName.includes(character));
}

/** Xero's attachment types, shared with the Client Hub server. */
const MIME_BY_EXTENSION = ATTACHMENT_TYPES;

/**
 * Xero takes an attachment's MimeType from its file name and ignores the request's Content-Type
 * (xero-node, for one, uploads with axios's default `application/x-www-form-urlencoded`).
 */
function mimeTypeFor(fileName: string): string {
  const extension = fileName.split('.').pop()?.toLowerCase() ?? '';
  return MIME_BY_EXTENSION[extension] ?? 'application/octet-stream';
}

export function findAttachment(attachments: readonly Attachment[], nameOrId: string): Attachment | undefined {
  return (
    attachments.find((a) => a.attachmentId === nameOrId.toLowerCase()) ??
    attachments.find((a) => a.fileName === nameOrId) ??
    attachments.find((a) => a.fileName.toLowerCase() === nameOrId.toLowerCase())
  );
}

/** Attachments on bank transactions (scope accounting.attachments[.read]). */
export function attachmentsRoutes(ctx: SandboxContext): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  const base = '/BankTransactions/:id/Attachments';

  app.get(base, requireScope('accounting.attachments', 'read'), (c) => {
    const data = c.get('organisation');
    const id = c.req.param('id').toLowerCase();
    if (!data.transactionsById.has(id)) return notFound();
    const attachments = data.attachments.get(id) ?? [];
    return c.json(envelope(ctx, { Attachments: attachments.map((a) => attachmentJson(ctx, id, a)) }));
  });

  app.get(`${base}/:nameOrId`, requireScope('accounting.attachments', 'read'), (c) => {
    const data = c.get('organisation');
    const attachment = findAttachment(
      data.attachments.get(c.req.param('id').toLowerCase()) ?? [],
      c.req.param('nameOrId'),
    );
    if (!attachment) return notFound();
    return c.body(attachment.content.slice().buffer, 200, {
      'content-type': attachment.mimeType,
      'content-length': String(attachment.content.byteLength),
    });
  });

  // PUT creates, POST updates; both overwrite a file of the same name, as Xero does.
  for (const method of ['put', 'post'] as const) {
    app[method](`${base}/:fileName`, requireScope('accounting.attachments', 'write'), async (c) => {
      const data = c.get('organisation');
      const id = c.req.param('id').toLowerCase();
      const transaction = data.transactionsById.get(id);
      if (!transaction) return notFound();
      const fileName = c.req.param('fileName');
      if (fileName.trim().length === 0 || hasForbiddenCharacter(fileName)) {
        return validationException(
          ['The file name contains invalid characters. These are not allowed: < > : " / \\ | ? * +'],
          id,
        );
      }
      const { limits } = ctx.state;
      const declaredLength = Number(c.req.header('content-length') ?? '0');
      if (declaredLength > limits.attachmentMaxBytes)
        return payloadTooLarge(tooLargeMessage(limits.attachmentMaxBytes));
      const content = new Uint8Array(await c.req.arrayBuffer());
      if (content.byteLength > limits.attachmentMaxBytes)
        return payloadTooLarge(tooLargeMessage(limits.attachmentMaxBytes));
      if (content.byteLength === 0) return validationException(['The attachment has no content.'], id);
      const attachments = data.attachments.get(id) ?? [];
      const existing = attachments.findIndex((a) => a.fileName.toLowerCase() === fileName.toLowerCase());
      if (existing === -1 && attachments.length >= limits.attachmentsPerDocument) {
        return validationException(
          [
            `A document can have at most ${limits.attachmentsPerDocument} attachments. Remove one before adding another.`,
          ],
          id,
        );
      }
      const attachment = makeAttachment(
        existing === -1
          ? ctx.state.ids.guid()
          : (attachments[existing]?.attachmentId ?? ctx.state.ids.guid()),
        fileName,
        mimeTypeFor(fileName),
        content,
      );
      if (existing === -1) attachments.push(attachment);
      else attachments[existing] = attachment;
      data.attachments.set(id, attachments);
      transaction.updatedAt = ctx.clock.now();
      return c.json(envelope(ctx, { Attachments: [attachmentJson(ctx, id, attachment)] }));
    });
  }

  return app;
}

function tooLargeMessage(maxBytes: number): string {
  return `The file is too large. Attachments can be at most ${Math.round((maxBytes / 1024 / 1024) * 100) / 100} MB (${maxBytes} bytes).`;
}
