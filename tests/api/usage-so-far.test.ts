import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { periodStorage, readPeriodUsage, toPeriodUsage } from '../../src/commands/invoice-inputs.ts';
import { gib, meterSegments, parseUsage, periodBounds, rateInvoice } from '../../src/domain/rating/index.ts';
import type { EventToAppend } from '../../src/ports/event-store.ts';
import { startTestApp } from '../support/app.ts';
import { bearer, openTestAccount } from '../support/api-requests.ts';

type App = Awaited<ReturnType<typeof startTestApp>>;
let app: App;
let operator: string;

const PERIOD = '2026-06';
const ZONE = 'America/Sao_Paulo';
const bounds = periodBounds(PERIOD, ZONE);
const HOUR = 3_600_000;

beforeAll(async () => {
  app = await startTestApp();
  operator = await app.tokenFor({ kind: 'operator' });
  const plan = await app.api.inject({
    method: 'POST',
    url: '/operator/plans',
    headers: bearer(operator),
    payload: {
      planId: 'sofar',
      name: 'So far',
      effectiveFrom: '2026-01',
      currency: 'BRL',
      monthlyFee: '5.00',
      monthlyMinimum: '10.00',
      taxRate: '0.05',
      meters: {
        storage_gib_month: { model: 'graduated', tiers: [{ upTo: '100', unitPrice: '0.15' }, { upTo: null, unitPrice: '0.12' }], freeUnits: '5' },
        egress_gib: { model: 'per_unit', unitPrice: '0.40' },
        requests_a: { model: 'package', packageSize: '10', packagePrice: '0.05' },
      },
    },
  });
  expect(plan.statusCode, plan.body).toBe(201);
});
afterAll(async () => {
  await app.close();
});

async function accountWithBuckets(slug: string) {
  const { accountId } = await openTestAccount(app, operator, slug, { name: slug, billingEmail: `b@${slug}.co` });
  const subscribed = await app.api.inject({ method: 'PUT', url: `/accounts/${accountId}/subscription`, headers: bearer(operator), payload: { planId: 'sofar', effectiveAt: '2026-04-01T00:00:00-03:00' } });
  expect(subscribed.statusCode, subscribed.body).toBeLessThan(300);
  const buckets: string[] = [];
  for (const name of [`${slug}-a`, `${slug}-b`]) buckets.push((await app.api.inject({ method: 'POST', url: `/accounts/${accountId}/buckets`, headers: bearer(operator), payload: { name } })).json<{ bucketId: string }>().bucketId);
  return { accountId, buckets, token: await app.tokenFor({ kind: 'account', accountId, role: 'read-only' }) };
}

const meta = { actor: 'test', correlationId: 'c', causationId: 'c', occurredAt: '2026-07-01T00:00:00.000Z' };
const storageEvent = (accountId: string, bucketId: string, bytes: bigint, atMs: number): EventToAppend => ({
  eventId: randomUUID(),
  type: 'StorageMeasured',
  data: { accountId, bucketId, sampleKey: randomUUID(), bytes: bytes.toString(), at: new Date(atMs).toISOString(), contentDigest: 'x' },
  metadata: meta,
});
const trafficEvent = (accountId: string, bucketId: string, startMs: number, egress: bigint, requestsA: bigint): EventToAppend => ({
  eventId: randomUUID(),
  type: 'TrafficMeasured',
  data: { accountId, bucketId, sampleKey: randomUUID(), windowStart: new Date(startMs).toISOString(), windowEnd: new Date(startMs + HOUR).toISOString(), egressBytes: egress.toString(), ingressBytes: '100', requestsA: requestsA.toString(), requestsB: '0', contentDigest: 'x' },
  metadata: meta,
});

/** The period replayed from its whole stream, as billing rates it: what the route must answer. */
async function replayed(accountId: string) {
  const usage = await readPeriodUsage(app.infrastructure.eventStore, accountId, PERIOD);
  const events = toPeriodUsage(usage.events);
  const { carriedIn, deletions } = await periodStorage(app.infrastructure.eventStore, accountId, PERIOD, ZONE, events);
  const periodUsage = { ...events, deletions };
  const [whole] = meterSegments(parseUsage(periodUsage, carriedIn, bounds.startMs, bounds.endMs, []), [bounds.startMs, bounds.endMs]);
  const plan = (await app.loadRatingPlan(accountId, PERIOD, ZONE))!;
  const estimate = rateInvoice({ period: PERIOD, timeZone: ZONE, currency: 'BRL', segments: plan.segments, usage: periodUsage, carriedInStorage: carriedIn, creditAvailable: '0' });
  return {
    storageGibMonthsToDate: whole!.storageGibMonths.toFixed(6),
    egressGib: gib(whole!.egressBytes).toFixed(6),
    requestsA: whole!.requestsA.toString(),
    estimatedInvoice: { subtotal: estimate.subtotal, tax: estimate.tax, total: estimate.total, lines: estimate.lines.map((l) => ({ kind: l.kind, quantity: l.quantity, amount: l.amount })) },
  };
}

async function shown(accountId: string, token: string) {
  const response = await app.api.inject({ method: 'GET', url: `/accounts/${accountId}/usage?period=${PERIOD}`, headers: bearer(token) });
  expect(response.statusCode, response.body).toBe(200);
  const body = response.json<Record<string, unknown> & { estimatedInvoice: Record<string, unknown> }>();
  return {
    storageGibMonthsToDate: body.storageGibMonthsToDate,
    egressGib: body.egressGib,
    requestsA: body.requestsA,
    estimatedInvoice: { subtotal: body.estimatedInvoice.subtotal, tax: body.estimatedInvoice.tax, total: body.estimatedInvoice.total, lines: body.estimatedInvoice.lines },
  };
}

const sampleArb = fc.record({ bucket: fc.integer({ min: 0, max: 1 }), hour: fc.integer({ min: 0, max: 29 * 24 }), gib: fc.bigInt({ min: 0n, max: 300n }), extra: fc.bigInt({ min: 0n, max: 2n ** 20n }) });

describe('GET /accounts/:id/usage from the usage-totals read model', () => {
  it('property: the figures and the estimate equal the replay of the period, whether the samples arrived in order or not, the read model current or behind', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(sampleArb, { minLength: 1, maxLength: 12 }),
        fc.array(fc.record({ bucket: fc.integer({ min: 0, max: 1 }), hour: fc.integer({ min: 0, max: 29 * 24 }), egress: fc.bigInt({ min: 0n, max: 2n ** 36n }), a: fc.bigInt({ min: 0n, max: 10n ** 6n }) }), { maxLength: 5 }),
        fc.option(fc.bigInt({ min: 1n, max: 500n }), { nil: null }),
        fc.boolean(),
        fc.boolean(),
        async (samples, windows, carried, inOrder, projectTail) => {
          const { accountId, buckets, token } = await accountWithBuckets(`sofar-${n++}`);
          const store = app.infrastructure.eventStore;
          if (carried !== null) await store.append(`usage-${accountId}:2026-05`, [storageEvent(accountId, buckets[0]!, carried << 30n, bounds.startMs - 5 * HOUR)], { expectedRevision: 'any' });
          const ordered = inOrder ? [...samples].sort((a, b) => a.hour - b.hour) : samples;
          const events = [
            ...ordered.map((s) => storageEvent(accountId, buckets[s.bucket]!, (s.gib << 30n) + s.extra, bounds.startMs + s.hour * HOUR + 1_234)),
            ...windows.map((w) => trafficEvent(accountId, buckets[w.bucket]!, bounds.startMs + w.hour * HOUR, w.egress, w.a)),
          ];
          // half of them projected, the rest only in the stream: the route reads the stream after the read model
          const cut = projectTail ? events.length : Math.floor(events.length / 2);
          if (cut > 0) await store.append(`usage-${accountId}:${PERIOD}`, events.slice(0, cut), { expectedRevision: 'any' });
          await app.runner.catchUp();
          if (cut < events.length) await store.append(`usage-${accountId}:${PERIOD}`, events.slice(cut), { expectedRevision: 'any' });
          expect(await shown(accountId, token)).toEqual(await replayed(accountId));
        },
      ),
      { numRuns: 12 },
    );
  });

  it('reads the period stream only after the revision the read model has applied, and no earlier period stream', async () => {
    const { accountId, buckets, token } = await accountWithBuckets('sofar-cost');
    const events: EventToAppend[] = [];
    for (let h = 0; h < 24 * 20; h++) {
      events.push(storageEvent(accountId, buckets[h % 2]!, BigInt(50 + (h % 7)) << 30n, bounds.startMs + h * HOUR));
      events.push(trafficEvent(accountId, buckets[h % 2]!, bounds.startMs + h * HOUR, 1_000_000n, 13n));
    }
    await app.infrastructure.eventStore.append(`usage-${accountId}:${PERIOD}`, events, { expectedRevision: 'any' });
    await app.infrastructure.eventStore.append(`usage-${accountId}:2026-05`, [storageEvent(accountId, buckets[0]!, 7n << 30n, bounds.startMs - HOUR)], { expectedRevision: 'any' });
    await app.runner.catchUp();
    const reads = vi.spyOn(app.infrastructure.eventStore, 'readStream');
    try {
      const body = await shown(accountId, token);
      const usageReads = reads.mock.calls.filter(([stream]) => stream.startsWith('usage-'));
      expect(usageReads).toEqual([[`usage-${accountId}:${PERIOD}`, { fromRevision: BigInt(events.length) }]]);
      reads.mockRestore();
      expect(body).toEqual(await replayed(accountId));
    } finally {
      reads.mockRestore();
    }
  });
});
