import {
  envelopeSchema,
  type MessageError,
  type RequestOf,
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
export async function askBackground<T extends RequestType>(
  send: SendMessage,
  request: RequestOf<T>,
): Promise<ResponseOf<T>> {
  const envelope = envelopeSchema.safeParse(await send(request));
  if (!envelope.success) {
    throw new BackgroundError({
      code: 'invalid-reply',
      message: 'Client Hub’s background sent an answer it should not have.',
    });
  }
  if (!envelope.data.ok) throw new BackgroundError(envelope.data.error);
  const type = request.type as T;
  return responseSchemas[type].parse(envelope.data.data) as ResponseOf<T>;
}
