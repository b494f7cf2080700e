import { describeDatabase } from '../support/hub-database-report';

/**
 * Global setup of the `hub-postgres` project (tests that need a real PostgreSQL server: two instances on
 * one database, faults). It refuses to run without DATABASE_URL rather than skip: these tests run in
 * the PostgreSQL pass, `npm run test:hub:postgres`, which sets it.
 */
export default function requirePostgres() {
  if (!process.env.DATABASE_URL) {
    throw new Error(
      'The hub-postgres tests need PostgreSQL and did not run: DATABASE_URL is not set. Run `npm run test:hub:postgres`, which starts the local PostgreSQL and sets it.',
    );
  }
  console.log(
    `\n[hub-postgres] ${describeDatabase(process.env.DATABASE_URL).replace('Hub tests', 'Two-instance and fault tests')}\n`,
  );
}
