import { randomUUID } from 'node:crypto';
import { and, asc, count, desc, eq, lt, lte, or } from 'drizzle-orm';
import { z } from 'zod';
import {
  isoWeekday,
  type NotifyNowResult,
  type ReminderSchedule,
  type reminderScheduleInputSchema,
  weekdayName,
} from '../../lib/hub/reminders.ts';
import {
  clientTask,
  firm,
  firmMember,
  reminderSchedule,
  reminderSent,
  user,
  workspace,
  workspaceMember,
} from '../db/schema/index.ts';
import type { Mailer } from '../email/mailer.ts';
import type { JobQueue } from '../jobs/queue.ts';
import type { Member, WorkspaceRow } from './access.ts';
import { recordActivity } from './activity.ts';
import type { Deps } from './context.ts';
import { portalSignInUrl, reminderEmail } from './reminder-email.ts';
import { nextSendAfter } from './schedule.ts';

/** The queue reminder sends go through, and its retry policy (backoff: 10 s, 20 s, 40 s … up to 10 min). */
export const REMINDER_QUEUE = 'reminder-send';
export const REMINDER_QUEUE_OPTIONS = {
  retryLimit: 8,
  retryDelay: 10,
  retryBackoff: true,
  retryDelayMax: 600,
  // A worker that died mid-send gives its job back after this long.
  expireInSeconds: 300,
} as const;

/**
 * A send claimed but never finished (its sender died between claiming and recording the outcome)
 * may be tried again after this long. It is shorter than the job's expiry, so the retry pg-boss
 * makes of an expired job does send; the one case that can send twice is a crash after the mail
 * server accepted the message and before the hub recorded it.
 */
const SEND_LEASE_MS = 2 * 60_000;
/** A scheduled send found more than this late (every hub was down) is skipped, not sent at night. */
const LATE_LIMIT_MS = 12 * 60 * 60_000;

export const reminderJobSchema = z.object({
  workspaceId: z.string(),
  /** `schedule:<instant>` or `now:<id>`: one email per person per slot. */
  slot: z.string(),
  trigger: z.enum(['schedule', 'now']),
  requestedBy: z.string().nullable(),
});
export type ReminderJob = z.infer<typeof reminderJobSchema>;

/** What the reminder worker needs besides the database. */
export interface ReminderDeps extends Deps {
  jobs: JobQueue;
}

type ScheduleRow = typeof reminderSchedule.$inferSelect;

const toWeeklyTime = (row: Pick<ScheduleRow, 'weekdays' | 'time' | 'timeZone'>) => ({
  weekdays: row.weekdays,
  time: row.time,
  timeZone: row.timeZone,
});

/** A workspace without a schedule has reminders off (Mondays 9:00 UTC is only what the form starts from). */
function scheduleView(row: ScheduleRow | undefined): ReminderSchedule {
  if (!row) {
    return {
      enabled: false,
      weekdays: ['Monday'],
      time: '09:00',
      timeZone: 'UTC',
      nextSendAt: null,
      updatedAt: null,
    };
  }
  return {
    enabled: row.enabled,
    weekdays: row.weekdays.map(weekdayName),
    time: row.time,
    timeZone: row.timeZone,
    nextSendAt: row.nextSendAt?.toISOString() ?? null,
    updatedAt: row.updatedAt.toISOString(),
  };
}

export async function reminderScheduleOf(deps: Deps, workspaceId: string): Promise<ReminderSchedule> {
  const [row] = await deps.db
    .select()
    .from(reminderSchedule)
    .where(eq(reminderSchedule.workspaceId, workspaceId));
  return scheduleView(row);
}

export async function saveReminderSchedule(
  deps: Deps,
  member: Member,
  target: WorkspaceRow,
  input: z.output<typeof reminderScheduleInputSchema>,
): Promise<ReminderSchedule> {
  const now = deps.clock.now();
  const weekly = { weekdays: input.weekdays.map(isoWeekday), time: input.time, timeZone: input.timeZone };
  const values = {
    ...weekly,
    enabled: input.enabled,
    nextSendAt: input.enabled ? nextSendAfter(weekly, now) : null,
    updatedBy: member.userId,
    updatedAt: now,
  };
  const [row] = await deps.db
    .insert(reminderSchedule)
    .values({ workspaceId: target.id, firmId: target.firmId, ...values })
    .onConflictDoUpdate({ target: reminderSchedule.workspaceId, set: values })
    .returning();
  await recordActivity(deps, {
    firmId: target.firmId,
    workspaceId: target.id,
    actorId: member.userId,
    action: 'reminders.schedule-changed',
    detail: { ...input },
  });
  return scheduleView(row);
}

async function openQuestionsOf(deps: Deps, workspaceId: string): Promise<number> {
  const [row] = await deps.db
    .select({ n: count() })
    .from(clientTask)
    .where(and(eq(clientTask.workspaceId, workspaceId), eq(clientTask.status, 'Open')));
  return row?.n ?? 0;
}

/** The client users invited to the workspace: the people reminders go to. */
async function clientUsersOf(deps: Deps, workspaceId: string) {
  return deps.db
    .select({ userId: user.id, name: user.name, email: user.email })
    .from(workspaceMember)
    .innerJoin(user, eq(user.id, workspaceMember.userId))
    .innerJoin(firmMember, eq(firmMember.userId, workspaceMember.userId))
    .where(and(eq(workspaceMember.workspaceId, workspaceId), eq(firmMember.role, 'Client User')))
    .orderBy(asc(user.email));
}

/**
 * "Notify now": queues one digest per client user, in the same transaction as the request's own
 * record (an Idempotency-Key repeat queues nothing more). Nothing is queued when nothing is open.
 */
export async function notifyNow(
  deps: ReminderDeps,
  member: Member,
  target: WorkspaceRow,
): Promise<NotifyNowResult> {
  const openQuestions = await openQuestionsOf(deps, target.id);
  const recipients = (await clientUsersOf(deps, target.id)).length;
  const queued = openQuestions > 0 && recipients > 0;
  if (queued) {
    const job: ReminderJob = {
      workspaceId: target.id,
      slot: `now:${randomUUID()}`,
      trigger: 'now',
      requestedBy: member.userId,
    };
    await deps.jobs.enqueue(REMINDER_QUEUE, job, deps.db);
  }
  await recordActivity(deps, {
    firmId: target.firmId,
    workspaceId: target.id,
    actorId: member.userId,
    action: 'reminders.notify-now',
    detail: { queued, openQuestions, recipients },
  });
  return { queued, openQuestions, recipients };
}

export async function reminderHistory(deps: Deps, workspaceId: string, limit: number) {
  const rows = await deps.db
    .select()
    .from(reminderSent)
    .where(eq(reminderSent.workspaceId, workspaceId))
    .orderBy(desc(reminderSent.claimedAt), asc(reminderSent.email))
    .limit(limit);
  return rows.map((r) => ({
    id: r.id,
    userId: r.userId,
    name: r.name,
    email: r.email,
    trigger: r.trigger,
    openQuestions: r.openQuestions,
    state: r.state,
    sentAt: r.sentAt?.toISOString() ?? null,
    createdAt: r.claimedAt.toISOString(),
  }));
}

/**
 * Finds schedules whose time has come and queues their send. Every hub instance runs this; the due
 * rows are claimed with FOR UPDATE SKIP LOCKED, moved on to their next slot and their jobs queued
 * in one transaction, so exactly one instance queues each slot and another instance looking at the
 * same moment skips those rows (and, after the commit, no longer finds them due).
 */
export async function queueDueReminders(deps: ReminderDeps): Promise<number> {
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const due = await tx
      .select()
      .from(reminderSchedule)
      .where(and(eq(reminderSchedule.enabled, true), lte(reminderSchedule.nextSendAt, now)))
      .orderBy(asc(reminderSchedule.nextSendAt))
      .limit(100)
      .for('update', { skipLocked: true });
    let queued = 0;
    for (const schedule of due) {
      const slotAt = schedule.nextSendAt as Date;
      await tx
        .update(reminderSchedule)
        .set({ nextSendAt: nextSendAfter(toWeeklyTime(schedule), now) })
        .where(eq(reminderSchedule.workspaceId, schedule.workspaceId));
      if (now.getTime() - slotAt.getTime() > LATE_LIMIT_MS) continue;
      const job: ReminderJob = {
        workspaceId: schedule.workspaceId,
        slot: `schedule:${slotAt.toISOString()}`,
        trigger: 'schedule',
        requestedBy: null,
      };
      await deps.jobs.enqueue(REMINDER_QUEUE, job, tx);
      queued++;
    }
    return queued;
  });
}

/**
 * Claims the one send of `slot` to this person: a new row, or one whose earlier attempt failed or
 * was abandoned. Null when it was sent already or another worker is sending it right now.
 */
async function claimSend(
  deps: Deps,
  target: { id: string; firmId: string },
  job: ReminderJob,
  person: { userId: string; name: string; email: string },
  openQuestions: number,
): Promise<string | null> {
  const now = deps.clock.now();
  const [inserted] = await deps.db
    .insert(reminderSent)
    .values({
      id: randomUUID(),
      firmId: target.firmId,
      workspaceId: target.id,
      ...person,
      slot: job.slot,
      trigger: job.trigger,
      requestedBy: job.requestedBy,
      openQuestions,
      state: 'sending',
      claimedAt: now,
    })
    .onConflictDoNothing()
    .returning({ id: reminderSent.id });
  if (inserted) return inserted.id;
  const [reclaimed] = await deps.db
    .update(reminderSent)
    .set({ state: 'sending', claimedAt: now, openQuestions, error: null })
    .where(
      and(
        eq(reminderSent.workspaceId, target.id),
        eq(reminderSent.slot, job.slot),
        eq(reminderSent.userId, person.userId),
        or(
          eq(reminderSent.state, 'failed'),
          and(
            eq(reminderSent.state, 'sending'),
            lt(reminderSent.claimedAt, new Date(now.getTime() - SEND_LEASE_MS)),
          ),
        ),
      ),
    )
    .returning({ id: reminderSent.id });
  return reclaimed?.id ?? null;
}

/**
 * The reminder job: one digest per client user of the workspace, counting the questions open now.
 * Nothing is sent when none is open. A person's failed send fails the job after the others went
 * out, so pg-boss retries it with backoff; the retry skips everyone already reminded.
 */
export async function sendReminders(
  deps: Deps,
  mail: { mailer: Mailer; publicUrl: string },
  job: ReminderJob,
): Promise<{ sent: number }> {
  const [target] = await deps.db
    .select({ id: workspace.id, firmId: workspace.firmId, name: workspace.name, firmName: firm.name })
    .from(workspace)
    .innerJoin(firm, eq(firm.id, workspace.firmId))
    .where(eq(workspace.id, job.workspaceId));
  // The workspace was removed after the job was queued: there is no one left to remind.
  if (!target) return { sent: 0 };
  const openQuestions = await openQuestionsOf(deps, target.id);
  if (openQuestions === 0) return { sent: 0 };
  let sent = 0;
  let failure: unknown;
  for (const person of await clientUsersOf(deps, target.id)) {
    const claim = await claimSend(deps, target, job, person, openQuestions);
    if (!claim) continue;
    try {
      const message = reminderEmail({
        firmName: target.firmName,
        workspaceName: target.name,
        to: person.email,
        recipientName: person.name,
        openQuestions,
        signInUrl: portalSignInUrl(mail.publicUrl, person.email),
      });
      const { messageId } = await mail.mailer.send(message);
      await deps.db
        .update(reminderSent)
        .set({ state: 'sent', messageId, sentAt: deps.clock.now() })
        .where(eq(reminderSent.id, claim));
      sent++;
    } catch (error) {
      await deps.db
        .update(reminderSent)
        .set({
          state: 'failed',
          error: (error instanceof Error ? error.message : String(error)).slice(0, 500),
        })
        .where(eq(reminderSent.id, claim));
      failure ??= error;
    }
  }
  if (failure) throw failure;
  return { sent };
}
