import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { user } from './auth.ts';
import { firm, workspace } from './firm.ts';
import { inWorkspace } from './tasks.ts';

/**
 * A workspace's reminder schedule, in the client's own time zone. `nextSendAt` is the next send as
 * an instant: each hub instance's worker claims a due schedule by moving it on (compare and set),
 * so one send is enqueued per slot however many instances look.
 */
export const reminderSchedule = pgTable(
  'reminder_schedule',
  {
    workspaceId: text('workspace_id')
      .primaryKey()
      .references(() => workspace.id, { onDelete: 'cascade' }),
    firmId: text('firm_id')
      .notNull()
      .references(() => firm.id, { onDelete: 'cascade' }),
    enabled: boolean('enabled').notNull(),
    /** ISO weekdays, 1 = Monday … 7 = Sunday. */
    weekdays: jsonb('weekdays').$type<number[]>().notNull(),
    /** Local time of day, HH:MM. */
    time: text('time').notNull(),
    /** IANA time zone, e.g. Pacific/Auckland. */
    timeZone: text('time_zone').notNull(),
    nextSendAt: timestamp('next_send_at', { withTimezone: true }),
    updatedBy: text('updated_by').references(() => user.id, { onDelete: 'set null' }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('reminder_schedule_due_idx').on(t.nextSendAt).where(sql`${t.enabled}`)],
);

/**
 * One reminder email to one client user: the firm's record of who was reminded when, and the guard
 * that makes each send happen once (one row per workspace, slot and person, claimed before sending).
 */
export const reminderSent = pgTable(
  'reminder_sent',
  {
    ...inWorkspace(),
    userId: text('user_id')
      .notNull()
      .references(() => user.id, { onDelete: 'cascade' }),
    email: text('email').notNull(),
    name: text('name').notNull(),
    /** Which send this belongs to: `schedule:<instant>` or `now:<id>`. */
    slot: text('slot').notNull(),
    trigger: text('trigger', { enum: ['schedule', 'now'] }).notNull(),
    requestedBy: text('requested_by').references(() => user.id, { onDelete: 'set null' }),
    openQuestions: integer('open_questions').notNull(),
    state: text('state', { enum: ['sending', 'sent', 'failed'] }).notNull(),
    messageId: text('message_id'),
    error: text('error'),
    claimedAt: timestamp('claimed_at', { withTimezone: true }).notNull(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('reminder_sent_once').on(t.workspaceId, t.slot, t.userId),
    index('reminder_sent_workspace_idx').on(t.workspaceId, t.claimedAt),
  ],
);
