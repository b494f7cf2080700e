import { DateTime, IANAZone } from 'luxon';

/** When reminders go out: on these ISO weekdays (1 = Monday … 7 = Sunday) at HH:MM in `timeZone`. */
export interface WeeklyTime {
  weekdays: readonly number[];
  time: string;
  timeZone: string;
}

export const isTimeZone = (zone: string) => IANAZone.isValidZone(zone);

/**
 * The first send strictly after `after`. Computed in the client's zone with Luxon (the zone rules
 * come from the platform's ICU data), so 9:00 stays 9:00 local across daylight-saving changes. A
 * time that does not exist that day (inside a spring-forward gap) moves forward by the gap, as a
 * wall clock would; a time that happens twice (fall-back) always resolves to the same one of
 * the two (Luxon takes the later), so it is sent once that night.
 */
export function nextSendAfter(schedule: WeeklyTime, after: Date): Date | null {
  if (schedule.weekdays.length === 0 || !isTimeZone(schedule.timeZone)) return null;
  const [hour, minute] = schedule.time.split(':').map(Number) as [number, number];
  const start = DateTime.fromJSDate(after, { zone: schedule.timeZone }).startOf('day');
  // Eight days: today (if the time is still ahead) through the same weekday next week.
  for (let offset = 0; offset <= 7; offset++) {
    const day = start.plus({ days: offset });
    if (!schedule.weekdays.includes(day.weekday)) continue;
    const at = DateTime.fromObject(
      { year: day.year, month: day.month, day: day.day, hour, minute },
      { zone: schedule.timeZone },
    );
    if (at.toMillis() > after.getTime()) return at.toJSDate();
  }
  return null;
}
