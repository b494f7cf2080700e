import { randomUUID } from 'node:crypto';
import { type Caller, PASSWORD, type Reply, signIn } from '../hub/harness';
import { createFirmWithCli } from '../support/hub-process';
import type { ScratchDatabase } from '../support/postgres';

export interface ChangesPage {
  changes: {
    kind: string;
    seq: number;
    task?: { id: string; bankTransactionId: string };
    comment?: { body: string };
  }[];
  nextSince: number;
  hasMore: boolean;
}

/** The body of a 2xx reply; anything else fails with what the hub said. */
export function ok<T>(reply: Reply<T>): T {
  if (reply.status < 200 || reply.status > 299)
    throw new Error(`hub answered ${reply.status}: ${JSON.stringify(reply.body)}`);
  return reply.body;
}

/**
 * A firm made with the CLI (`npm run hub -- create-firm`) on a scratch database, its Admin signed in
 * through `hubUrl`, and one workspace linked to a Xero organisation.
 */
export async function firmOn(database: ScratchDatabase, hubUrl: string, dataDir: string) {
  const email = `admin-${randomUUID().slice(0, 8)}@harbour.test`;
  await createFirmWithCli({
    databaseUrl: database.url,
    dataDir,
    name: 'Harbour Lane Accounting',
    adminEmail: email,
    adminPassword: PASSWORD,
  });
  const admin = await signIn(hubUrl, email);
  const workspace = ok(
    await admin.request<{ id: string }>('POST', '/api/workspaces', {
      name: 'Kangaroo Point Cafe',
      tenantId: randomUUID(),
    }),
  );
  return { admin, workspaceId: workspace.id };
}

/** Every change of a workspace from the start, page by page. */
export async function readFeed(client: Caller, workspaceId: string, since = 0, limit = 1000) {
  const seen: ChangesPage['changes'] = [];
  for (;;) {
    const page = ok(
      await client.request<ChangesPage>(
        'GET',
        `/api/workspaces/${workspaceId}/changes?since=${since}&limit=${limit}`,
      ),
    );
    seen.push(...page.changes);
    since = page.nextSince;
    if (!page.hasMore) return seen;
  }
}
