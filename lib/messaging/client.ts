import {
  type AnyRequest,
  envelopeSchema,
  type MessageError,
  type RequestType,
  type ResponseOf,
  responseSchemas,
} from './contract';

export class BackgroundError extends Error {
  constructor(readonly detail: MessageError) {
    super(detail.message);
    this.name = 'BackgroundError';
  }
}

export type SendMessage = (message: unknown) => Promise<unknown>;

/** Asks the background and validates its answer against the contract. */
export async function askBackground<R extends AnyRequest>(
  send: SendMessage,
  request: R,
): Promise<ResponseOf<R['type']>> {
  const envelope = envelopeSchema.safeParse(await send(request));
  if (!envelope.success) {
    throw new BackgroundError({
      code: 'invalid-reply',
      message: 'Client Hub’s background sent an answer it should not have.',
    });
  }
  if (!envelope.data.ok) throw new BackgroundError(envelope.data.error);
  const schema = responseSchemas[request.type as RequestType];
  return schema.parse(envelope.data.data) as ResponseOf<R['type']>;
}
