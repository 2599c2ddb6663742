import type { FieldIssue } from '../errors.ts';
import type { DecimalTextRule } from '../shared/field-rule.ts';
import { BYTES_PER_GIB, Exact, exact, type ExactDecimal } from './exact-decimal.ts';
import { checkInstant, parseInstant } from './instant.ts';

/** Bytes stored in a bucket at an instant. */
export interface StorageMeasured {
  bucket: string;
  /** integer string */
  bytes: string;
  at: string;
}

/** A measured traffic window [windowStart, windowEnd); it belongs to the period (and segment) holding its start. */
export interface TrafficMeasured {
  bucket: string;
  windowStart: string;
  windowEnd: string;
  egressBytes: string;
  ingressBytes: string;
  requestsA: string;
  requestsB: string;
}

/** A deleted bucket stores 0 from its deletion (until a later sample says otherwise). */
export interface BucketDeleted {
  bucket: string;
  at: string;
}

export interface PeriodUsage {
  storage: StorageMeasured[];
  traffic: TrafficMeasured[];
  deletions: BucketDeleted[];
}

/** A stretch of time over which a bucket held a constant number of bytes, inside one segment. */
export interface StorageInterval {
  bucket: string;
  bytes: bigint;
  fromMs: number;
  toMs: number;
}

/** What one segment [from, to) of the period measured. Quantities are exact and unrounded. */
export interface SegmentUsage {
  fromMs: number;
  toMs: number;
  /** Σ bytes × milliseconds held: exact, the numerator of the GiB-month */
  storageByteMillis: bigint;
  /** storageByteMillis / (2^30 × the PERIOD's milliseconds) */
  storageGibMonths: ExactDecimal;
  /** non-zero holdings, by bucket then time, equal neighbours merged */
  storageIntervals: StorageInterval[];
  egressBytes: bigint;
  ingressBytes: bigint;
  requestsA: bigint;
  requestsB: bigint;
  /** traffic windows starting in this segment */
  trafficWindows: number;
}

export const MAX_COUNT = 2n ** 63n - 1n;
const COUNT = /^(0|[1-9]\d*)$/;
/** A count of bytes or requests: a whole number written as a string, 0 to 2^63 − 1. */
export const COUNT_TEXT: DecimalTextRule = { pattern: COUNT, minimum: '0', maximum: String(MAX_COUNT), maxDecimals: 0 };

/** Up to 18 digits is always below MAX_COUNT (2^63 − 1 has 19). */
const SHORT_COUNT_DIGITS = 18;

/** A count, or null when it is not one (see checkCount). */
function countOf(value: unknown): bigint | null {
  if (typeof value !== 'string' || !COUNT.test(value)) return null;
  // one BigInt per count: a rating parses four or five per usage event
  const count = BigInt(value);
  return value.length <= SHORT_COUNT_DIGITS || count <= MAX_COUNT ? count : null;
}

export function checkCount(value: unknown, path: string, issues: FieldIssue[]): bigint | null {
  const count = countOf(value);
  if (count !== null) return count;
  issues.push({ path, message: `must be a whole number from 0 to ${MAX_COUNT} written as a string without leading zeros` });
  return null;
}

function checkBucket(value: unknown, path: string, issues: FieldIssue[]): value is string {
  if (typeof value === 'string' && value.length > 0) return true;
  issues.push({ path, message: 'must be a bucket name' });
  return false;
}

interface StorageChange {
  bucket: string;
  ms: number;
  /** 0 for a deletion */
  bytes: bigint;
  deletion: boolean;
}

interface TrafficWindow {
  startMs: number;
  egressBytes: bigint;
  ingressBytes: bigint;
  requestsA: bigint;
  requestsB: bigint;
}

export interface ParsedUsage {
  changes: StorageChange[];
  windows: TrafficWindow[];
  carriedIn: Map<string, bigint>;
}

/**
 * Validates the period's usage and parses it (bytes to bigint, instants to ms). Every
 * storage sample, deletion and window start must lie inside the period [startMs, endMs):
 * usage of another period is rated with that period (late usage becomes an adjustment
 * priced as in its own period), never silently folded in here.
 */
export function parseUsage(usage: unknown, carriedIn: unknown, startMs: number, endMs: number, issues: FieldIssue[]): ParsedUsage {
  const parsed: ParsedUsage = { changes: [], windows: [], carriedIn: new Map() };
  const u = (typeof usage === 'object' && usage !== null ? usage : {}) as Record<string, unknown>;
  const inPeriod = (ms: number | null, path: string) => {
    if (ms !== null && (ms < startMs || ms >= endMs)) issues.push({ path, message: 'must lie inside the period being rated' });
    return ms !== null && ms >= startMs && ms < endMs ? ms : null;
  };
  const list = (name: string): unknown[] => {
    if (Array.isArray(u[name])) return u[name];
    issues.push({ path: `usage.${name}`, message: 'must be a list' });
    return [];
  };
  // Each item is read once on the fast path, without building its paths; an item that fails
  // any check goes through the path-naming checks below, which report every issue it has.
  const inside = (ms: number | null): ms is number => ms !== null && ms >= startMs && ms < endMs;
  list('storage').forEach((item, i) => {
    const s = (item ?? {}) as Record<string, unknown>;
    if (typeof s.bucket === 'string' && s.bucket.length > 0) {
      const bytes = countOf(s.bytes);
      const ms = parseInstant(s.at);
      if (bytes !== null && inside(ms)) {
        parsed.changes.push({ bucket: s.bucket, ms, bytes, deletion: false });
        return;
      }
    }
    const at = `usage.storage[${i}]`;
    const okBucket = checkBucket(s.bucket, `${at}.bucket`, issues);
    const bytes = checkCount(s.bytes, `${at}.bytes`, issues);
    const ms = inPeriod(checkInstant(s.at, `${at}.at`, issues), `${at}.at`);
    if (okBucket && bytes !== null && ms !== null) parsed.changes.push({ bucket: s.bucket as string, ms, bytes, deletion: false });
  });
  list('deletions').forEach((item, i) => {
    const d = (item ?? {}) as Record<string, unknown>;
    const at = `usage.deletions[${i}]`;
    const okBucket = checkBucket(d.bucket, `${at}.bucket`, issues);
    const ms = inPeriod(checkInstant(d.at, `${at}.at`, issues), `${at}.at`);
    if (okBucket && ms !== null) parsed.changes.push({ bucket: d.bucket as string, ms, bytes: 0n, deletion: true });
  });
  list('traffic').forEach((item, i) => {
    const t = (item ?? {}) as Record<string, unknown>;
    if (typeof t.bucket === 'string' && t.bucket.length > 0) {
      const startMsOfWindow = parseInstant(t.windowStart);
      const endMsOfWindow = parseInstant(t.windowEnd);
      const egressBytes = countOf(t.egressBytes);
      const ingressBytes = countOf(t.ingressBytes);
      const requestsA = countOf(t.requestsA);
      const requestsB = countOf(t.requestsB);
      if (inside(startMsOfWindow) && endMsOfWindow !== null && endMsOfWindow >= startMsOfWindow && egressBytes !== null && ingressBytes !== null && requestsA !== null && requestsB !== null) {
        parsed.windows.push({ startMs: startMsOfWindow, egressBytes, ingressBytes, requestsA, requestsB });
        return;
      }
    }
    const at = `usage.traffic[${i}]`;
    checkBucket(t.bucket, `${at}.bucket`, issues);
    const startMsOfWindow = inPeriod(checkInstant(t.windowStart, `${at}.windowStart`, issues), `${at}.windowStart`);
    const endMsOfWindow = checkInstant(t.windowEnd, `${at}.windowEnd`, issues);
    if (startMsOfWindow !== null && endMsOfWindow !== null && endMsOfWindow < startMsOfWindow) issues.push({ path: `${at}.windowEnd`, message: 'must not be before windowStart' });
    const egressBytes = checkCount(t.egressBytes, `${at}.egressBytes`, issues);
    const ingressBytes = checkCount(t.ingressBytes, `${at}.ingressBytes`, issues);
    const requestsA = checkCount(t.requestsA, `${at}.requestsA`, issues);
    const requestsB = checkCount(t.requestsB, `${at}.requestsB`, issues);
    if (startMsOfWindow !== null && egressBytes !== null && ingressBytes !== null && requestsA !== null && requestsB !== null) {
      parsed.windows.push({ startMs: startMsOfWindow, egressBytes, ingressBytes, requestsA, requestsB });
    }
  });
  if (typeof carriedIn !== 'object' || carriedIn === null || Array.isArray(carriedIn)) {
    issues.push({ path: 'carriedInStorage', message: 'must be an object of bucket → bytes (integer string)' });
  } else {
    for (const [bucket, bytes] of Object.entries(carriedIn)) {
      const count = checkCount(bytes, `carriedInStorage.${bucket}`, issues);
      if (count !== null) parsed.carriedIn.set(bucket, count);
    }
  }
  return parsed;
}

/**
 * Orders storage changes so that the result never depends on arrival order: by instant,
 * then bucket, then samples before a deletion at the same instant (the deletion wins: the
 * bucket stores 0 from its deletion), then bytes ascending (of two samples at one instant
 * the larger holds: both were true at that instant, and the larger is what the bucket
 * reached).
 */
function compareChanges(a: StorageChange, b: StorageChange): number {
  if (a.ms !== b.ms) return a.ms - b.ms;
  if (a.bucket !== b.bucket) return a.bucket < b.bucket ? -1 : 1;
  if (a.deletion !== b.deletion) return a.deletion ? 1 : -1;
  return a.bytes === b.bytes ? 0 : a.bytes < b.bytes ? -1 : 1;
}

/**
 * Meters each segment `[boundaries[i], boundaries[i+1])` of a period `[boundaries[0], last)`.
 * Storage: each bucket holds its carried-in bytes from the period start until its first
 * change, each sample holds until the bucket's next change or the period end, a deletion
 * holds 0. The holdings are then cut at the segment bounds, so splitting a period at any
 * instant splits the byte-milliseconds exactly. GiB-month divides by the whole PERIOD's
 * length, so the segments' quantities add up to the period's.
 */
export function meterSegments(parsed: ParsedUsage, boundaries: readonly number[]): SegmentUsage[] {
  const periodStart = boundaries[0]!;
  const periodEnd = boundaries[boundaries.length - 1]!;
  const segments: SegmentUsage[] = [];
  for (let i = 0; i + 1 < boundaries.length; i++) {
    segments.push({
      fromMs: boundaries[i]!,
      toMs: boundaries[i + 1]!,
      storageByteMillis: 0n,
      storageGibMonths: exact(0),
      storageIntervals: [],
      egressBytes: 0n,
      ingressBytes: 0n,
      requestsA: 0n,
      requestsB: 0n,
      trafficWindows: 0,
    });
  }
  const segmentAt = (ms: number) => segments.findIndex((s) => ms >= s.fromMs && ms < s.toMs);

  // storage: one timeline per bucket, buckets in code-unit order
  const byBucket = new Map<string, StorageChange[]>();
  for (const bucket of parsed.carriedIn.keys()) byBucket.set(bucket, []);
  for (const change of parsed.changes) {
    let list = byBucket.get(change.bucket);
    if (!list) byBucket.set(change.bucket, (list = []));
    list.push(change);
  }
  const buckets = [...byBucket.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const bucket of buckets) {
    const changes = byBucket.get(bucket)!.sort(compareChanges);
    let held = parsed.carriedIn.get(bucket) ?? 0n;
    let since = periodStart;
    const hold = (until: number) => {
      if (held !== 0n && until > since) {
        for (const segment of segments) {
          const from = Math.max(since, segment.fromMs);
          const to = Math.min(until, segment.toMs);
          if (to <= from) continue;
          segment.storageByteMillis += held * BigInt(to - from);
          const last = segment.storageIntervals[segment.storageIntervals.length - 1];
          if (last && last.bucket === bucket && last.bytes === held && last.toMs === from) last.toMs = to;
          else segment.storageIntervals.push({ bucket, bytes: held, fromMs: from, toMs: to });
        }
      }
      since = until;
    };
    for (const change of changes) {
      hold(change.ms);
      held = change.bytes;
    }
    hold(periodEnd);
  }
  const denominator = new Exact((BYTES_PER_GIB * BigInt(periodEnd - periodStart)).toString());
  for (const segment of segments) segment.storageGibMonths = new Exact(segment.storageByteMillis.toString()).div(denominator);

  // traffic: sums, so order cannot matter; each window goes to the segment holding its start
  for (const window of parsed.windows) {
    const segment = segments[segmentAt(window.startMs)];
    if (!segment) continue; // outside the period: rejected by parseUsage already
    segment.egressBytes += window.egressBytes;
    segment.ingressBytes += window.ingressBytes;
    segment.requestsA += window.requestsA;
    segment.requestsB += window.requestsB;
    segment.trafficWindows += 1;
  }
  return segments;
}

/** Bytes → GiB, exact (2^-30 terminates). */
export function gib(bytes: bigint): ExactDecimal {
  return new Exact(bytes.toString()).div(BYTES_PER_GIB.toString());
}

/** Requests are priced per 1,000: the quantity is count / 1,000, exact. */
export function thousands(count: bigint): ExactDecimal {
  return new Exact(count.toString()).div(1000);
}
