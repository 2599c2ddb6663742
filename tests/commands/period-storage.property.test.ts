import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { periodStorage, readPeriodUsage, toPeriodUsage } from '../../src/commands/invoice-inputs.ts';
import type { FieldIssue } from '../../src/domain/errors.ts';
import { meterSegments, nextPeriod, parseUsage, periodBounds, periodOf } from '../../src/domain/rating/index.ts';
import { startTestApp } from '../support/app.ts';
import { eventToAppend } from '../support/events.ts';

/**
 * A deleted bucket holds 0 from its deletion, across periods: one storage sample at s and a
 * deletion at d ≥ s (or none), rated period by period with what `periodStorage` reads from the
 * log (carried-in storage and the period's deletions), hold exactly bytes × (d − s) byte-
 * milliseconds in all (bytes × (end − s) without a deletion): nothing after the deletion, in
 * its own period or carried into any later one, and nothing lost before it.
 */
type App = Awaited<ReturnType<typeof startTestApp>>;
let app: App;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.close();
});

const ZONE = 'America/Sao_Paulo';
const FIRST = '2026-03';
const LAST = '2026-07';
const fromMs = Date.parse(periodBounds(FIRST, ZONE).start);
const toMs = Date.parse(periodBounds(LAST, ZONE).end);
const event = (type: string, data: unknown) => eventToAppend(type, data, '2026-08-01T12:00:00.000Z');

describe('periodStorage: a deleted bucket holds 0 from its deletion, in every period after it', () => {
  it('byte-milliseconds over the periods are bytes × (deletion − sample), whatever the instants', async () => {
    const store = app.infrastructure.eventStore;
    await fc.assert(
      fc.asyncProperty(
        // sample at s, deletion d = s + gap (or none); minutes, so periods' edges are hit too
        fc.integer({ min: 0, max: Math.floor((toMs - fromMs) / 60_000) - 1 }),
        fc.option(fc.integer({ min: 0, max: Math.floor((toMs - fromMs) / 60_000) }), { nil: null }),
        fc.bigInt({ min: 1n, max: 2n ** 50n }),
        async (sampleMinute, gapMinutes, bytes) => {
          const accountId = randomUUID();
          const bucketId = randomUUID();
          const sampleMs = fromMs + sampleMinute * 60_000;
          const sampleAt = new Date(sampleMs).toISOString();
          await store.append(`usage-${accountId}:${periodOf(sampleAt, ZONE)}`, [event('StorageMeasured', { accountId, bucketId, sampleKey: 's', bytes: bytes.toString(), at: sampleAt, contentDigest: 'x' })], {
            expectedRevision: 'no_stream',
          });
          const deletedMs = gapMinutes === null ? null : Math.min(sampleMs + gapMinutes * 60_000, toMs + 86_400_000);
          if (deletedMs !== null) {
            await store.append(`bucket-${bucketId}`, [event('BucketDeleted', { accountId, bucketId, name: 'b', deletedAt: new Date(deletedMs).toISOString() })], { expectedRevision: 'any' });
          }

          let byteMillis = 0n;
          for (let period = FIRST; period <= LAST; period = nextPeriod(period)) {
            const bounds = periodBounds(period, ZONE);
            const [start, end] = [Date.parse(bounds.start), Date.parse(bounds.end)];
            const events = toPeriodUsage((await readPeriodUsage(store, accountId, period)).events);
            const { carriedIn, deletions } = await periodStorage(store, accountId, period, ZONE, events);
            const issues: FieldIssue[] = [];
            const [metered] = meterSegments(parseUsage({ ...events, deletions }, carriedIn, start, end, issues), [start, end]);
            expect(issues).toEqual([]);
            byteMillis += metered!.storageByteMillis;
          }
          const heldUntil = deletedMs === null ? toMs : Math.min(deletedMs, toMs);
          expect(byteMillis).toBe(bytes * BigInt(heldUntil - sampleMs));
        },
      ),
      { numRuns: 40 },
    );
  });
});
