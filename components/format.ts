/** "3 minutes ago", "Never": for Last synced and health times. */
export function timeAgo(at: number | null, now: number): string {
  if (at === null) return 'Never';
  const seconds = Math.max(0, Math.round((now - at) / 1000));
  if (seconds < 45) return 'Just now';
  const units: [Intl.RelativeTimeFormatUnit, number][] = [
    ['day', 86_400],
    ['hour', 3_600],
    ['minute', 60],
  ];
  const format = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
  for (const [unit, size] of units) {
    if (seconds >= size) return format.format(-Math.round(seconds / size), unit);
  }
  return format.format(-1, 'minute');
}
