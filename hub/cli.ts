import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { createAuth } from './auth.ts';
import { openDatabase } from './db/client.ts';
import { systemClock } from './domain/clock.ts';
import { createFirm, sharedSecret } from './domain/users.ts';
import { mailFromSchema, smtpUrlSchema } from './email/mailer.ts';
import { DEFAULT_DATA_DIR, startHub } from './server.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    port: { type: 'string' },
    host: { type: 'string' },
    data: { type: 'string' },
    'public-url': { type: 'string' },
    'trust-proxy': { type: 'boolean' },
    'web-only': { type: 'boolean' },
    'mail-from': { type: 'string' },
    name: { type: 'string' },
    'admin-email': { type: 'string' },
    'admin-name': { type: 'string' },
    'admin-password': { type: 'string' },
  },
});

const common = z.object({
  data: z.string().default(DEFAULT_DATA_DIR),
});
const serveOptions = common.extend({
  port: z.coerce.number().int().min(0).max(65535).default(4570),
  host: z.string().default('127.0.0.1'),
  'public-url': z.url().optional(),
  'trust-proxy': z.boolean().default(false),
  /** Serve requests and queue jobs, but leave running them (reminder emails) to other instances. */
  'web-only': z.boolean().default(false),
  'mail-from': mailFromSchema.optional(),
});
/** From the environment: checked at start, so a typo is a clear message rather than failed mail later. */
const mailEnvironment = z.object({
  SMTP_URL: z.preprocess((v) => v || undefined, smtpUrlSchema),
  MAIL_FROM: z.preprocess((v) => v || undefined, mailFromSchema.optional()),
});
/** Job timing from the environment (tests and small deployments tune it; the defaults suit most). */
const jobEnvironment = z.object({
  HUB_JOB_POLL_SECONDS: z.coerce.number().min(0.5).max(60).optional(),
  HUB_REMINDER_TICK_SECONDS: z.coerce.number().min(0.1).max(3600).optional(),
});
const createFirmOptions = common.extend({
  name: z.string().trim().min(1, 'Give the firm a name with --name "…"'),
  'admin-email': z.email('Give the first Admin’s address with --admin-email you@firm.example'),
  'admin-name': z.string().trim().min(1).optional(),
  'admin-password': z.string().min(10, 'A password needs at least 10 characters').optional(),
});

function fail(error: z.ZodError): never {
  for (const issue of error.issues) console.error(`${issue.path.join('.') || 'options'}: ${issue.message}`);
  process.exit(2);
}

const command = positionals[0] ?? 'serve';
if (command === 'create-firm') {
  const parsed = createFirmOptions.safeParse(values);
  if (!parsed.success) fail(parsed.error);
  const options = parsed.data;
  const database = await openDatabase({
    databaseUrl: process.env.DATABASE_URL,
    dataDir: resolve(options.data),
  });
  try {
    const auth = createAuth({
      db: database.db,
      secret: await sharedSecret(database.db),
      baseUrl: 'http://127.0.0.1',
      signInAttemptsPerMinute: 10,
      sendSignInEmail: () => {},
    });
    const { firmId, admin } = await createFirm({ db: database.db, clock: systemClock }, auth, {
      name: options.name,
      adminEmail: options['admin-email'],
      adminName: options['admin-name'],
      adminPassword: options['admin-password'],
    });
    console.log(`Created firm “${options.name}” (${firmId}) with Admin ${admin.email} (${admin.userId}).`);
    if (!options['admin-password']) console.log('The Admin has no password: they sign in by emailed link.');
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  } finally {
    await database.close();
  }
} else if (command === 'serve') {
  const parsed = serveOptions.safeParse(values);
  if (!parsed.success) fail(parsed.error);
  const options = parsed.data;
  const timing = jobEnvironment.safeParse(process.env);
  if (!timing.success) fail(timing.error);
  const jobTiming = timing.data;
  const environment = mailEnvironment.safeParse(process.env);
  if (!environment.success) fail(environment.error);
  const hub = await startHub({
    port: options.port,
    host: options.host,
    dataDir: options.data,
    ...(options['public-url'] ? { publicUrl: options['public-url'] } : {}),
    trustProxy: options['trust-proxy'],
    jobs: {
      worker: !options['web-only'],
      ...(jobTiming.HUB_JOB_POLL_SECONDS ? { pollSeconds: jobTiming.HUB_JOB_POLL_SECONDS } : {}),
      ...(jobTiming.HUB_REMINDER_TICK_SECONDS
        ? { reminderTickMs: jobTiming.HUB_REMINDER_TICK_SECONDS * 1000 }
        : {}),
    },
    mailFrom: values['mail-from'] ?? process.env.MAIL_FROM,
  });
  console.log(`Client Hub server listening on ${hub.url}`);
  console.log(
    `  mail: ${hub.services.sentMail ? `kept in ${resolve(options.data, 'sent-mail')}, shown at ${hub.url}/sent-mail (this computer only)` : 'sent over SMTP (SMTP_URL)'}`,
  );
  console.log(
    `  database: ${hub.services.kind === 'pglite' ? `embedded (PGlite) in ${resolve(options.data)}` : 'PostgreSQL (DATABASE_URL)'}`,
  );
  const stop = () => {
    hub.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} else {
  console.error(
    `Unknown command “${command}”. Use: npm run hub -- [--port P] [--data DIR], or npm run hub -- create-firm --name … --admin-email …`,
  );
  process.exit(2);
}
