import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { canonicalSampleContent, parseUsageBatch as parseBatchAt, sampleInstant } from '../../src/domain/usage/usage-samples.ts';

/** The clock these samples are measured against: a day after the samples below. */
const NOW_MS = Date.UTC(2026, 5, 2, 12);
const SKEW_MS = 5 * 60_000;
const parseUsageBatch = (input: unknown) => parseBatchAt(input, { notAfterMs: NOW_MS + SKEW_MS });
const iso = (ms: number) => new Date(ms).toISOString();

const storage = (over: Record<string, unknown> = {}) => ({ kind: 'storage', sampleKey: 's-1', bucket: 'acme-photos', bytes: '107374182400', at: '2026-06-01T00:00:00-03:00', ...over });
const traffic = (over: Record<string, unknown> = {}) => ({
  kind: 'traffic',
  sampleKey: 't-1',
  bucket: 'acme-photos',
  windowStart: '2026-06-01T00:00:00-03:00',
  windowEnd: '2026-06-01T01:00:00-03:00',
  egressBytes: '10',
  ingressBytes: '20',
  requestsA: '3',
  requestsB: '4',
  ...over,
});
const counters = (over: Record<string, unknown> = {}) => ({
  kind: 'counters',
  sampleKey: 'c-1',
  bucket: 'acme-photos',
  source: 'minio-1',
  at: '2026-06-01T00:00:00Z',
  sentBytes: '100',
  receivedBytes: '200',
  requestsA: '5',
  requestsB: '6',
  ...over,
});

describe('parseUsageBatch', () => {
  it('accepts the three kinds and carries instants in canonical UTC', () => {
    const parsed = parseUsageBatch([storage(), traffic(), counters()]);
    expect(parsed.issues).toEqual([]);
    expect(parsed.samples).toEqual([
      { kind: 'storage', sampleKey: 's-1', bucket: 'acme-photos', bytes: '107374182400', at: '2026-06-01T03:00:00.000Z' },
      { ...traffic(), windowStart: '2026-06-01T03:00:00.000Z', windowEnd: '2026-06-01T04:00:00.000Z' },
      { ...counters(), at: '2026-06-01T00:00:00.000Z' },
    ]);
    expect(parsed.references).toEqual([
      { index: 0, bucket: 'acme-photos', instantMs: Date.UTC(2026, 5, 1, 3) },
      { index: 1, bucket: 'acme-photos', instantMs: Date.UTC(2026, 5, 1, 3) },
      { index: 2, bucket: 'acme-photos', instantMs: Date.UTC(2026, 5, 1, 0) },
    ]);
    expect(sampleInstant(parsed.samples[1]!)).toBe('2026-06-01T03:00:00.000Z');
  });

  it('lists every bad item with its index and field, all at once', () => {
    const parsed = parseUsageBatch([
      storage(),
      storage({ bytes: '-1' }),
      traffic({ windowEnd: '2026-06-01T00:00:00-03:00', egressBytes: 12 }),
      storage({ bytes: '9223372036854775808' }),
      counters({ source: 'minio 1', at: '2026-06-01 00:00' }),
      { kind: 'cpu', sampleKey: 'x' },
      storage({ sampleKey: '', extra: true }),
      storage({ bytes: '007', sampleKey: 'x'.repeat(201) }),
      'not an object',
      storage({ at: '2026-06-01T00:00:00' }),
      storage({ bytes: '9223372036854775807', at: '2026-06-31T00:00:00Z' }),
    ]);
    expect(parsed.issues.map((i) => i.path)).toEqual([
      'samples[1].bytes',
      'samples[2].windowEnd',
      'samples[2].egressBytes',
      'samples[3].bytes',
      'samples[4].source',
      'samples[4].at',
      'samples[5].kind',
      'samples[6].extra',
      'samples[6].sampleKey',
      'samples[7].sampleKey',
      'samples[7].bytes',
      'samples[8]',
      'samples[9].at',
      'samples[10].at',
    ]);
    expect(parsed.issues[1]!.message).toBe('must be later than windowStart');
    expect(parsed.samples.map((s) => s !== null)).toEqual([true, false, false, false, false, false, false, false, false, false, false]);
    // the bucket of a bad item is still resolved, so an unknown name is reported beside its other faults
    expect(parsed.references.map((r) => r.index)).toEqual([0, 1, 2, 3, 6, 7]);
  });

  it('takes 2^63 − 1, and refuses an empty batch or more than 1,000 samples', () => {
    expect(parseUsageBatch([storage({ bytes: '9223372036854775807' })]).issues).toEqual([]);
    expect(parseUsageBatch([]).issues).toEqual([{ path: 'samples', message: 'must hold 1 to 1000 samples (has 0)' }]);
    expect(parseUsageBatch(Array.from({ length: 1001 }, (_, i) => storage({ sampleKey: `k${i}` }))).issues).toHaveLength(1);
    expect(parseUsageBatch(Array.from({ length: 1000 }, (_, i) => storage({ sampleKey: `k${i}` }))).issues).toEqual([]);
  });

  it('gives one canonical content whatever the offset or field order the instant was written in', () => {
    const a = parseUsageBatch([storage({ at: '2026-06-01T00:00:00-03:00' })]).samples[0]!;
    const b = parseUsageBatch([{ at: '2026-06-01T03:00:00.000Z', bytes: '107374182400', bucket: 'acme-photos', sampleKey: 's-1', kind: 'storage' }]).samples[0]!;
    expect(canonicalSampleContent(a)).toBe(canonicalSampleContent(b));
    expect(canonicalSampleContent(a)).toBe('{"at":"2026-06-01T03:00:00.000Z","bucket":"acme-photos","bytes":"107374182400","kind":"storage","sampleKey":"s-1"}');
  });
});

describe('usage from the future', () => {
  it('takes a sample dated the clock plus the skew, and refuses one a millisecond later with its index and field', () => {
    const edge = iso(NOW_MS + SKEW_MS);
    const beyond = iso(NOW_MS + SKEW_MS + 1);
    const parsed = parseUsageBatch([
      storage({ at: edge }),
      storage({ sampleKey: 's-2', at: beyond }),
      traffic({ windowStart: iso(NOW_MS), windowEnd: beyond }),
      counters({ at: '2030-01-01T00:00:00Z' }),
      traffic({ sampleKey: 't-2', windowStart: beyond, windowEnd: '2030-01-01T00:00:00Z' }),
    ]);
    expect(parsed.issues.map((i) => i.path)).toEqual(['samples[1].at', 'samples[2].windowEnd', 'samples[3].at', 'samples[4].windowStart', 'samples[4].windowEnd']);
    expect(parsed.issues[0]!.message).toBe(
      `must not be later than ${edge} (the service's clock plus the allowed skew): usage cannot be measured before it happens`,
    );
    expect(parsed.samples.map((s) => s !== null)).toEqual([true, false, false, false, false]);
  });

  it('judges the instant itself, whatever offset it is written with', () => {
    // 2026-06-02T09:05:01-03:00 is 12:05:01Z: one second past the edge
    expect(parseUsageBatch([storage({ at: '2026-06-02T09:05:01-03:00' })]).issues.map((i) => i.path)).toEqual(['samples[0].at']);
    expect(parseUsageBatch([storage({ at: '2026-06-02T09:05:00-03:00' })]).issues).toEqual([]);
  });
});

describe('instants are carried in canonical form however they were written', () => {
  it('property: an instant written canonically, with another offset or with fewer digits becomes the same canonical text', () => {
    const offsets = ['Z', '+00:00', '-03:00', '+05:45', '+14:00', '-12:00'];
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2000, 0, 1), max: NOW_MS }), fc.constantFrom(...offsets), fc.boolean(), (ms, offset, trimMillis) => {
        const instant = trimMillis ? Math.floor(ms / 1000) * 1000 : ms;
        const sign = offset === 'Z' ? 0 : offset[0] === '-' ? -1 : 1;
        const minutes = offset === 'Z' ? 0 : sign * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6)));
        const local = new Date(instant + minutes * 60_000).toISOString().slice(0, trimMillis ? 19 : 23);
        const written = [iso(instant), `${local}${offset}`];
        for (const at of written) {
          const parsed = parseUsageBatch([storage({ at })]);
          expect(parsed.issues).toEqual([]);
          expect(parsed.samples[0]).toMatchObject({ at: iso(instant) });
        }
      }),
    );
  });
});
