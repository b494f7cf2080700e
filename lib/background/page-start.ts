import type { PageResponseOf } from '../messaging/page-contract';
import { type Sender, type SenderOrigins, senderKind, tabIdOf } from '../messaging/router';

/** Where to inject the content script: the document that asked (where the browser names it), else its frame. */
export interface PageScriptTarget {
  tabId: number;
  frameId: number;
  /** Chrome's id of the sending document: injection then fails rather than reach a later one. */
  documentId?: string;
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
    const frameId = typeof sender.frameId === 'number' ? sender.frameId : 0;
    const documentId = typeof sender.documentId === 'string' ? sender.documentId : undefined;
    await deps.inject(documentId ? { tabId, frameId, documentId } : { tabId, frameId });
    return { started: true };
  };
}
