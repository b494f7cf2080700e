import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { nextSendAfter, type WeeklyTime } from '../../hub/domain/schedule.ts';
import { reminderScheduleInputSchema } from '../../lib/hub/reminders.ts';

/** The next `count` sends after `from`, each as local wall-clock time and UTC offset in `zone`. */
function sends(schedule: WeeklyTime, from: string, count: number) {
  const out: string[] = [];
  let after = new Date(from);
  for (let i = 0; i < count; i++) {
    const next = nextSendAfter(schedule, after);
    if (!next) throw new Error('no next send');
    out.push(DateTime.fromJSDate(next, { zone: schedule.timeZone }).toFormat('ccc yyyy-MM-dd HH:mm ZZ'));
    after = next;
  }
  return out;
}

const MONDAY = 1;
const WEEKDAYS_ONLY = [1, 2, 3, 4, 5];

describe('reminder schedule across time zones and daylight saving', () => {
  it('Mondays at 9:00 in Auckland stay at 9:00 local when New Zealand starts daylight saving (27 Sep 2026)', () => {
    const auckland = { weekdays: [MONDAY], time: '09:00', timeZone: 'Pacific/Auckland' };
    expect(sends(auckland, '2026-09-14T00:00:00Z', 3)).toEqual([
      'Mon 2026-09-21 09:00 +12:00',
      'Mon 2026-09-28 09:00 +13:00',
      'Mon 2026-10-05 09:00 +13:00',
    ]);
    // As instants, the send before the change and the one after are 7 days less an hour apart.
    const before = nextSendAfter(auckland, new Date('2026-09-14T00:00:00Z')) as Date;
    const after = nextSendAfter(auckland, before) as Date;
    expect(before.toISOString()).toBe('2026-09-20T21:00:00.000Z');
    expect(after.toISOString()).toBe('2026-09-27T20:00:00.000Z');
  });

  it('and when it ends (5 Apr 2026)', () => {
    const auckland = { weekdays: [MONDAY], time: '09:00', timeZone: 'Pacific/Auckland' };
    expect(sends(auckland, '2026-03-28T00:00:00Z', 2)).toEqual([
      'Mon 2026-03-30 09:00 +13:00',
      'Mon 2026-04-06 09:00 +12:00',
    ]);
  });

  it('weekdays at 9:00 in New York stay at 9:00 local across 8 March and 1 November 2026', () => {
    const newYork = { weekdays: WEEKDAYS_ONLY, time: '09:00', timeZone: 'America/New_York' };
    expect(sends(newYork, '2026-03-05T15:00:00Z', 4)).toEqual([
      'Fri 2026-03-06 09:00 -05:00',
      'Mon 2026-03-09 09:00 -04:00',
      'Tue 2026-03-10 09:00 -04:00',
      'Wed 2026-03-11 09:00 -04:00',
    ]);
    expect(sends(newYork, '2026-10-30T14:30:00Z', 2)).toEqual([
      'Mon 2026-11-02 09:00 -05:00',
      'Tue 2026-11-03 09:00 -05:00',
    ]);
    // Friday 30 October 2026 at 10:30 New York time: that day's 9:00 has passed.
    expect(sends(newYork, '2026-10-30T12:59:00Z', 1)).toEqual(['Fri 2026-10-30 09:00 -04:00']);
  });

  it('the same schedule in two zones sends at different instants, each at 9:00 local', () => {
    const at = (timeZone: string) =>
      nextSendAfter({ weekdays: [MONDAY], time: '09:00', timeZone }, new Date('2026-11-29T00:00:00Z'));
    expect(at('Pacific/Auckland')?.toISOString()).toBe('2026-11-29T20:00:00.000Z');
    expect(at('Europe/London')?.toISOString()).toBe('2026-11-30T09:00:00.000Z');
    expect(at('America/New_York')?.toISOString()).toBe('2026-11-30T14:00:00.000Z');
  });

  it('a time inside a spring-forward gap moves on by the gap; one that happens twice is sent once', () => {
    // New York, Sunday 8 March 2026: 02:00 jumps to 03:00, so 02:30 does not exist.
    const gap = { weekdays: [7], time: '02:30', timeZone: 'America/New_York' };
    expect(sends(gap, '2026-03-07T00:00:00Z', 2)).toEqual([
      'Sun 2026-03-08 03:30 -04:00',
      'Sun 2026-03-15 02:30 -04:00',
    ]);
    // New York, Sunday 1 November 2026: 01:30 happens twice (EDT, then EST); the send after the
    // one at 01:30 EST is the next week's, not a second one that night.
    const twice = { weekdays: [7], time: '01:30', timeZone: 'America/New_York' };
    expect(sends(twice, '2026-11-01T05:31:00Z', 1)).toEqual(['Sun 2026-11-01 01:30 -05:00']);
    expect(sends(twice, '2026-10-31T00:00:00Z', 2)).toEqual([
      'Sun 2026-11-01 01:30 -05:00',
      'Sun 2026-11-08 01:30 -05:00',
    ]);
  });

  it('sends later today when the time is still ahead, and never at the instant asked about', () => {
    const daily = { weekdays: [1, 2, 3, 4, 5, 6, 7], time: '09:00', timeZone: 'UTC' };
    expect(nextSendAfter(daily, new Date('2026-11-30T08:59:00Z'))?.toISOString()).toBe(
      '2026-11-30T09:00:00.000Z',
    );
    expect(nextSendAfter(daily, new Date('2026-11-30T09:00:00Z'))?.toISOString()).toBe(
      '2026-12-01T09:00:00.000Z',
    );
  });

  it('has no next send without days or with a zone it does not know', () => {
    expect(nextSendAfter({ weekdays: [], time: '09:00', timeZone: 'UTC' }, new Date())).toBeNull();
    expect(nextSendAfter({ weekdays: [1], time: '09:00', timeZone: 'Mars/Olympus' }, new Date())).toBeNull();
  });

  it('validates what the firm sends: days, a 24-hour time and an IANA zone', () => {
    const ok = reminderScheduleInputSchema.parse({
      enabled: true,
      weekdays: ['Friday', 'Monday', 'Monday'],
      time: '09:00',
      timeZone: 'Pacific/Auckland',
    });
    expect(ok.weekdays).toEqual(['Monday', 'Friday']);
    const refused = (input: Record<string, unknown>) =>
      reminderScheduleInputSchema
        .safeParse({
          enabled: true,
          weekdays: ['Monday'],
          time: '09:00',
          timeZone: 'Pacific/Auckland',
          ...input,
        })
        .error?.issues.map((i) => i.path.join('.'));
    expect(refused({ weekdays: [] })).toEqual(['weekdays']);
    expect(refused({ weekdays: ['Mon'] })).toEqual(['weekdays.0']);
    expect(refused({ time: '9:00' })).toEqual(['time']);
    expect(refused({ time: '24:00' })).toEqual(['time']);
    expect(refused({ timeZone: 'Mars/Olympus' })).toEqual(['timeZone']);
    expect(refused({ timeZone: '+12:00' })).toEqual(['timeZone']);
    expect(refused({ timeZone: '<script>' })).toEqual(['timeZone']);
  });
});
