import type { FieldIssue } from '../errors.ts';
import { checkInstant, formatInstant, parseInstant } from '../rating/instant.ts';
import { checkCount } from '../rating/usage-meters.ts';
import type { TextRule, WholeNumberRule } from '../shared/field-rule.ts';

/**
 * A batch of usage samples as a usage collector sends it (`POST /usage`), validated as a
 * whole: every bad item is listed with its index and field (`samples[3].bytes`), and one
 * bad item rejects the batch. Pure: the digests and event ids are computed by the caller.
 *
 * - `storage`: bytes stored in a bucket at an instant.
 * - `traffic`: a measured window [windowStart, windowEnd).
 * - `counters`: cumulative readings of one source (a MinIO server) for a bucket; turned
 *   into traffic by increase (src/domain/rating/counters.ts).
 *
 * `bucket` is the bucket's NAME as the storage server knows it; the caller resolves it to
 * a bucket and its account. Counts are integer strings from 0 to 2^63 − 1 (never a JS
 * number). Instants are ISO 8601 with an offset; once parsed they are carried in the
 * canonical UTC form (`2026-06-01T03:00:00.000Z`), so the same instant written with
 * another offset is the same content. No instant may lie after `notAfterMs` (the clock plus
 * the skew a collector's clock is allowed): usage from the future would be billed, and
 * believed, before it happened.
 */
export const MAX_SAMPLES_PER_BATCH = 1000;
export const SAMPLE_KIND = ['storage', 'traffic', 'counters'] as const;
export type SampleKind = (typeof SAMPLE_KIND)[number];

export interface StorageSample {
  kind: 'storage';
  sampleKey: string;
  bucket: string;
  bytes: string;
  at: string;
}

export interface TrafficSample {
  kind: 'traffic';
  sampleKey: string;
  bucket: string;
  windowStart: string;
  windowEnd: string;
  egressBytes: string;
  ingressBytes: string;
  requestsA: string;
  requestsB: string;
}

export interface CountersSample {
  kind: 'counters';
  sampleKey: string;
  bucket: string;
  source: string;
  at: string;
  sentBytes: string;
  receivedBytes: string;
  requestsA: string;
  requestsB: string;
}

export type UsageSample = StorageSample | TrafficSample | CountersSample;

/** Where a sample's bucket name must be resolved: the name, and the instant it applies at. */
export interface BucketReference {
  index: number;
  bucket: string;
  /** `at`, or a window's start: the instant that decides the period (and the name's holder) */
  instantMs: number;
}

export interface ParsedBatch {
  /** one entry per item; null where the item is bad */
  samples: (UsageSample | null)[];
  /** every item whose bucket and instant are well formed, bad items included, so that the
   * caller can report an unknown bucket beside the item's other faults */
  references: BucketReference[];
  issues: FieldIssue[];
}

export interface BatchBounds {
  /** the latest instant a sample may carry: the process's clock plus the allowed skew */
  notAfterMs: number;
}

const FIELDS: Record<SampleKind, readonly string[]> = {
  storage: ['kind', 'sampleKey', 'bucket', 'bytes', 'at'],
  traffic: ['kind', 'sampleKey', 'bucket', 'windowStart', 'windowEnd', 'egressBytes', 'ingressBytes', 'requestsA', 'requestsB'],
  counters: ['kind', 'sampleKey', 'bucket', 'source', 'at', 'sentBytes', 'receivedBytes', 'requestsA', 'requestsB'],
};

/** Printable ASCII (space to tilde), 1 to 200 characters. */
const SAMPLE_KEY = /^[\x20-\x7e]{1,200}$/;
export const SAMPLE_KEY_MAX_LENGTH = 200;
/** A counter source names the server the readings come from; it is part of a stream name. */
const SOURCE = /^[A-Za-z0-9._-]{1,100}$/;
const BUCKET_NAME_MAX_LENGTH = 63;

/** The rules of a sample's fields, as the API document states them (counts: COUNT_TEXT). */
export const SAMPLE_FIELDS = {
  sampleKey: { minLength: 1, maxLength: SAMPLE_KEY_MAX_LENGTH, pattern: SAMPLE_KEY },
  source: { minLength: 1, maxLength: 100, pattern: SOURCE },
  bucket: { minLength: 1, maxLength: BUCKET_NAME_MAX_LENGTH },
} as const satisfies Record<string, TextRule>;
export const BATCH_SIZE: WholeNumberRule = { minimum: 1, maximum: MAX_SAMPLES_PER_BATCH };
const SHORT_COUNT = /^(?:0|[1-9][0-9]{0,17})$/;

export function checkSampleKey(value: unknown, path: string, issues: FieldIssue[]): value is string {
  if (typeof value === 'string' && SAMPLE_KEY.test(value)) return true;
  issues.push({ path, message: `must be 1 to ${SAMPLE_KEY_MAX_LENGTH} printable ASCII characters` });
  return false;
}

export function checkSource(value: unknown, path: string, issues: FieldIssue[]): value is string {
  if (typeof value === 'string' && SOURCE.test(value)) return true;
  issues.push({ path, message: 'must be 1 to 100 letters, digits, dots, hyphens or underscores (the server the counters come from)' });
  return false;
}

/** With no path, only tells whether the name is well formed (the path is written only for a fault). */
function checkBucketName(value: unknown, path: string | null, issues: FieldIssue[]): value is string {
  if (typeof value === 'string' && value.length > 0 && value.length <= BUCKET_NAME_MAX_LENGTH) return true;
  if (path !== null) issues.push({ path, message: `must be a bucket name (1 to ${BUCKET_NAME_MAX_LENGTH} characters)` });
  return false;
}

/** Validates every item of a batch; collects every fault instead of stopping at the first. */
export function parseUsageBatch(input: unknown, bounds: BatchBounds, path = 'samples'): ParsedBatch {
  const parsed: ParsedBatch = { samples: [], references: [], issues: [] };
  if (!Array.isArray(input)) {
    parsed.issues.push({ path, message: 'must be a list of samples' });
    return parsed;
  }
  if (input.length === 0 || input.length > MAX_SAMPLES_PER_BATCH) {
    parsed.issues.push({ path, message: `must hold 1 to ${MAX_SAMPLES_PER_BATCH} samples (has ${input.length})` });
    return parsed;
  }
  input.forEach((item, index) => {
    const { sample, reference } = parseSample(item, `${path}[${index}]`, index, bounds, parsed.issues);
    parsed.samples.push(sample);
    if (reference) parsed.references.push(reference);
  });
  return parsed;
}

function parseSample(item: unknown, at: string, index: number, bounds: BatchBounds, issues: FieldIssue[]): { sample: UsageSample | null; reference: BucketReference | null } {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) {
    issues.push({ path: at, message: 'must be an object' });
    return { sample: null, reference: null };
  }
  const s = item as Record<string, unknown>;
  const kind = s.kind;
  if (kind !== 'storage' && kind !== 'traffic' && kind !== 'counters') {
    issues.push({ path: `${at}.kind`, message: `must be one of ${SAMPLE_KIND.join(', ')}` });
    return { sample: null, reference: null };
  }
  const before = issues.length;
  const allowed = FIELDS[kind];
  for (const name of Object.keys(s)) if (!allowed.includes(name)) issues.push({ path: `${at}.${name}`, message: 'unknown field' });
  if (typeof s.sampleKey !== 'string' || !SAMPLE_KEY.test(s.sampleKey)) checkSampleKey(s.sampleKey, `${at}.sampleKey`, issues);
  const bucketOk = checkBucketName(s.bucket, null, issues) || checkBucketName(s.bucket, `${at}.bucket`, issues);

  let sample: UsageSample;
  let instantMs: number | null;
  switch (kind) {
    case 'storage': {
      count(s, 'bytes', at, issues);
      instantMs = instant(s, 'at', at, bounds, issues);
      sample = { kind, sampleKey: s.sampleKey as string, bucket: s.bucket as string, bytes: s.bytes as string, at: canonical(instantMs, s.at) };
      break;
    }
    case 'traffic': {
      instantMs = instant(s, 'windowStart', at, bounds, issues);
      const endMs = instant(s, 'windowEnd', at, bounds, issues);
      if (instantMs !== null && endMs !== null && endMs <= instantMs) issues.push({ path: `${at}.windowEnd`, message: 'must be later than windowStart' });
      for (const name of TRAFFIC_COUNTS) count(s, name, at, issues);
      sample = {
        kind,
        sampleKey: s.sampleKey as string,
        bucket: s.bucket as string,
        windowStart: canonical(instantMs, s.windowStart),
        windowEnd: canonical(endMs, s.windowEnd),
        egressBytes: s.egressBytes as string,
        ingressBytes: s.ingressBytes as string,
        requestsA: s.requestsA as string,
        requestsB: s.requestsB as string,
      };
      break;
    }
    case 'counters': {
      checkSource(s.source, `${at}.source`, issues);
      instantMs = instant(s, 'at', at, bounds, issues);
      for (const name of COUNTER_COUNTS) count(s, name, at, issues);
      sample = {
        kind,
        sampleKey: s.sampleKey as string,
        bucket: s.bucket as string,
        source: s.source as string,
        at: canonical(instantMs, s.at),
        sentBytes: s.sentBytes as string,
        receivedBytes: s.receivedBytes as string,
        requestsA: s.requestsA as string,
        requestsB: s.requestsB as string,
      };
      break;
    }
  }
  const reference = bucketOk && instantMs !== null ? { index, bucket: s.bucket as string, instantMs } : null;
  return { sample: issues.length === before ? sample : null, reference };
}

// Module-level rather than closures per sample: a field's path (`samples[12].bytes`) is
// written only when the field is wrong, and nothing is allocated for a field that is right.
const TRAFFIC_COUNTS = ['egressBytes', 'ingressBytes', 'requestsA', 'requestsB'] as const;
const COUNTER_COUNTS = ['sentBytes', 'receivedBytes', 'requestsA', 'requestsB'] as const;

function count(s: Record<string, unknown>, name: string, at: string, issues: FieldIssue[]): void {
  const value = s[name];
  // up to 18 digits is always below the largest count: only other text needs the full rule
  if (typeof value !== 'string' || !SHORT_COUNT.test(value)) checkCount(value, `${at}.${name}`, issues);
}

function instant(s: Record<string, unknown>, name: string, at: string, bounds: BatchBounds, issues: FieldIssue[]): number | null {
  const ms = parseInstant(s[name]) ?? checkInstant(s[name], `${at}.${name}`, issues);
  if (ms !== null && ms > bounds.notAfterMs) {
    issues.push({ path: `${at}.${name}`, message: `must not be later than ${formatInstant(bounds.notAfterMs)} (the service's clock plus the allowed skew): usage cannot be measured before it happens` });
  }
  return ms;
}

/**
 * The instant in canonical form. Collectors mostly send it so already: given a text that
 * parsed, with the canonical form's length and separators, that text is the canonical form
 * (formatInstant's output for the same instant) and is kept rather than written again.
 */
const canonical = (ms: number | null, sent: unknown): string => {
  if (ms === null) return '';
  return typeof sent === 'string' && sent.length === 24 && CANONICAL_SHAPE.test(sent) ? sent : formatInstant(ms);
};
const CANONICAL_SHAPE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** The instant that decides a sample's period: `at`, or a window's start. */
export function sampleInstant(sample: UsageSample): string {
  return sample.kind === 'traffic' ? sample.windowStart : sample.at;
}

/**
 * The sample's content as one canonical JSON text (fields in code-unit order, instants in
 * UTC): the caller's SHA-256 of it is the `contentDigest` a re-send is compared by.
 */
export function canonicalSampleContent(sample: UsageSample): string {
  // Keys in sorted order, written out per kind: an object filled key by key from a list
  // was rebuilt property by property for every sample (tests/domain pins the same text as
  // sorting the sample's entries).
  switch (sample.kind) {
    case 'storage':
      return JSON.stringify({ at: sample.at, bucket: sample.bucket, bytes: sample.bytes, kind: sample.kind, sampleKey: sample.sampleKey });
    case 'traffic':
      return JSON.stringify({
        bucket: sample.bucket,
        egressBytes: sample.egressBytes,
        ingressBytes: sample.ingressBytes,
        kind: sample.kind,
        requestsA: sample.requestsA,
        requestsB: sample.requestsB,
        sampleKey: sample.sampleKey,
        windowEnd: sample.windowEnd,
        windowStart: sample.windowStart,
      });
    case 'counters':
      return JSON.stringify({
        at: sample.at,
        bucket: sample.bucket,
        kind: sample.kind,
        receivedBytes: sample.receivedBytes,
        requestsA: sample.requestsA,
        requestsB: sample.requestsB,
        sampleKey: sample.sampleKey,
        sentBytes: sample.sentBytes,
        source: sample.source,
      });
    default: {
      const unknown: never = sample;
      throw new Error(`unknown sample kind ${JSON.stringify(unknown)}`);
    }
  }
}
