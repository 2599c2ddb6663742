import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startClockedApp, type ClockedApp } from '../support/clocked-app.ts';
import { bearer, openTestAccount } from '../support/api-requests.ts';

/**
 * A deleted bucket holds 0 from its deletion (`BucketDeleted`): in the period it is deleted
 * in, in the carried-in storage of the periods after, in late-usage re-rating and in the usage
 * portal. All through HTTP, with every instant set by the test.
 *
 * Plan: storage 0.15 per GiB-month, egress 0.40 per GiB, no fee, no minimum, no tax.
 * Account in São Paulo (UTC−3 all year). One bucket, 100 GiB from 2026-06-01T00:00-03:00,
 * deleted at 2026-07-16T00:00-03:00 (= 03:00Z).
 *
 * - June (30 days): 100 GiB all month = 100 GiB-month × 0.15 = 15.00.
 * - July (31 days): 100 GiB for the 15 days before the deletion = 100 × 15/31 = 48.387096…
 *   GiB-month × 0.15 = 7.258064… → 7.26 (held to the month's end it would be 15.00).
 * - August: nothing carried in for the deleted bucket (before, 15.00 again): only the late
 *   July egress below, 10 GiB × 0.40 = 4.00, re-rated with the deletion July's invoice recorded,
 *   so no storage adjustment (without it: +7.74 for July's storage).
 */
let app: ClockedApp;
let operator: string;
let metering: string;
let owner: string;
let accountId: string;
let bucketId: string;
const GIB = 2n ** 30n;

interface Line {
  kind: string;
  quantity: string;
  amount: string;
  adjusts?: { period: string; kind: string; segment: number | null };
}

beforeAll(async () => {
  app = await startClockedApp('2026-05-20T12:00:00Z');
  operator = await app.tokenFor({ kind: 'operator' });
  metering = await app.tokenFor({ kind: 'metering' });
  // A plan of its own, not the worked example's: with no minimum and no tax, each invoice's
  // total is the storage and egress figures worked out above.
  const plan = await app.api.inject({
    method: 'POST',
    url: '/operator/plans',
    headers: bearer(operator),
    payload: {
      planId: 'storage-deletions',
      name: 'Storage',
      effectiveFrom: '2026-01',
      currency: 'BRL',
      monthlyFee: '0',
      monthlyMinimum: '0',
      taxRate: '0',
      meters: { storage_gib_month: { model: 'per_unit', unitPrice: '0.15' }, egress_gib: { model: 'per_unit', unitPrice: '0.40' } },
    },
  });
  expect(plan.statusCode, plan.body).toBe(201);
  ({ accountId } = await openTestAccount(app, operator, 'deleted-buckets', { name: 'Deleted Buckets Ltda', billingEmail: 'b@deleted-buckets.co' }));
  owner = await app.tokenFor({ kind: 'account', accountId, role: 'owner' });
  const subscribed = await app.api.inject({
    method: 'PUT',
    url: `/accounts/${accountId}/subscription`,
    headers: bearer(operator),
    payload: { planId: 'storage-deletions', effectiveAt: '2026-06-01T00:00:00-03:00' },
  });
  expect(subscribed.statusCode, subscribed.body).toBe(200);
  const bucket = await app.api.inject({ method: 'POST', url: `/accounts/${accountId}/buckets`, headers: bearer(owner), payload: { name: 'deleted-photos' } });
  expect(bucket.statusCode, bucket.body).toBe(201);
  bucketId = bucket.json<{ bucketId: string }>().bucketId;
  const provisioned = await app.api.inject({ method: 'POST', url: `/accounts/${accountId}/buckets/${bucketId}/provisioned`, headers: bearer(operator), payload: {} });
  expect(provisioned.statusCode, provisioned.body).toBe(200);

  app.setClock('2026-06-01T12:00:00Z');
  const sampled = await postUsage([{ kind: 'storage', sampleKey: 'june-100', bucket: 'deleted-photos', bytes: String(100n * GIB), at: '2026-06-01T00:00:00-03:00' }]);
  expect(sampled.json()).toMatchObject({ recorded: 1 });

  app.setClock('2026-07-16T03:00:00Z');
  const deleting = await app.api.inject({ method: 'DELETE', url: `/accounts/${accountId}/buckets/${bucketId}`, headers: bearer(owner) });
  expect(deleting.statusCode, deleting.body).toBeLessThan(300);
  const deleted = await app.api.inject({ method: 'POST', url: `/accounts/${accountId}/buckets/${bucketId}/deleted`, headers: bearer(operator), payload: {} });
  expect(deleted.statusCode, deleted.body).toBe(200);
});
afterAll(async () => {
  await app?.close();
});

async function postUsage(samples: unknown[]) {
  const response = await app.api.inject({ method: 'POST', url: '/usage', headers: bearer(metering), payload: { samples } });
  expect(response.statusCode, response.body).toBe(200);
  return response;
}

async function bill(period: string): Promise<{ invoiceId: string; lines: Line[]; total: string }> {
  await app.runner.catchUp();
  const run = await app.api.inject({ method: 'POST', url: '/operator/billing-runs', headers: bearer(operator), payload: { period } });
  expect(run.statusCode, run.body).toBe(200);
  const mine = run.json<{ outcomes: { accountId: string; outcome: string; invoiceId: string }[] }>().outcomes.find((o) => o.accountId === accountId);
  expect(mine, run.body).toMatchObject({ outcome: 'issued' });
  await app.runner.catchUp();
  const detail = await app.api.inject({ method: 'GET', url: `/accounts/${accountId}/invoices/${mine!.invoiceId}`, headers: bearer(operator) });
  expect(detail.statusCode, detail.body).toBe(200);
  return { invoiceId: mine!.invoiceId, ...detail.json<{ lines: Line[]; total: string }>() };
}

async function audit(invoiceId: string) {
  const response = await app.api.inject({ method: 'GET', url: `/invoices/${invoiceId}/audit`, headers: bearer(operator) });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{ identical: boolean; differences: unknown[] }>();
}

describe('a deleted bucket holds 0 from its deletion', () => {
  it('the usage so far and the estimate hold 0 from the deletion to the period end', async () => {
    app.setClock('2026-07-20T15:00:00Z');
    const usage = await app.api.inject({ method: 'GET', url: `/accounts/${accountId}/usage?period=2026-07`, headers: bearer(owner) });
    expect(usage.statusCode, usage.body).toBe(200);
    const body = usage.json<{ storageGibMonthsToDate: string; estimatedInvoice: { total: string; lines: Line[] } }>();
    // 100 GiB × 15 days ÷ 31 days = 48.387096… GiB-month; not 100 × 19 d 12 h ÷ 31 d = 62.9…
    expect(body.storageGibMonthsToDate).toBe('48.387097');
    // held at 0 to the period's end: 48.387096… × 0.15 = 7.258… → 7.26, not 15.00
    expect(body.estimatedInvoice.lines.map((l) => [l.kind, l.amount])).toEqual([['storage_gib_month', '7.26']]);
    expect(body.estimatedInvoice.total).toBe('7.26');
  });

  it('the period sampled before bills in full', async () => {
    const june = await bill('2026-06');
    expect(june.lines.map((l) => [l.kind, l.amount])).toEqual([['storage_gib_month', '15.00']]);
    expect(june.total).toBe('15.00');
  });

  it('the period of the deletion bills only up to it, records the deletion and audits identical', async () => {
    app.setClock('2026-08-02T12:00:00Z');
    const july = await bill('2026-07');
    expect(july.lines.map((l) => [l.kind, l.amount])).toEqual([['storage_gib_month', '7.26']]);
    expect(july.lines[0]!.quantity).toMatch(/^48\.387096774193548/);
    expect(july.total).toBe('7.26');

    const [drafted] = (await app.infrastructure.eventStore.readStream(`invoice-${accountId}:2026-07`)).filter((e) => e.type === 'InvoiceDrafted');
    expect((drafted!.data as { inputs: { deletions?: unknown } }).inputs.deletions).toEqual([{ bucket: bucketId, at: '2026-07-16T03:00:00.000Z' }]);
    expect(await audit(july.invoiceId)).toMatchObject({ identical: true, differences: [] });
  });

  it('the period after bills nothing for it, and late usage of the deletion period is re-rated with the deletion', async () => {
    app.setClock('2026-08-05T12:00:00Z');
    // 10 GiB of July egress arrives after July's invoice was issued
    await postUsage([
      {
        kind: 'traffic',
        sampleKey: 'july-late-egress',
        bucket: 'deleted-photos',
        windowStart: '2026-07-10T10:00:00-03:00',
        windowEnd: '2026-07-10T11:00:00-03:00',
        egressBytes: String(10n * GIB),
        ingressBytes: '0',
        requestsA: '0',
        requestsB: '0',
      },
    ]);
    app.setClock('2026-09-02T12:00:00Z');
    const august = await bill('2026-08');
    expect(august.lines.map((l) => [l.kind, l.adjusts?.period ?? null, l.amount])).toEqual([['adjustment', '2026-07', '4.00']]);
    expect(august.lines[0]!.adjusts).toMatchObject({ kind: 'egress_gib' });
    expect(august.total).toBe('4.00');
    expect(await audit(august.invoiceId)).toMatchObject({ identical: true, differences: [] });
  });
});
