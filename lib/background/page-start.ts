import type { PageResponseOf } from '../messaging/page-contract';
import { type Sender, type SenderOrigins, senderKind } from '../messaging/router';
import { tabIdOf } from './rate-limit';

/** Where to inject the content script: the frame that asked, in its tab. */
export interface PageScriptTarget {
  tabId: number;
  frameId: number;
}

/**
 * The background's half of starting our content script on a Xero page (entrypoints/xero-start.ts):
 * the start script asks once its page has loaded, and the content script is injected into that
 * frame alone. Only a content script on a Xero page may ask (the router lets extension pages send
 * any request; this one injects into web pages only); which frame is the browser's word, never the
 * message's.
 */
export function createStartPageHandler(deps: {
  /** scripting.executeScript of the content script's file into `target`. */
  inject?: ((target: PageScriptTarget) => Promise<void>) | undefined;
  origins: SenderOrigins;
}) {
  return async (_request: unknown, sender: Sender): Promise<PageResponseOf<'xero.startPage'>> => {
    const tabId = tabIdOf(sender);
    if (!deps.inject || tabId === undefined || senderKind(sender, deps.origins) !== 'content-script')
      return { started: false };
    await deps.inject({ tabId, frameId: typeof sender.frameId === 'number' ? sender.frameId : 0 });
    return { started: true };
  };
}
