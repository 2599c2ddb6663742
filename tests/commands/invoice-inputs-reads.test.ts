import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAggregate } from '../../src/commands/command-handler.ts';
import { creditAvailableFor, creditAvailableIn, lateUsageAmong, lateUsageFor, periodStorage, readPeriodClose, readPeriodUsage, toPeriodUsage } from '../../src/commands/invoice-inputs.ts';
import { creditDecider } from '../../src/domain/credit/credit-decider.ts';
import { invoiceDecider } from '../../src/domain/invoice/invoice-decider.ts';
import type { EventStore, EventToAppend } from '../../src/ports/event-store.ts';
import { startTestApp } from '../support/app.ts';
import { eventToAppend } from '../support/events.ts';

/**
 * An invoice's inputs come from dozens of small streams (24 earlier usage periods, each
 * bucket, 12+ invoices); the billing run pays a round trip per store call, so they are read a
 * few at a time, with the same result as reading them one by one.
 */
type App = Awaited<ReturnType<typeof startTestApp>>;
let app: App;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.close();
});

const ZONE = 'UTC';
const event = (type: string, data: unknown) => eventToAppend(type, data, '2026-08-01T12:00:00.000Z');

/** The store, counting the calls that reach it. */
function counted(inner: EventStore) {
  const calls: string[] = [];
  const store = new Proxy(inner, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.push(String(property));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store, calls };
}

describe('invoice inputs read their streams a few at a time', () => {
  it('periodStorage: 24 earlier periods in 4 reads and every bucket in 1, with the carried-in bytes and deletions worked out by hand', async () => {
    const inner = app.infrastructure.eventStore;
    const accountId = randomUUID();
    const [kept, deletedBefore, deletedInside, old] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    const sample = (bucketId: string, bytes: string, at: string) => event('StorageMeasured', { accountId, bucketId, sampleKey: `${bucketId}:${at}`, bytes, at, contentDigest: 'x' });
    // 2026-06: kept's last sample is 300 (not 200, earlier that month); deletedBefore's 50
    await inner.append(`usage-${accountId}:2026-06`, [sample(kept, '200', '2026-06-10T00:00:00.000Z'), sample(kept, '300', '2026-06-20T00:00:00.000Z'), sample(deletedBefore, '50', '2026-06-05T00:00:00.000Z')], { expectedRevision: 'no_stream' });
    // 2026-05: kept's 999 is older than June's 300 and does not count; deletedInside's 70 does
    await inner.append(`usage-${accountId}:2026-05`, [sample(kept, '999', '2026-05-31T00:00:00.000Z'), sample(deletedInside, '70', '2026-05-02T00:00:00.000Z')], { expectedRevision: 'no_stream' });
    // 2024-07, the 24th period back: still looked at
    await inner.append(`usage-${accountId}:2024-07`, [sample(old, '11', '2024-07-15T00:00:00.000Z')], { expectedRevision: 'no_stream' });
    await inner.append(`bucket-${deletedBefore}`, [event('BucketDeleted', { accountId, bucketId: deletedBefore, name: 'b', deletedAt: '2026-06-25T00:00:00.000Z' })], { expectedRevision: 'no_stream' });
    await inner.append(`bucket-${deletedInside}`, [event('BucketDeleted', { accountId, bucketId: deletedInside, name: 'c', deletedAt: '2026-07-09T00:00:00.000Z' })], { expectedRevision: 'no_stream' });

    const { store, calls } = counted(inner);
    const storage = await periodStorage(store, accountId, '2026-07', ZONE, { storage: [] });

    expect(storage.carriedIn).toEqual(Object.fromEntries([[kept, '300'], [deletedInside, '70'], [old, '11']].sort(([a], [b]) => (a! < b! ? -1 : 1))));
    expect(storage.deletions).toEqual([{ bucket: deletedInside, at: '2026-07-09T00:00:00.000Z' }]);
    // one by one this was 24 usage reads and one per bucket (4 here)
    expect(calls).toEqual(['readStreams', 'readStreams', 'readStreams', 'readStreams', 'readStreams']);
  });

  it('lateUsageFor: the 12 earlier invoices and those up to now in one read', async () => {
    const { store, calls } = counted(app.infrastructure.eventStore);
    const late = await lateUsageFor(store, randomUUID(), '2026-07', ZONE, new Date('2026-09-03T00:00:00Z'));
    expect(late).toEqual({ adjustments: [], billedElsewhere: null });
    // one by one this was 14 reads (2025-07 … 2026-09 but 2026-07)
    expect(calls).toEqual(['readStreams']);
  });
});

describe('readPeriodClose: what closing a period starts from, in one read', () => {
  it('the invoice, the issued invoices, the credit and the usage, as the reads one by one give them', async () => {
    const inner = app.infrastructure.eventStore;
    const accountId = randomUUID();
    const bucketId = randomUUID();
    const drafted = (period: string, invoiceId: string) =>
      event('InvoiceDrafted', {
        accountId,
        period,
        invoiceId,
        digest: `d-${period}`,
        draftedAt: '2026-06-01T00:00:00.000Z',
        rated: { period, currency: 'BRL', lines: [], subtotal: '0.00', tax: '0.00', creditApplied: '0.00', total: '0.00' },
        inputs: { usageStream: `usage-${accountId}:${period}`, usageStreamRevision: null, carriedInStorage: {}, planVersions: [], segments: [], creditAvailable: '0.00', engineVersion: 'rating-1' },
      });
    const issuedEvent = (period: string, invoiceId: string, number: string) =>
      event('InvoiceIssued', { accountId, period, invoiceId, digest: `d-${period}`, number, issueDate: '2026-06-02', dueDate: '2026-06-10', issuedAt: '2026-06-02T00:00:00.000Z', total: '0.00', currency: 'BRL' });
    await inner.append(`invoice-${accountId}:2026-05`, [drafted('2026-05', 'inv-may'), issuedEvent('2026-05', 'inv-may', 'INV-2026-000001')], { expectedRevision: 'no_stream' });
    await inner.append(`invoice-${accountId}:2026-07`, [drafted('2026-07', 'inv-july')], { expectedRevision: 'no_stream' });
    await inner.append(`credit-${accountId}`, [event('AccountCredited', { accountId, creditId: 'payment:p1', amount: '12.50', currency: 'BRL', source: { kind: 'overpayment', invoiceId: 'inv-may', paymentId: 'p1', externalRef: 'r1' }, creditedAt: '2026-07-03T00:00:00.000Z' })], { expectedRevision: 'no_stream' });
    await inner.append(
      `usage-${accountId}:2026-07`,
      [
        event('StorageMeasured', { accountId, bucketId, sampleKey: 's1', bytes: '100', at: '2026-07-02T00:00:00.000Z', contentDigest: 'x' }),
        event('TrafficMeasured', { accountId, bucketId, sampleKey: 't1', windowStart: '2026-07-02T00:00:00.000Z', windowEnd: '2026-07-02T01:00:00.000Z', egressBytes: '5', ingressBytes: '6', requestsA: '7', requestsB: '8', contentDigest: 'y' }),
      ],
      { expectedRevision: 'no_stream' },
    );

    const { store, calls } = counted(inner);
    const now = new Date('2026-08-03T00:00:00Z');
    const read = await readPeriodClose(store, accountId, '2026-07', ZONE, now);
    expect(calls).toEqual(['readStreams']);

    expect(read.invoice).toEqual(await loadAggregate(inner, invoiceDecider, `invoice-${accountId}:2026-07`));
    expect(read.invoice.state.status).toBe('draft');
    expect(read.issued.map((i) => i.reference)).toEqual([{ period: '2026-05', invoiceId: 'inv-may', number: 'INV-2026-000001' }]);
    expect(await lateUsageAmong(inner, accountId, '2026-07', read.issued)).toEqual(await lateUsageFor(inner, accountId, '2026-07', ZONE, now));
    expect(read.credit).toEqual(await loadAggregate(inner, creditDecider, `credit-${accountId}`));
    expect(creditAvailableIn(read.credit.state, '2026-07', 'BRL')).toBe(await creditAvailableFor(inner, accountId, '2026-07', 'BRL'));
    expect(creditAvailableIn(read.credit.state, '2026-07', 'BRL')).toBe('12.50');
    const usage = await readPeriodUsage(inner, accountId, '2026-07');
    expect(read.usageStream).toBe(usage.stream);
    expect(read.usageStreamRevision).toBe(1n);
    expect(read.usage).toEqual(toPeriodUsage(usage.events));
    expect(read.usage.traffic).toHaveLength(1);
  });
});
