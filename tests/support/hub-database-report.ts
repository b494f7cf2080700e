import type { TestProject } from 'vitest/node';

/**
 * Global setup of the `hub` project: says which database the hub's tests run on, before and after
 * them, so that a run that only had PGlite says so (`npm run test:hub:postgres` is the PostgreSQL pass).
 */
export default function reportHubDatabase(project: TestProject) {
  const line = describeDatabase(process.env.DATABASE_URL);
  console.log(`\n[${project.name}] ${line}\n`);
  return () => console.log(`\n[${project.name}] ${line}\n`);
}

export function describeDatabase(databaseUrl: string | undefined): string {
  if (!databaseUrl) {
    return 'Hub tests: on PGlite only (embedded PostgreSQL). DATABASE_URL is not set, so the PostgreSQL pass did not run here; `npm run test:hub:postgres` runs it.';
  }
  const url = new URL(databaseUrl);
  return `Hub tests: on PostgreSQL at ${url.hostname}:${url.port || 5432}${url.pathname} (DATABASE_URL).`;
}
