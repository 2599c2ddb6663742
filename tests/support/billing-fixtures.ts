import { randomUUID } from 'node:crypto';
import type { Application } from '../../src/main.ts';
import { openTestAccount } from './api-requests.ts';
import { eventToAppend } from './events.ts';

type App = Pick<Application, 'api' | 'infrastructure' | 'runner'>;

/**
 * The worked example of issue 4, written as the events the price book, subscription and
 * usage modules record: plan storage-basic (BRL storage 0.15/GiB-month, egress 0.40/GiB,
 * requests 0.01 per 1,000, minimum 10.00, tax 5%), and for one account in 2026-06: 100 GiB
 * from the 1st, 200 GiB from the 16th, 50 GiB egress, 1,234,567 class A requests.
 */
export const GIB = 2n ** 30n;
const event = (type: string, data: unknown) => eventToAppend(type, data);

/** The worked example's terms, for any plan id: what a test publishes as the example plan. */
export const WORKED_EXAMPLE_TERMS = {
  currency: 'BRL',
  monthlyFee: '0',
  monthlyMinimum: '10.00',
  taxRate: '0.05',
  meters: {
    storage_gib_month: { model: 'per_unit', unitPrice: '0.15' },
    egress_gib: { model: 'per_unit', unitPrice: '0.40' },
    requests_a: { model: 'per_unit', unitPrice: '0.01' },
    requests_b: { model: 'per_unit', unitPrice: '0.01' },
  },
};

export const WORKED_EXAMPLE_PLAN = { planId: 'storage-basic', version: 1, ...WORKED_EXAMPLE_TERMS };

export async function publishWorkedExamplePlan(app: App) {
  await app.infrastructure.eventStore.append(
    'pricebook-storage-basic',
    [event('PlanVersionPublished', { planId: 'storage-basic', version: 1, name: 'Storage basic', effectiveFrom: '2026-01', plan: WORKED_EXAMPLE_PLAN, publishedAt: '2026-01-01T00:00:00.000Z' })],
    { expectedRevision: 'no_stream' },
  );
}

export async function accountWithWorkedExampleUsage(app: App, operatorToken: string, slug: string, document = '529.982.247-25'): Promise<string> {
  const { accountId } = await openTestAccount(app, operatorToken, slug, { name: slug, billingEmail: `b@${slug}.co`, document });
  const store = app.infrastructure.eventStore;
  await store.append(
    `subscription-${accountId}`,
    [event('SubscriptionChanged', { accountId, planId: 'storage-basic', effectiveAt: '2026-05-01T00:00:00-03:00', changedAt: '2026-05-01T00:00:00-03:00', previousPlanId: null })],
    { expectedRevision: 'no_stream' },
  );
  const bucketId = randomUUID();
  const usage = (type: string, data: Record<string, string>) => event(type, { accountId, bucketId, contentDigest: 'x', ...data });
  await store.append(
    `usage-${accountId}:2026-06`,
    [
      usage('StorageMeasured', { sampleKey: 's1', bytes: String(100n * GIB), at: '2026-06-01T00:00:00-03:00' }),
      usage('StorageMeasured', { sampleKey: 's2', bytes: String(200n * GIB), at: '2026-06-16T00:00:00-03:00' }),
      usage('TrafficMeasured', {
        sampleKey: 't1',
        windowStart: '2026-06-10T00:00:00-03:00',
        windowEnd: '2026-06-10T01:00:00-03:00',
        egressBytes: String(50n * GIB),
        ingressBytes: '0',
        requestsA: '1234567',
        requestsB: '0',
      }),
    ],
    { expectedRevision: 'no_stream' },
  );
  await app.runner.catchUp();
  return accountId;
}
