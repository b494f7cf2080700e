import { z } from 'zod';

/**
 * Wire types of a workspace's email reminders (hub routes under /api/workspaces/:id/reminders),
 * shared by the hub and the extension's screens.
 */

export const WEEKDAYS = [
  'Monday',
  'Tuesday',
  'Wednesday',
  'Thursday',
  'Friday',
  'Saturday',
  'Sunday',
] as const;
export const weekdaySchema = z.enum(WEEKDAYS);
export type Weekday = z.infer<typeof weekdaySchema>;

/** ISO weekday number (1 = Monday) of a weekday name, and back. */
export const isoWeekday = (day: Weekday) => WEEKDAYS.indexOf(day) + 1;
export const weekdayName = (iso: number): Weekday => WEEKDAYS[(iso - 1 + 7) % 7] as Weekday;

/** Whether the platform knows this IANA zone (e.g. Pacific/Auckland); offsets such as +12:00 are refused. */
export function isIanaTimeZone(zone: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(zone)) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const isoDate = z.iso.datetime({ offset: true });

export const reminderScheduleInputSchema = z.object({
  enabled: z.boolean(),
  /** The days reminders go out, in the client's time zone. */
  weekdays: z
    .array(weekdaySchema)
    .min(1, 'Pick at least one day')
    .max(7)
    .transform((days) => WEEKDAYS.filter((d) => days.includes(d))),
  /** Local time of day, 24-hour HH:MM. */
  time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Use a 24-hour time such as 09:00'),
  /** The client's IANA time zone, e.g. Pacific/Auckland. */
  timeZone: z
    .string()
    .max(64)
    .refine(isIanaTimeZone, 'Use a time zone name such as Pacific/Auckland or America/New_York'),
});
export type ReminderScheduleInput = z.input<typeof reminderScheduleInputSchema>;

export const reminderScheduleSchema = z.object({
  enabled: z.boolean(),
  weekdays: z.array(weekdaySchema),
  time: z.string(),
  timeZone: z.string(),
  /** The next scheduled send, or null when reminders are off. */
  nextSendAt: isoDate.nullable(),
  updatedAt: isoDate.nullable(),
});
export type ReminderSchedule = z.infer<typeof reminderScheduleSchema>;

export const notifyNowResultSchema = z.object({
  /** Whether reminders were queued; false when no question is open or nobody is invited. */
  queued: z.boolean(),
  openQuestions: z.number().int(),
  recipients: z.number().int(),
});
export type NotifyNowResult = z.infer<typeof notifyNowResultSchema>;

export const reminderSentSchema = z.object({
  id: z.string(),
  userId: z.string(),
  name: z.string(),
  email: z.string(),
  trigger: z.enum(['schedule', 'now']),
  openQuestions: z.number().int(),
  /** `sending` while the email is on its way, `failed` until a retry gets it through. */
  state: z.enum(['sending', 'sent', 'failed']),
  sentAt: isoDate.nullable(),
  createdAt: isoDate,
});
export type ReminderSent = z.infer<typeof reminderSentSchema>;
export const reminderHistorySchema = z.object({ reminders: z.array(reminderSentSchema) });
export const reminderHistoryQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
