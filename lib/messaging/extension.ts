import { browser } from 'wxt/browser';
import { askBackground } from './client';
import type { AnyRequest, ResponseOf } from './contract';

/** askBackground bound to this extension's runtime, for pages and the content script. */
export const ask = <R extends AnyRequest>(request: R): Promise<ResponseOf<R['type']>> =>
  askBackground((message) => browser.runtime.sendMessage(message), request);
