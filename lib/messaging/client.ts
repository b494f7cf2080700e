import {
  type AnyRequest,
  type MessageError,
  type RequestType,
  type ResponseOf,
  responseSchemas,
} from './contract';
import { readReply } from './page-contract';

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
  const reply = readReply(responseSchemas[request.type as RequestType], await send(request));
  if (!reply) throw new BackgroundError(INVALID_REPLY);
  if (!reply.ok) throw new BackgroundError(reply.error);
  return reply.data as ResponseOf<R['type']>;
}
