import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres';
import { migrate as migrateNodePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';
import * as schema from './schema/index.ts';

export type HubSchema = typeof schema;
/** A database or a transaction on it: the domain takes either. */
export type HubDb = PgDatabase<PgQueryResultHKT, HubSchema>;
export type DatabaseKind = 'pglite' | 'postgresql';

export interface HubDatabase {
  db: HubDb;
  kind: DatabaseKind;
  /** The embedded database itself (PGlite only): the job queue talks to it directly. */
  pglite?: PGlite;
  /** The server's address (PostgreSQL only): the job queue keeps a small pool of its own. */
  url?: string;
  close(): Promise<void>;
}

const MIGRATIONS = fileURLToPath(new URL('./migrations', import.meta.url));
/** Any fixed number: every instance takes the same lock before migrating, so only one migrates at a time. */
const MIGRATION_LOCK = 7_140_014;

export interface OpenOptions {
  /** postgres://… for a PostgreSQL server; otherwise the embedded PGlite in `dataDir`. */
  databaseUrl?: string | undefined;
  /** Folder for PGlite's files; `memory://` keeps it in memory (tests). */
  dataDir: string;
  /** Connections per instance on PostgreSQL. */
  poolSize?: number;
}

export async function openDatabase(options: OpenOptions): Promise<HubDatabase> {
  if (options.databaseUrl) return openPostgres(options.databaseUrl, options.poolSize ?? 10);
  return openPglite(options.dataDir);
}

async function openPglite(dataDir: string): Promise<HubDatabase> {
  const memory = dataDir.startsWith('memory://');
  if (!memory) mkdirSync(dataDir, { recursive: true });
  const client = await PGlite.create(memory ? dataDir : `${dataDir}/pglite`);
  const db = drizzlePglite(client, { schema });
  // One process owns a PGlite folder, but the lock costs nothing and keeps one code path.
  await db.execute(sql`select pg_advisory_lock(${MIGRATION_LOCK})`);
  try {
    await migratePglite(db, { migrationsFolder: MIGRATIONS });
  } finally {
    await db.execute(sql`select pg_advisory_unlock(${MIGRATION_LOCK})`);
  }
  return { db: db as unknown as HubDb, kind: 'pglite', pglite: client, close: () => client.close() };
}

async function openPostgres(url: string, poolSize: number): Promise<HubDatabase> {
  // Migrate on one dedicated connection: an advisory lock belongs to the session that took it.
  const migrator = new pg.Client({ connectionString: url });
  await migrator.connect();
  try {
    await migrator.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await migrateNodePg(drizzleNodePg(migrator), { migrationsFolder: MIGRATIONS });
    await migrator.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]);
  } finally {
    await migrator.end();
  }
  const pool = new pg.Pool({ connectionString: url, max: poolSize, connectionTimeoutMillis: 5_000 });
  // A connection dropped while idle (server restarted) must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  const db = drizzleNodePg(pool, { schema });
  return { db: db as unknown as HubDb, kind: 'postgresql', url, close: () => pool.end() };
}

/** The cheapest question that needs the database: health checks and "is it down?" ask it. */
export const probeDatabase = (db: HubDb) => db.execute(sql`select 1`);

const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EPIPE',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
]);

/** Whether an error means the database cannot be reached (the request may succeed later). */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; depth++) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true;
    if (
      typeof message === 'string' &&
      /Connection terminated|timeout exceeded when trying to connect/i.test(message)
    )
      return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}
