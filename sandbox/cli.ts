import { parseArgs } from 'node:util';
import { z } from 'zod';
import { SANDBOX_DEFAULT_PORT } from '../lib/config/sandbox-build.ts';
import { DEFAULT_SCALE, DEFAULT_SEED } from './config.ts';
import { startSandbox } from './server.ts';

const number = z.coerce.number().int().nonnegative();
const cliOptions = z.object({
  port: number.default(SANDBOX_DEFAULT_PORT),
  host: z.string().default('127.0.0.1'),
  seed: number.default(DEFAULT_SEED),
  scale: number.default(DEFAULT_SCALE),
  'day-limit': number.optional(),
  'minute-limit': number.optional(),
});

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    host: { type: 'string' },
    seed: { type: 'string' },
    scale: { type: 'string' },
    'day-limit': { type: 'string' },
    'minute-limit': { type: 'string' },
  },
});
const options = cliOptions.parse(values);

const sandbox = await startSandbox({
  port: options.port,
  host: options.host,
  seed: options.seed,
  scale: options.scale,
  limits: {
    ...(options['day-limit'] !== undefined ? { perDay: options['day-limit'] } : {}),
    ...(options['minute-limit'] !== undefined ? { perMinute: options['minute-limit'] } : {}),
  },
});
console.log(`Xero sandbox listening on ${sandbox.url}`);
for (const org of sandbox.state.organisations) {
  console.log(
    `  ${org.organisation.name} (${org.organisation.shortCode}) tenantId ${org.organisation.tenantId}`,
  );
}

const stop = (): void => {
  sandbox.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
