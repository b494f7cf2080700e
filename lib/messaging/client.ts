import {
  type AnyRequest,
  envelopeSchema,
  type MessageError,
  type RequestType,
  type ResponseOf,
  responseSchemas,
} from './contract';
import { check } from './standard-schema';

export class BackgroundError extends Error {
  constructor(readonly detail: MessageError) {
    super(detail.message);
    this.name = 'BackgroundError';
  }
}

const INVALID_REPLY: MessageError = {
  code: 'invalid-reply',
  message: 'Client Hub’s background sent an answer it should not have.',
};

export type SendMessage = (message: unknown) => Promise<unknown>;

/** Asks the background and validates its answer against the contract. */
export async function askBackground<R extends AnyRequest>(
  send: SendMessage,
  request: R,
): Promise<ResponseOf<R['type']>> {
  const envelope = check(envelopeSchema, await send(request));
  if (!envelope.success) throw new BackgroundError(INVALID_REPLY);
  if (!envelope.data.ok) throw new BackgroundError(envelope.data.error);
  const reply = check(responseSchemas[request.type as RequestType], envelope.data.data);
  if (!reply.success) throw new BackgroundError(INVALID_REPLY);
  return reply.data as ResponseOf<R['type']>;
}
