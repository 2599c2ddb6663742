import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../support/app.ts';
import { bearer } from '../support/api-requests.ts';
import { WORKED_EXAMPLE_TERMS } from '../support/billing-fixtures.ts';

/**
 * The whole flow through HTTP only: a plan, an account subscribed to it, a bucket, usage
 * from a metering token, a billing run, the invoice with the worked example's lines.
 */
type App = Awaited<ReturnType<typeof startTestApp>>;
let app: App;
let operator: string;
let metering: string;

const GIB = 2n ** 30n;

beforeAll(async () => {
  app = await startTestApp();
  operator = await app.tokenFor({ kind: 'operator' });
  metering = await app.tokenFor({ kind: 'metering' });
});
afterAll(async () => {
  await app.close();
});

describe('billing flow through HTTP', () => {
  it('plan, subscription, bucket, usage, billing run: the invoice has the worked example lines; a second run issues nothing', async () => {
    const plan = await app.api.inject({
      method: 'POST',
      url: '/operator/plans',
      headers: bearer(operator),
      payload: {
        planId: 'flow-basic',
        name: 'Flow basic',
        effectiveFrom: '2026-01',
        ...WORKED_EXAMPLE_TERMS,
      },
    });
    expect(plan.statusCode, plan.body).toBe(201);

    const opened = await app.api.inject({
      method: 'POST',
      url: '/accounts',
      headers: bearer(operator),
      payload: { name: 'Flow Ltda', slug: 'flow-co', billingEmail: 'fin@flow.co', document: '11.222.333/0001-81' },
    });
    const { accountId } = opened.json<{ accountId: string }>();
    const subscribed = await app.api.inject({
      method: 'PUT',
      url: `/accounts/${accountId}/subscription`,
      headers: bearer(operator),
      payload: { planId: 'flow-basic', effectiveAt: '2026-05-01T00:00:00-03:00' },
    });
    expect(subscribed.statusCode, subscribed.body).toBeLessThan(300);

    const owner = await app.tokenFor({ kind: 'account', accountId, role: 'developer' });
    const bucket = await app.api.inject({ method: 'POST', url: `/accounts/${accountId}/buckets`, headers: bearer(owner), payload: { name: 'flow-backups' } });
    expect(bucket.statusCode, bucket.body).toBe(201);

    const samples = [
      { kind: 'storage', sampleKey: 'minio:flow-backups:2026-06-01', bucket: 'flow-backups', bytes: String(100n * GIB), at: '2026-06-01T00:00:00-03:00' },
      { kind: 'storage', sampleKey: 'minio:flow-backups:2026-06-16', bucket: 'flow-backups', bytes: String(200n * GIB), at: '2026-06-16T00:00:00-03:00' },
      {
        kind: 'traffic',
        sampleKey: 'minio:flow-backups:traffic:2026-06-10',
        bucket: 'flow-backups',
        windowStart: '2026-06-10T00:00:00-03:00',
        windowEnd: '2026-06-10T01:00:00-03:00',
        egressBytes: String(50n * GIB),
        ingressBytes: '0',
        requestsA: '1234567',
        requestsB: '0',
      },
    ];
    const ingested = await app.api.inject({ method: 'POST', url: '/usage', headers: bearer(metering), payload: { samples } });
    expect(ingested.statusCode, ingested.body).toBe(200);
    const resent = await app.api.inject({ method: 'POST', url: '/usage', headers: bearer(metering), payload: { samples } });
    expect(resent.json()).toMatchObject({ accepted: 0, duplicates: 3 });
    await app.runner.catchUp();

    const usage = await app.api.inject({ method: 'GET', url: `/accounts/${accountId}/usage?period=2026-06`, headers: bearer(owner) });
    expect(usage.statusCode, usage.body).toBe(200);
    expect(usage.json()).toMatchObject({
      storageGibMonthsToDate: '150.000000',
      egressGib: '50.000000',
      requestsA: '1234567',
      estimatedInvoice: { total: '57.59', subtotal: '54.85' },
    });

    const run = await app.api.inject({ method: 'POST', url: '/operator/billing-runs', headers: bearer(operator), payload: { period: '2026-06' } });
    expect(run.json()).toMatchObject({ issued: 1, failed: 0 });
    await app.runner.catchUp();
    const invoices = (await app.api.inject({ method: 'GET', url: `/accounts/${accountId}/invoices`, headers: bearer(operator) })).json<{
      items: { invoiceId: string; number: string; total: string; status: string }[];
    }>().items;
    expect(invoices).toHaveLength(1);
    expect(invoices[0]).toMatchObject({ number: 'INV-2026-000001', total: '57.59', status: 'issued' });
    const detail = (await app.api.inject({ method: 'GET', url: `/accounts/${accountId}/invoices/${invoices[0]!.invoiceId}`, headers: bearer(operator) })).json<{
      lines: { kind: string; amount: string }[];
      subtotal: string;
      tax: string;
    }>();
    expect(detail.lines.map((l) => [l.kind, l.amount])).toEqual([
      ['storage_gib_month', '22.50'],
      ['egress_gib', '20.00'],
      ['requests_a', '12.35'],
    ]);
    expect(detail).toMatchObject({ subtotal: '54.85', tax: '2.74' });

    const again = await app.api.inject({ method: 'POST', url: '/operator/billing-runs', headers: bearer(operator), payload: { period: '2026-06' } });
    expect(again.json()).toMatchObject({ issued: 0, alreadyIssued: 1 });
    const audit = await app.api.inject({ method: 'GET', url: `/invoices/${invoices[0]!.invoiceId}/audit`, headers: bearer(operator) });
    expect(audit.json()).toMatchObject({ identical: true });

    const paid = await app.api.inject({
      method: 'POST',
      url: `/invoices/${invoices[0]!.invoiceId}/payments`,
      headers: bearer(operator),
      payload: { externalRef: 'pix-e2e-0001', amount: '57.59', method: 'pix', receivedAt: '2026-07-05T10:00:00-03:00' },
    });
    expect(paid.statusCode, paid.body).toBe(201);
    await app.runner.catchUp();
    const after = (await app.api.inject({ method: 'GET', url: `/accounts/${accountId}/invoices/${invoices[0]!.invoiceId}`, headers: bearer(operator) })).json();
    expect(after).toMatchObject({ status: 'paid', total: '57.59' });
    const balance = (await app.api.inject({ method: 'GET', url: `/accounts/${accountId}/balance`, headers: bearer(operator) })).json();
    expect(balance).toMatchObject({ amountDue: '0.00', creditAvailable: '0.00', openInvoices: [] });
  });
});
