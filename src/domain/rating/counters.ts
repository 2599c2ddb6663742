import { ValidationError, type FieldIssue } from '../errors.ts';
import { checkInstant, formatInstant } from './instant.ts';
import { checkCount } from './usage-meters.ts';

/**
 * A cumulative reading of one source's counters for one bucket, as MinIO reports them:
 * totals since the server started. Integer strings.
 */
export interface CounterReading {
  at: string;
  sentBytes: string;
  receivedBytes: string;
  requestsA: string;
  requestsB: string;
}

/** The usage between two readings: the window [previous.at, next.at). */
export interface CounterWindow {
  windowStart: string;
  windowEnd: string;
  egressBytes: string;
  ingressBytes: string;
  requestsA: string;
  requestsB: string;
  /** true when the second reading was taken after a restart (some counter went down) */
  restarted: boolean;
}

const COUNTERS = ['sentBytes', 'receivedBytes', 'requestsA', 'requestsB'] as const;

/**
 * Turns a reading into traffic given the previous reading of the same source and bucket.
 *
 * - No previous reading: the new one is a baseline and records nothing (null). The counters
 *   may have been counting for months; none of that is this account's usage to bill now.
 * - Otherwise the usage is the increase. If ANY counter went down the server restarted,
 *   and a restart zeroes every counter at once, so every counter's usage is its new value
 *   (taking `new − old` for the counters that happened to climb past their old values
 *   would lose what they counted before the restart).
 *
 * Never negative; never counted twice, because each reading is consumed once, as the end
 * of one window and the start of the next. A restart that leaves every counter higher than
 * before cannot be seen in the readings: it is billed as a plain increase (which can only
 * under-count). The reading must be later than the previous one: ingestion keeps the last
 * reading per source and bucket and rejects an older one.
 */
export function counterWindow(previous: CounterReading | null, next: CounterReading): CounterWindow | null {
  const issues: FieldIssue[] = [];
  const nextAt = checkInstant(next.at, 'at', issues);
  const nextCounts = COUNTERS.map((c) => checkCount(next[c], c, issues));
  let previousAt: number | null = null;
  let previousCounts: (bigint | null)[] = [];
  if (previous) {
    previousAt = checkInstant(previous.at, 'previous.at', issues);
    previousCounts = COUNTERS.map((c) => checkCount(previous[c], `previous.${c}`, issues));
    if (nextAt !== null && previousAt !== null && nextAt <= previousAt) issues.push({ path: 'at', message: `must be later than the previous reading (${previous.at})` });
  }
  if (issues.length > 0) throw new ValidationError(issues);
  if (!previous) return null;
  const now = nextCounts as bigint[];
  const before = previousCounts as bigint[];
  const restarted = now.some((value, i) => value < before[i]!);
  const usage = now.map((value, i) => (restarted ? value : value - before[i]!));
  return {
    windowStart: formatInstant(previousAt!),
    windowEnd: formatInstant(nextAt!),
    egressBytes: usage[0]!.toString(),
    ingressBytes: usage[1]!.toString(),
    requestsA: usage[2]!.toString(),
    requestsB: usage[3]!.toString(),
    restarted,
  };
}
