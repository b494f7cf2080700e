/**
 * Xero names an organisation's time zone the Windows way, upper-cased without spaces
 * (`NEWZEALANDSTANDARDTIME`). The 90-day backfill counts days in that zone, so the common ones map to
 * IANA names here. An unknown name falls back to UTC: at worst the window starts a day early or late,
 * which the next incremental sync cannot fix but which only matters for transactions on that one day.
 */
const XERO_TIME_ZONES: Record<string, string> = {
  NEWZEALANDSTANDARDTIME: 'Pacific/Auckland',
  CHATHAMISLANDSSTANDARDTIME: 'Pacific/Chatham',
  AUSEASTERNSTANDARDTIME: 'Australia/Sydney',
  EAUSTRALIASTANDARDTIME: 'Australia/Brisbane',
  AUSCENTRALSTANDARDTIME: 'Australia/Darwin',
  CENACENTRALSTANDARDTIME: 'Australia/Adelaide',
  CENAUSTRALIASTANDARDTIME: 'Australia/Adelaide',
  TASMANIASTANDARDTIME: 'Australia/Hobart',
  WAUSTRALIASTANDARDTIME: 'Australia/Perth',
  GMTSTANDARDTIME: 'Europe/London',
  GREENWICHSTANDARDTIME: 'Atlantic/Reykjavik',
  UTC: 'UTC',
  IRISHSTANDARDTIME: 'Europe/Dublin',
  WEUROPESTANDARDTIME: 'Europe/Berlin',
  ROMANCESTANDARDTIME: 'Europe/Paris',
  CENTRALEUROPESTANDARDTIME: 'Europe/Budapest',
  SOUTHAFRICASTANDARDTIME: 'Africa/Johannesburg',
  SINGAPORESTANDARDTIME: 'Asia/Singapore',
  CHINASTANDARDTIME: 'Asia/Shanghai',
  TOKYOSTANDARDTIME: 'Asia/Tokyo',
  INDIASTANDARDTIME: 'Asia/Kolkata',
  ARABIANSTANDARDTIME: 'Asia/Dubai',
  EASTERNSTANDARDTIME: 'America/New_York',
  CENTRALSTANDARDTIME: 'America/Chicago',
  MOUNTAINSTANDARDTIME: 'America/Denver',
  USMOUNTAINSTANDARDTIME: 'America/Phoenix',
  PACIFICSTANDARDTIME: 'America/Los_Angeles',
  ALASKANSTANDARDTIME: 'America/Anchorage',
  HAWAIIANSTANDARDTIME: 'Pacific/Honolulu',
  ATLANTICSTANDARDTIME: 'America/Halifax',
  NEWFOUNDLANDSTANDARDTIME: 'America/St_Johns',
  CANADACENTRALSTANDARDTIME: 'America/Regina',
  FIJISTANDARDTIME: 'Pacific/Fiji',
  SAMOASTANDARDTIME: 'Pacific/Apia',
};

/** The IANA zone for a Xero Timezone name (case and spaces ignored), UTC when unknown. */
export function ianaTimeZone(xeroTimezone: string | undefined): string {
  if (!xeroTimezone) return 'UTC';
  const key = xeroTimezone.replace(/[\s_-]/g, '').toUpperCase();
  const mapped = XERO_TIME_ZONES[key];
  if (mapped) return mapped;
  // Some callers already store an IANA name.
  if (xeroTimezone.includes('/')) {
    try {
      new Intl.DateTimeFormat('en-CA', { timeZone: xeroTimezone });
      return xeroTimezone;
    } catch {
      return 'UTC';
    }
  }
  return 'UTC';
}

/** The calendar day (`YYYY-MM-DD`) it is at `now` in an IANA zone. */
export function localDate(now: number, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(new Date(now));
  const get = (type: string) => parts.find((part) => part.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** `YYYY-MM-DD` moved by whole days (calendar arithmetic, no zone involved). */
export function addDays(date: string, days: number): string {
  const ms = Date.parse(`${date}T00:00:00Z`) + days * 86_400_000;
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * First calendar day of the backfill: "the last 90 days" is today (in the organisation's zone) and the
 * 89 days before it. A transaction dated on this day is included, the day before is not.
 */
export function backfillFromDate(now: number, xeroTimezone: string | undefined, days = 90): string {
  return addDays(localDate(now, ianaTimeZone(xeroTimezone)), -(days - 1));
}
