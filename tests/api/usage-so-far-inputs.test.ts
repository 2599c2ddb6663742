import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { PostgresEventStore } from '../../src/adapters/event-store/postgres-event-store.ts';
import { createPool } from '../../src/adapters/postgres/database.ts';
import { periodStorage, readPeriodUsage, toPeriodUsage } from '../../src/commands/invoice-inputs.ts';
import { gib, meterSegments, parseUsage, periodBounds, rateInvoice } from '../../src/domain/rating/index.ts';
import type { EventStore, EventToAppend } from '../../src/ports/event-store.ts';
import { startTestApp } from '../support/app.ts';
import { bearer, openTestAccount } from '../support/api-requests.ts';

/**
 * GET …/usage keeps the account, its plan and the storage carried in between requests
 * (src/commands/usage-so-far-inputs.ts): a change to any of them, by this process or another,
 * shows in the answer, never the figure from before it.
 */

type App = Awaited<ReturnType<typeof startTestApp>>;
let app: App;
let operator: string;
let elsewhere: PostgresEventStore;
let elsewherePool: ReturnType<typeof createPool>;

const PERIOD = '2026-06';
const ZONE = 'America/Sao_Paulo';
const bounds = periodBounds(PERIOD, ZONE);
const HOUR = 3_600_000;
const meta = { actor: 'test', correlationId: 'c', causationId: 'c', occurredAt: '2026-07-01T00:00:00.000Z' };

beforeAll(async () => {
  app = await startTestApp();
  operator = await app.tokenFor({ kind: 'operator' });
  elsewherePool = createPool(app.config.databaseUrl!, 2);
  elsewhere = new PostgresEventStore(elsewherePool);
  for (const [planId, unitPrice] of [
    ['kept', '0.15'],
    ['kept-dear', '0.90'],
  ] as const) {
    const plan = await app.api.inject({
      method: 'POST',
      url: '/operator/plans',
      headers: bearer(operator),
      payload: { planId, name: planId, effectiveFrom: '2026-01', currency: 'BRL', monthlyFee: '5.00', monthlyMinimum: '0.00', taxRate: '0.05', meters: { storage_gib_month: { model: 'per_unit', unitPrice } } },
    });
    expect(plan.statusCode, plan.body).toBe(201);
  }
});
afterAll(async () => {
  await elsewhere.close();
  await elsewherePool.end().catch(() => undefined);
  await app.close();
});

async function accountWithUsage(slug: string) {
  const { accountId } = await openTestAccount(app, operator, slug, { name: slug, billingEmail: `b@${slug}.co` });
  const subscribed = await app.api.inject({ method: 'PUT', url: `/accounts/${accountId}/subscription`, headers: bearer(operator), payload: { planId: 'kept', effectiveAt: '2026-04-01T00:00:00-03:00' } });
  expect(subscribed.statusCode, subscribed.body).toBeLessThan(300);
  const buckets: string[] = [];
  for (const name of [`${slug}-a`, `${slug}-b`]) buckets.push((await app.api.inject({ method: 'POST', url: `/accounts/${accountId}/buckets`, headers: bearer(operator), payload: { name } })).json<{ bucketId: string }>().bucketId);
  const events: EventToAppend[] = [];
  for (let h = 0; h < 48; h++) events.push(storageEvent(accountId, buckets[h % 2]!, BigInt(40 + (h % 5)) << 30n, bounds.startMs + 2 * HOUR + h * HOUR));
  await app.infrastructure.eventStore.append(`usage-${accountId}:${PERIOD}`, events, { expectedRevision: 'any' });
  await app.infrastructure.eventStore.append(`usage-${accountId}:2026-05`, [storageEvent(accountId, buckets[0]!, 7n << 30n, bounds.startMs - 5 * HOUR)], { expectedRevision: 'any' });
  await app.runner.catchUp();
  return { accountId, buckets, token: await app.tokenFor({ kind: 'account', accountId, role: 'read-only' }) };
}

const storageEvent = (accountId: string, bucketId: string, bytes: bigint, atMs: number): EventToAppend => ({
  eventId: randomUUID(),
  type: 'StorageMeasured',
  data: { accountId, bucketId, sampleKey: randomUUID(), bytes: bytes.toString(), at: new Date(atMs).toISOString(), contentDigest: 'x' },
  metadata: meta,
});

/** The period replayed from the log, as billing rates it: what the route must answer. */
async function replayed(accountId: string) {
  const usage = await readPeriodUsage(app.infrastructure.eventStore, accountId, PERIOD);
  const events = toPeriodUsage(usage.events);
  const { carriedIn, deletions } = await periodStorage(app.infrastructure.eventStore, accountId, PERIOD, ZONE, events);
  const periodUsage = { ...events, deletions };
  const [whole] = meterSegments(parseUsage(periodUsage, carriedIn, bounds.startMs, bounds.endMs, []), [bounds.startMs, bounds.endMs]);
  const plan = (await app.loadRatingPlan(accountId, PERIOD, ZONE))!;
  const estimate = rateInvoice({ period: PERIOD, timeZone: ZONE, currency: 'BRL', segments: plan.segments, usage: periodUsage, carriedInStorage: carriedIn, creditAvailable: '0' });
  return { storageGibMonthsToDate: whole!.storageGibMonths.toFixed(6), total: estimate.total };
}

async function shown(accountId: string, token: string) {
  const response = await app.api.inject({ method: 'GET', url: `/accounts/${accountId}/usage?period=${PERIOD}`, headers: bearer(token) });
  expect(response.statusCode, response.body).toBe(200);
  const body = response.json<{ storageGibMonthsToDate: string; estimatedInvoice: { total: string } }>();
  return { storageGibMonthsToDate: body.storageGibMonthsToDate, total: body.estimatedInvoice.total };
}

/** Reads of the store a request makes, by stream. */
async function readsOf(request: () => Promise<unknown>) {
  const store = app.infrastructure.eventStore;
  const one = vi.spyOn(store, 'readStream');
  const many = vi.spyOn(store, 'readStreams');
  try {
    await request();
    return [...one.mock.calls.map(([stream]) => stream), ...many.mock.calls.flatMap(([streams]) => streams)];
  } finally {
    one.mockRestore();
    many.mockRestore();
  }
}

const deletedEvent = (accountId: string, bucketId: string, atMs: number): EventToAppend => ({
  eventId: randomUUID(),
  type: 'BucketDeleted',
  data: { accountId, bucketId, name: 'gone', deletedAt: new Date(atMs).toISOString() },
  metadata: meta,
});

describe('GET …/usage keeps what it read, and never answers from before a change', () => {
  it('a repeated request reads only the period stream after what it folded before', async () => {
    const { accountId, token } = await accountWithUsage('kept-reads');
    // the first requests after start-up may come before the change feed follows the log
    await vi.waitFor(async () => expect(await readsOf(() => shown(accountId, token))).toEqual([`usage-${accountId}:${PERIOD}`]));
    expect(await shown(accountId, token)).toEqual(await replayed(accountId));
  });

  it('late usage of an earlier period, appended by this process, shows on the very next request', async () => {
    const { accountId, buckets, token } = await accountWithUsage('kept-late-here');
    await vi.waitFor(async () => expect(await readsOf(() => shown(accountId, token))).toEqual([`usage-${accountId}:${PERIOD}`]));
    const before = await shown(accountId, token);
    await app.infrastructure.eventStore.append(`usage-${accountId}:2026-05`, [storageEvent(accountId, buckets[1]!, 300n << 30n, bounds.startMs - HOUR)], { expectedRevision: 'any' });
    const after = await shown(accountId, token);
    expect(after).toEqual(await replayed(accountId));
    expect(after).not.toEqual(before);
  });

  it('late usage of an earlier period, appended by another process, shows once the read model has it', async () => {
    const { accountId, buckets, token } = await accountWithUsage('kept-late-there');
    await vi.waitFor(async () => expect(await readsOf(() => shown(accountId, token))).toEqual([`usage-${accountId}:${PERIOD}`]));
    const before = await shown(accountId, token);
    await elsewhere.append(`usage-${accountId}:2026-05`, [storageEvent(accountId, buckets[1]!, 300n << 30n, bounds.startMs - HOUR)], { expectedRevision: 'any' });
    await app.runner.catchUp();
    const after = await shown(accountId, token);
    expect(after).toEqual(await replayed(accountId));
    expect(after).not.toEqual(before);
  });

  for (const [who, store] of [
    ['this process', () => app.infrastructure.eventStore],
    ['another process', () => elsewhere],
  ] as [string, () => EventStore][]) {
    it(`a bucket deleted by ${who} holds nothing from its deletion`, async () => {
      const { accountId, buckets, token } = await accountWithUsage(`kept-del-${who.split(' ')[0]}`);
      await vi.waitFor(async () => expect(await readsOf(() => shown(accountId, token))).toEqual([`usage-${accountId}:${PERIOD}`]));
      const before = await shown(accountId, token);
      await store().append(`bucket-${buckets[0]}`, [deletedEvent(accountId, buckets[0]!, bounds.startMs + 20 * 24 * HOUR)], { expectedRevision: 'any' });
      // this process's own append counts at once; another's as soon as the log delivers it
      await vi.waitFor(async () => expect(await shown(accountId, token)).not.toEqual(before), { timeout: 2_000, interval: 5 });
      expect(await shown(accountId, token)).toEqual(await replayed(accountId));
    });

    it(`a plan change by ${who} rates the estimate on the new plan`, async () => {
      const { accountId, token } = await accountWithUsage(`kept-plan-${who.split(' ')[0]}`);
      await vi.waitFor(async () => expect(await readsOf(() => shown(accountId, token))).toEqual([`usage-${accountId}:${PERIOD}`]));
      const before = await shown(accountId, token);
      const changed = {
        eventId: randomUUID(),
        type: 'SubscriptionChanged',
        data: { accountId, planId: 'kept-dear', effectiveAt: '2026-05-01T03:00:00.000Z', changedAt: '2026-05-01T03:00:00.000Z', previousPlanId: 'kept' },
        metadata: meta,
      };
      await store().append(`subscription-${accountId}`, [changed], { expectedRevision: 'any' });
      await vi.waitFor(async () => expect(await shown(accountId, token)).not.toEqual(before), { timeout: 2_000, interval: 5 });
      expect(await shown(accountId, token)).toEqual(await replayed(accountId));
    });
  }
});
