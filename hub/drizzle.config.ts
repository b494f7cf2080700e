import { defineConfig } from 'drizzle-kit';

// `npm run hub:migrations` writes a new migration after a schema change; they are checked in.
export default defineConfig({
  dialect: 'postgresql',
  schema: './hub/db/schema/index.ts',
  out: './hub/db/migrations',
});
