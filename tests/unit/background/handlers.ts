import { requestSchemas } from '@/lib/messaging/contract';
import type { Handlers } from '@/lib/messaging/router';

/** Handlers for every request type that fail the test if they run: a test overrides the ones it expects. */
export function handlersThatMustNotRun(): Handlers {
  return Object.fromEntries(
    Object.keys(requestSchemas).map((type) => [
      type,
      async () => {
        throw new Error(`${type} should not run`);
      },
    ]),
  ) as unknown as Handlers;
}
