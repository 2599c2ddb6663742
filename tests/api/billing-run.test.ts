import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditInvoice } from '../../src/commands/invoice-audit.ts';
import { startTestApp } from '../support/app.ts';
import { accountWithWorkedExampleUsage as withUsage, GIB, publishWorkedExamplePlan } from '../support/billing-fixtures.ts';
import { bearer } from '../support/api-requests.ts';

/**
 * The worked example of issue 4, through a billing run over HTTP. Plans, subscriptions and
 * usage are written as the events their modules record (their own routes are tested in
 * their own files), so this test is about drafting, issuing, numbering and auditing.
 */
type App = Awaited<ReturnType<typeof startTestApp>>;
let app: App;
let operator: string;

beforeAll(async () => {
  app = await startTestApp();
  operator = await app.tokenFor({ kind: 'operator' });
  await publishWorkedExamplePlan(app);
});
afterAll(async () => {
  await app.close();
});

const accountWithWorkedExampleUsage = (slug: string) => withUsage(app, operator, slug);

const runBilling = (period: string) =>
  app.api.inject({ method: 'POST', url: '/operator/billing-runs', headers: bearer(operator), payload: { period } });

describe('billing run', () => {
  let accountId: string;
  let invoiceId: string;

  it('issues the worked example: 22.50 + 20.00 + 12.35 = 54.85, tax 2.74, total 57.59, with a yearly number', async () => {
    accountId = await accountWithWorkedExampleUsage('worked-co');
    const response = await runBilling('2026-06');
    expect(response.statusCode, response.body).toBe(200);
    const summary = response.json<{ issued: number; failed: number; outcomes: { accountId: string; outcome: string; number?: string }[] }>();
    expect(summary.failed).toBe(0);
    const mine = summary.outcomes.find((o) => o.accountId === accountId)!;
    expect(mine).toMatchObject({ outcome: 'issued', number: 'INV-2026-000001', total: '57.59' });

    await app.runner.catchUp();
    const list = await app.api.inject({ method: 'GET', url: `/accounts/${accountId}/invoices?status=issued`, headers: bearer(operator) });
    const [invoice] = list.json<{ items: { invoiceId: string }[] }>().items;
    invoiceId = invoice!.invoiceId;
    const detail = (await app.api.inject({ method: 'GET', url: `/accounts/${accountId}/invoices/${invoiceId}`, headers: bearer(operator) })).json<{
      lines: { kind: string; quantity: string; amount: string }[];
      subtotal: string;
      tax: string;
      total: string;
      number: string;
      issueDate: string;
      dueDate: string;
    }>();
    expect(detail.lines.map((l) => [l.kind, l.amount])).toEqual([
      ['storage_gib_month', '22.50'],
      ['egress_gib', '20.00'],
      ['requests_a', '12.35'],
    ]);
    expect(detail.lines[0]!.quantity).toMatch(/^150(\.0+)?$/);
    expect(detail).toMatchObject({ subtotal: '54.85', tax: '2.74', total: '57.59', number: 'INV-2026-000001' });
    // the billing day (10) of July, unless the run (today's date) leaves less than 10 days to pay
    const tenDaysAfterIssue = new Date(Date.parse(`${detail.issueDate}T00:00:00Z`) + 10 * 86_400_000).toISOString().slice(0, 10);
    expect(detail.dueDate).toBe(tenDaysAfterIssue > '2026-07-10' ? tenDaysAfterIssue : '2026-07-10');
  });

  it('a second run issues nothing twice', async () => {
    const again = (await runBilling('2026-06')).json<{ issued: number; alreadyIssued: number; outcomes: { accountId: string; outcome: string }[] }>();
    expect(again.issued).toBe(0);
    expect(again.outcomes.find((o) => o.accountId === accountId)).toMatchObject({ outcome: 'already_issued' });
    const numbers = await app.infrastructure.eventStore.readStream('invoicenumbers-2026');
    expect(numbers).toHaveLength(1);
  });

  it('two runs at once give gapless, unique, increasing numbers and one invoice per account', async () => {
    const accounts = [];
    for (let i = 0; i < 4; i++) accounts.push(await accountWithWorkedExampleUsage(`parallel-${i}`));
    const [a, b] = await Promise.all([runBilling('2026-06'), runBilling('2026-06')]);
    expect(a.statusCode).toBe(200);
    expect(b.statusCode).toBe(200);
    const numbers = (await app.infrastructure.eventStore.readStream('invoicenumbers-2026')).map((e) => (e.data as { number: string; invoiceId: string }));
    expect(numbers.map((n) => n.number)).toEqual(['INV-2026-000001', 'INV-2026-000002', 'INV-2026-000003', 'INV-2026-000004', 'INV-2026-000005']);
    expect(new Set(numbers.map((n) => n.invoiceId)).size).toBe(5);
    for (const id of accounts) {
      const issued = (await app.infrastructure.eventStore.readStream(`invoice-${id}:2026-06`)).filter((e) => e.type === 'InvoiceIssued');
      expect(issued).toHaveLength(1);
    }
  });

  it('an audit by replay is identical, and names the line when a usage event is changed behind its back', async () => {
    const clean = await auditInvoice(app.infrastructure.eventStore, accountId, '2026-06');
    expect(clean.identical).toBe(true);
    const viaApi = await app.api.inject({ method: 'GET', url: `/invoices/${invoiceId}/audit`, headers: bearer(operator) });
    expect(viaApi.json()).toMatchObject({ identical: true, number: 'INV-2026-000001' });

    // Tamper with the stored usage directly in the store's table: 200 GiB becomes 260 GiB.
    await sql`UPDATE es_events SET data = jsonb_set(data, '{bytes}', to_jsonb(${String(260n * GIB)}::text))
              WHERE stream_name = ${`usage-${accountId}:2026-06`} AND data->>'sampleKey' = 's2'`.execute(app.infrastructure.readModels);
    const tampered = await auditInvoice(app.infrastructure.eventStore, accountId, '2026-06');
    expect(tampered.identical).toBe(false);
    const storage = tampered.differences.find((d) => d.line === 1 && d.field === 'amount')!;
    // 100 GiB × 15/30 + 260 GiB × 15/30 = 180 GiB-month × 0.15 = 27.00
    expect(storage).toMatchObject({ kind: 'storage_gib_month', issued: '22.50', replayed: '27.00' });
    expect(tampered.differences.find((d) => d.line === null && d.field === 'total')).toMatchObject({ issued: '57.59' });
  });

  it('a subscription from 2026-06-16T00:00-03:00 rates June from then: fee 30.00 → 15.00, minimum 10.00 → 5.00, earlier usage not billed', async () => {
    // June is 30 days; 16 June to 1 July is 15 of them: share 1/2.
    // fee 30.00 × 1/2 = 15.00; egress from the 16th: 5 GiB × 0.40 = 2.00 (the 50 GiB of the 10th
    // came before the subscription: not billed); subtotal 17.00 ≥ minimum 5.00; tax 5% 0.85; total 17.85.
    const meta = { actor: 'test', correlationId: 'c', causationId: 'c', occurredAt: '2026-06-16T12:00:00.000Z' };
    const event = (type: string, data: unknown) => ({ eventId: randomUUID(), type, data, metadata: meta });
    const store = app.infrastructure.eventStore;
    const starter = { planId: 'starter', version: 1, currency: 'BRL', monthlyFee: '30.00', monthlyMinimum: '10.00', taxRate: '0.05', meters: { egress_gib: { model: 'per_unit', unitPrice: '0.40' } } };
    await store.append('pricebook-starter', [event('PlanVersionPublished', { planId: 'starter', version: 1, name: 'Starter', effectiveFrom: '2026-01', plan: starter, publishedAt: '2026-01-01T00:00:00.000Z' })], { expectedRevision: 'no_stream' });
    const opened = await app.api.inject({ method: 'POST', url: '/accounts', headers: bearer(operator), payload: { name: 'Late starter', slug: 'late-starter', billingEmail: 'b@late.co', document: '529.982.247-25' } });
    const { accountId: starterId } = opened.json<{ accountId: string }>();
    await store.append(`subscription-${starterId}`, [event('SubscriptionChanged', { accountId: starterId, planId: 'starter', effectiveAt: '2026-06-16T00:00:00-03:00', changedAt: '2026-06-16T00:00:00-03:00', previousPlanId: null })], { expectedRevision: 'no_stream' });
    const window = (key: string, start: string, gib: bigint) =>
      event('TrafficMeasured', { accountId: starterId, bucketId: 'b1', contentDigest: 'x', sampleKey: key, windowStart: start, windowEnd: start.replace('T00:', 'T01:'), egressBytes: String(gib * GIB), ingressBytes: '0', requestsA: '0', requestsB: '0' });
    await store.append(`usage-${starterId}:2026-06`, [window('before', '2026-06-10T00:00:00-03:00', 50n), window('after', '2026-06-20T00:00:00-03:00', 5n)], { expectedRevision: 'no_stream' });
    await app.runner.catchUp();

    const summary = (await runBilling('2026-06')).json<{ outcomes: { accountId: string; outcome: string; total?: string; error?: string }[] }>();
    expect(summary.outcomes.find((o) => o.accountId === starterId)).toMatchObject({ outcome: 'issued', total: '17.85' });
    const audit = await auditInvoice(store, starterId, '2026-06');
    expect(audit.identical, JSON.stringify(audit.differences)).toBe(true);
    const lines = audit.replayed.lines.map((l) => [l.kind, l.from, l.quantity, l.amount]);
    expect(lines).toEqual([
      ['monthly_fee', '2026-06-16T03:00:00.000Z', '0.5', '15.00'],
      ['egress_gib', '2026-06-16T03:00:00.000Z', '5', '2.00'],
    ]);
    expect(audit.replayed).toMatchObject({ subtotal: '17.00', minimumTrueUp: '0.00', tax: '0.85', total: '17.85' });
  });
});
