import { ValidationError, type FieldIssue } from '../errors.ts';
import { checkInstant, formatInstant } from './instant.ts';
import type { TextRule } from '../shared/field-rule.ts';

/**
 * A billing period is a calendar month, `YYYY-MM`, in the account's IANA time zone. It runs
 * from the first instant of the 1st at local midnight to the first instant of the next
 * month, so its length is its real number of seconds: America/New_York's 2026-03 is 30
 * days 23 hours, its 2026-11 is 30 days 1 hour.
 *
 * The zone's offsets come from `Intl.DateTimeFormat` (the runtime's tz database): data,
 * not a clock. When local midnight is skipped by a DST gap the period starts at the
 * transition (the first instant of the new day); when midnight happens twice, at the
 * first of the two. `periodOf` is defined by these bounds, so every instant falls in
 * exactly one period even across such days.
 */
export type BillingPeriod = string;

export interface PeriodBounds {
  /** ISO instant in UTC, inclusive */
  start: string;
  /** ISO instant in UTC, exclusive: the next period's start */
  end: string;
  /** real seconds between them (DST-aware) */
  seconds: bigint;
  startMs: number;
  endMs: number;
}

const PERIOD = /^([1-9]\d{3})-(0[1-9]|1[0-2])$/;
/** YYYY-MM, years 1000 to 9999. */
export const BILLING_PERIOD: TextRule = { minLength: 7, maxLength: 7, pattern: PERIOD };

export function checkPeriod(period: unknown, path: string, issues: FieldIssue[]): { year: number; month: number } | null {
  const m = typeof period === 'string' ? PERIOD.exec(period) : null;
  if (!m) {
    issues.push({ path, message: 'must be a calendar month written YYYY-MM (year 1000 to 9999)' });
    return null;
  }
  return { year: Number(m[1]), month: Number(m[2]) };
}

export function checkTimeZone(timeZone: unknown, path: string, issues: FieldIssue[]): boolean {
  if (typeof timeZone === 'string' && timeZone.length > 0 && formatterFor(timeZone) !== null) return true;
  issues.push({ path, message: 'must be an IANA time zone known to the runtime, e.g. America/Sao_Paulo' });
  return false;
}

export function periodBounds(period: BillingPeriod, timeZone: string): PeriodBounds {
  const issues: FieldIssue[] = [];
  const ym = checkPeriod(period, 'period', issues);
  checkTimeZone(timeZone, 'timeZone', issues);
  if (!ym || issues.length > 0) throw new ValidationError(issues);
  const next = ym.month === 12 ? { year: ym.year + 1, month: 1 } : { year: ym.year, month: ym.month + 1 };
  const startMs = startOfLocalMonth(ym.year, ym.month, timeZone);
  const endMs = startOfLocalMonth(next.year, next.month, timeZone);
  return { start: formatInstant(startMs), end: formatInstant(endMs), seconds: BigInt((endMs - startMs) / 1000), startMs, endMs };
}

/** The period an instant belongs to, in the account's zone (agrees with `periodBounds`). */
export function periodOf(instant: string, timeZone: string): BillingPeriod {
  const issues: FieldIssue[] = [];
  const ms = checkInstant(instant, 'instant', issues);
  checkTimeZone(timeZone, 'timeZone', issues);
  if (ms === null || issues.length > 0) throw new ValidationError(issues);
  return periodOfMs(ms, timeZone);
}

export function periodOfMs(ms: number, timeZone: string): BillingPeriod {
  const local = wallClock(ms, timeZone);
  const candidate = formatPeriod(local.year, local.month);
  // The wall clock names the month except on a day whose midnight was skipped or doubled;
  // the bounds decide there, so the two functions can never disagree.
  const bounds = periodBounds(candidate, timeZone);
  if (ms < bounds.startMs) return previousPeriod(candidate);
  if (ms >= bounds.endMs) return nextPeriod(candidate);
  return candidate;
}

export function nextPeriod(period: BillingPeriod): BillingPeriod {
  const { year, month } = parsePeriodOrThrow(period);
  return checkedPeriod(month === 12 ? formatPeriod(year + 1, 1) : formatPeriod(year, month + 1), `the period after ${period}`);
}

export function previousPeriod(period: BillingPeriod): BillingPeriod {
  const { year, month } = parsePeriodOrThrow(period);
  return checkedPeriod(month === 1 ? formatPeriod(year - 1, 12) : formatPeriod(year, month - 1), `the period before ${period}`);
}

function parsePeriodOrThrow(period: BillingPeriod): { year: number; month: number } {
  const issues: FieldIssue[] = [];
  const ym = checkPeriod(period, 'period', issues);
  if (!ym) throw new ValidationError(issues);
  return ym;
}

function checkedPeriod(period: string, what: string): BillingPeriod {
  if (!PERIOD.test(period)) throw new ValidationError([{ path: 'period', message: `${what} is outside years 1000 to 9999` }]);
  return period;
}

function formatPeriod(year: number, month: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}`;
}

// ---- the zone's offsets, from Intl ---------------------------------------------------------

const formatters = new Map<string, Intl.DateTimeFormat | null>();

/** One formatter per zone (building one is the slow part); null for an unknown zone. */
function formatterFor(timeZone: string): Intl.DateTimeFormat | null {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    try {
      formatter = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      formatter = null;
    }
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

interface WallClock {
  year: number;
  month: number;
  /** the wall clock read as if it were UTC, in ms: comparable with other wall clocks */
  asUtcMs: number;
}

function wallClock(ms: number, timeZone: string): WallClock {
  const seconds = Math.floor(ms / 1000) * 1000;
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone)!.formatToParts(seconds)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const year = parts.year!;
  const month = parts.month!;
  return { year, month, asUtcMs: Date.UTC(year, month - 1, parts.day!, parts.hour!, parts.minute!, parts.second!) + (ms - seconds) };
}

/** Local time minus UTC, in ms, at an instant. */
function offsetAt(ms: number, timeZone: string): number {
  return wallClock(ms, timeZone).asUtcMs - ms;
}

const TWO_DAYS = 2 * 86_400_000;

/**
 * The instant of local midnight on the 1st. The offsets two days either side are the only
 * candidates (no zone changes its offset twice within two days): midnight exists under one
 * or both of them, or it fell in a gap and the day starts at the transition.
 */
function startOfLocalMonth(year: number, month: number, timeZone: string): number {
  const wall = Date.UTC(year, month - 1, 1);
  const before = offsetAt(wall - TWO_DAYS, timeZone);
  const after = offsetAt(wall + TWO_DAYS, timeZone);
  const candidates = [wall - before, wall - after].filter((t) => offsetAt(t, timeZone) === wall - t);
  if (candidates.length > 0) return Math.min(...candidates);
  // A gap: the wall clock jumps over midnight. The transition lies between the two
  // candidates; find the first second after it.
  let lo = Math.min(wall - before, wall - after);
  let hi = Math.max(wall - before, wall - after);
  // invariant: offsetAt(lo) === before, offsetAt(hi) !== before
  while (hi - lo > 1000) {
    const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
    if (offsetAt(mid, timeZone) === before) lo = mid;
    else hi = mid;
  }
  return hi;
}
