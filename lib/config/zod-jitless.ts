import { z } from 'zod';

/**
 * Imported first by every entrypoint, before any schema exists. Zod compiles object parsers with
 * `new Function` unless told not to, and probes for it once: under the extension's CSP (no eval) the probe
 * fails, and the browser reports it as a CSP violation even though zod swallows the error. Zod reads this
 * setting when a schema is built, so it must come before the first `z.object`.
 */
z.config({ jitless: true });
