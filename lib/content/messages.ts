import * as v from 'valibot';
import { browser } from 'wxt/browser';
import {
  envelopeSchema,
  type PageRequestOf,
  type PageRequestType,
  type PageResponseOf,
  pageResponseSchemas,
  type TasksChanged,
  tasksChangedSchema,
} from '../messaging/page-contract';

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
  let raw: unknown;
  try {
    raw = await browser.runtime.sendMessage(request);
  } catch {
    // The extension was updated or reloaded: this page's content script is orphaned.
    throw new PageMessageError('background-unreachable', UNREADABLE);
  }
  const envelope = v.safeParse(envelopeSchema, raw);
  if (!envelope.success) throw new PageMessageError('invalid-reply', UNREADABLE);
  if (!envelope.output.ok)
    throw new PageMessageError(envelope.output.error.code, envelope.output.error.message);
  const parsed = v.safeParse(pageResponseSchemas[request.type], envelope.output.data);
  if (!parsed.success) throw new PageMessageError('invalid-reply', UNREADABLE);
  return parsed.output as PageResponseOf<T>;
}

/** Task changes announced by the background; anything else arriving here is ignored. */
export function onTasksChanged(listener: (message: TasksChanged) => void, signal: AbortSignal): void {
  const onMessage = (message: unknown, sender: { id?: string | undefined }) => {
    if (sender.id !== browser.runtime.id) return;
    const parsed = v.safeParse(tasksChangedSchema, message);
    if (parsed.success) listener(parsed.output);
  };
  browser.runtime.onMessage.addListener(onMessage);
  signal.addEventListener('abort', () => browser.runtime.onMessage.removeListener(onMessage), { once: true });
}
