import {
  type PageRequestOf,
  type PageRequestType,
  type PageResponseOf,
  pageResponseSchemas,
  readReply,
  type TasksChanged,
  tasksChangedSchema,
} from '../messaging/page-contract';
import { check } from '../messaging/standard-schema';
import { contentRuntime } from './runtime';

/** A failure the background explained: its plain-language message is what the badge shows. */
export class PageMessageError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const UNREADABLE = 'Client Hub could not reach its background. Reload this page and try again.';

/** Asks the background; the answer is validated against the page contract before anyone uses it. */
export async function askBackground<T extends PageRequestType>(
  request: PageRequestOf<T> & { type: T },
): Promise<PageResponseOf<T>> {
  const runtime = contentRuntime();
  let raw: unknown;
  try {
    if (!runtime) throw new Error('no extension runtime');
    raw = await runtime.sendMessage(request);
  } catch {
    // The extension was updated or reloaded: this page's content script is orphaned.
    throw new PageMessageError('background-unreachable', UNREADABLE);
  }
  const reply = readReply(pageResponseSchemas[request.type], raw);
  if (!reply) throw new PageMessageError('invalid-reply', UNREADABLE);
  if (!reply.ok) throw new PageMessageError(reply.error.code, reply.error.message);
  return reply.data as PageResponseOf<T>;
}

/** Task changes announced by the background; anything else arriving here is ignored. */
export function onTasksChanged(listener: (message: TasksChanged) => void, signal: AbortSignal): void {
  const runtime = contentRuntime();
  if (!runtime) return;
  const onMessage = (message: unknown, sender: { id?: string | undefined }) => {
    if (sender.id !== runtime.id) return;
    const parsed = check(tasksChangedSchema, message);
    if (parsed.success) listener(parsed.data);
  };
  runtime.onMessage.addListener(onMessage);
  signal.addEventListener('abort', () => runtime.onMessage.removeListener(onMessage), { once: true });
}
