import { bigserial, index, integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { user } from './auth.ts';
import { firm } from './firm.ts';

/** Who did what, when: append-only. */
export const activity = pgTable(
  'activity',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    firmId: text('firm_id')
      .notNull()
      .references(() => firm.id, { onDelete: 'cascade' }),
    workspaceId: text('workspace_id'),
    taskId: text('task_id'),
    actorId: text('actor_id').references(() => user.id, { onDelete: 'set null' }),
    action: text('action').notNull(),
    detail: jsonb('detail').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('activity_workspace_idx').on(t.workspaceId, t.id)],
);

/** The first answer to a request sent with an Idempotency-Key, replayed for the same key. */
export const idempotentRequest = pgTable(
  'idempotent_request',
  {
    userId: text('user_id')
      .notNull()
      .references(() => user.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    fingerprint: text('fingerprint').notNull(),
    status: integer('status').notNull(),
    body: jsonb('body').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.key] })],
);

/** Settings every instance must share, such as the key that signs sessions. */
export const hubSetting = pgTable('hub_setting', {
  name: text('name').primaryKey(),
  value: text('value').notNull(),
});
