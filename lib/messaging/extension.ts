import { browser } from 'wxt/browser';
import { askBackground } from './client';
import type { RequestOf, RequestType, ResponseOf } from './contract';

/** askBackground bound to this extension's runtime, for pages and the content script. */
export const ask = <T extends RequestType>(request: RequestOf<T>): Promise<ResponseOf<T>> =>
  askBackground<T>((message) => browser.runtime.sendMessage(message), request);
