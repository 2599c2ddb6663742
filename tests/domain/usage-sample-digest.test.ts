import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalSampleContent, parseUsageBatch } from '../../src/domain/usage/usage-samples.ts';
import { COUNTER_READING_NAMESPACE, counterReadingId, USAGE_SAMPLE_NAMESPACE, usageEventId, uuidV5 } from '../../src/commands/usage-ingestion/event-ids.ts';

/** The definition: the sample's own entries in code-unit order, as JSON. */
const byDefinition = (sample: object) =>
  JSON.stringify(Object.fromEntries(Object.entries(sample).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));

const count = fc.bigInt({ min: 0n, max: 2n ** 63n - 1n }).map(String);
const instant = fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2026, 0, 1) }).map((ms) => new Date(ms).toISOString());
const key = fc.string({ minLength: 1, maxLength: 40 }).filter((k) => /^[\x20-\x7e]+$/.test(k));
const bucket = fc.constantFrom('acme-photos', 'b-1', 'x.y.z');
const item = fc.oneof(
  fc.record({ kind: fc.constant('storage'), sampleKey: key, bucket, bytes: count, at: instant }),
  fc.record({ kind: fc.constant('traffic'), sampleKey: key, bucket, windowStart: instant, windowEnd: fc.constant('2026-06-01T00:00:00.000Z'), egressBytes: count, ingressBytes: count, requestsA: count, requestsB: count }),
  fc.record({ kind: fc.constant('counters'), sampleKey: key, bucket, source: fc.constantFrom('minio-1', 'n.2'), at: instant, sentBytes: count, receivedBytes: count, requestsA: count, requestsB: count }),
);

describe('sample digest', () => {
  it('property: the canonical content of any parsed sample is its entries in code-unit order (digests recorded before stay comparable)', () => {
    fc.assert(
      fc.property(fc.array(item, { minLength: 1, maxLength: 20 }), (items) => {
        const parsed = parseUsageBatch(items, { notAfterMs: Date.UTC(2030, 0, 1) });
        expect(parsed.issues).toEqual([]);
        for (const sample of parsed.samples) expect(canonicalSampleContent(sample!)).toBe(byDefinition(sample!));
      }),
    );
  });

  it('event ids are UUID v5 of the key in their namespace, non-ASCII keys included', () => {
    for (const k of ['s-1', 'bench-7-b1:t:300', 'ação']) {
      expect(usageEventId(k)).toBe(uuidV5(k, USAGE_SAMPLE_NAMESPACE));
      expect(counterReadingId(k)).toBe(uuidV5(k, COUNTER_READING_NAMESPACE));
    }
    expect(usageEventId('s-1')).not.toBe(counterReadingId('s-1'));
  });
});
