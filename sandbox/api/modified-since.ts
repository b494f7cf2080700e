/**
 * `If-Modified-Since` as Xero reads it: an HTTP date or an ISO date-time (UTC when no zone), second
 * precision. Returns the cut-off in ms, or undefined when the header is absent or unreadable.
 */
export function parseModifiedSince(header: string | undefined): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  const isoWithoutZone = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$/.test(trimmed);
  const ms = Date.parse(
    isoWithoutZone ? `${trimmed.length === 10 ? `${trimmed}T00:00:00` : trimmed}Z` : trimmed,
  );
  if (Number.isNaN(ms)) return undefined;
  return Math.floor(ms / 1000) * 1000;
}

/** Records whose UpdatedDateUTC, truncated to the second, is at or after the cut-off. */
export function modifiedSince(updatedAt: number, cutOff: number | undefined): boolean {
  return cutOff === undefined || Math.floor(updatedAt / 1000) * 1000 >= cutOff;
}
