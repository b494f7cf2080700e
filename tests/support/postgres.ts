import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** A database of its own on the PostgreSQL server that DATABASE_URL names (tests and the bench). */
export interface ScratchDatabase {
  readonly url: string;
  readonly name: string;
  drop(): Promise<void>;
}

/**
 * Makes a fresh, empty database beside the one `baseUrl` names, as the same role (which needs CREATEDB;
 * scripts/with-postgres.sh grants it). Its name starts with the base database's name, so that script
 * drops it too if a run dies before `drop()`.
 */
export async function createScratchDatabase(baseUrl: string, label: string): Promise<ScratchDatabase> {
  const base = new URL(baseUrl);
  const baseName = decodeURIComponent(base.pathname.slice(1)) || 'postgres';
  const name = `${baseName}_${label}_${randomBytes(3).toString('hex')}`.toLowerCase().slice(0, 63);
  await withClient(baseUrl, (client) => client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`));
  const url = new URL(baseUrl);
  url.pathname = `/${encodeURIComponent(name)}`;
  return {
    url: url.toString(),
    name,
    drop: async () => {
      await withClient(baseUrl, (client) =>
        client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`),
      );
    },
  };
}

/** One connection for a few statements, closed whatever happens. */
export async function withClient<T>(url: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}
