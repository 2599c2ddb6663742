import type { FieldIssue } from '../errors.ts';

/**
 * Instants arrive as ISO 8601 strings with an explicit offset (`2026-06-01T00:00:00-03:00`
 * or `...Z`). They are parsed here, strictly, to epoch milliseconds: a local time without
 * an offset is ambiguous, and `Date.parse` accepts far too much. Milliseconds as a JS
 * number are exact for every date a `Date` can hold; anything multiplied by bytes is
 * done in bigint by the caller.
 */
const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|[+-]\d{2}:\d{2})$/;

export function parseInstant(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const m = ISO_INSTANT.exec(value);
  if (!m) return null;
  const [year, month, day, hour, minute] = [m[1], m[2], m[3], m[4], m[5]].map(Number) as [number, number, number, number, number];
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const millis = m[7] === undefined ? 0 : Number(m[7].padEnd(3, '0'));
  if (year < 1000 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  let offsetMinutes = 0;
  const zone = m[8]!;
  if (zone !== 'Z') {
    const oh = Number(zone.slice(1, 3));
    const om = Number(zone.slice(4, 6));
    if (oh > 23 || om > 59) return null;
    offsetMinutes = (zone[0] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  return Date.UTC(year, month - 1, day, hour, minute, second, millis) - offsetMinutes * 60_000;
}

/** Parses, or records an issue at `path` and returns null. */
export function checkInstant(value: unknown, path: string, issues: FieldIssue[]): number | null {
  const ms = parseInstant(value);
  if (ms === null) issues.push({ path, message: 'must be an ISO 8601 instant with an offset, e.g. 2026-06-01T00:00:00-03:00 or 2026-06-01T03:00:00Z (at most millisecond precision)' });
  return ms;
}

/** The canonical form every output uses: UTC, milliseconds, `Z`. */
export function formatInstant(ms: number): string {
  return new Date(ms).toISOString();
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** "15 days", "30 days 23 hours", "2 hours 30 minutes": durations as a person says them. */
export function describeDuration(ms: number): string {
  const units: [number, string][] = [
    [86_400_000, 'day'],
    [3_600_000, 'hour'],
    [60_000, 'minute'],
    [1_000, 'second'],
    [1, 'millisecond'],
  ];
  const parts: string[] = [];
  let rest = ms;
  for (const [size, name] of units) {
    const count = Math.floor(rest / size);
    rest -= count * size;
    if (count > 0) parts.push(`${count} ${name}${count === 1 ? '' : 's'}`);
  }
  return parts.length === 0 ? '0 seconds' : parts.join(' ');
}
