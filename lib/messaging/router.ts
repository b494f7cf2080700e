import {
  type AnyRequest,
  anyRequestSchema,
  type Envelope,
  type MessageError,
  type RequestType,
  type ResponseOf,
} from './contract';

export type Handlers = {
  [T in RequestType]: (request: Extract<AnyRequest, { type: T }>) => Promise<ResponseOf<T>>;
};

export interface Sender {
  id?: string | undefined;
}

/**
 * Turns handlers into a runtime.onMessage listener. Messages from anything but this extension, and
 * messages that do not match the contract, are refused before any handler runs.
 */
export function createMessageRouter(
  handlers: Handlers,
  ownExtensionId: string,
  describeError: (error: unknown) => MessageError = toMessageError,
) {
  return async (message: unknown, sender: Sender): Promise<Envelope> => {
    if (sender.id !== ownExtensionId) {
      return {
        ok: false,
        error: { code: 'forbidden-sender', message: 'Message refused: it did not come from Client Hub.' },
      };
    }
    const parsed = anyRequestSchema.safeParse(message);
    if (!parsed.success) {
      return {
        ok: false,
        error: { code: 'invalid-message', message: 'Message refused: it is not one Client Hub understands.' },
      };
    }
    const request = parsed.data;
    const handler = handlers[request.type] as (r: AnyRequest) => Promise<unknown>;
    try {
      return { ok: true, data: await handler(request) };
    } catch (error) {
      return { ok: false, error: describeError(error) };
    }
  };
}

function toMessageError(error: unknown): MessageError {
  if (error && typeof error === 'object' && 'code' in error && 'message' in error) {
    const { code, message } = error as { code: unknown; message: unknown };
    if (typeof code === 'string' && typeof message === 'string') return { code, message };
  }
  return {
    code: 'unknown',
    message: 'Something went wrong in Client Hub. Try again; if it keeps happening, contact support.',
  };
}
