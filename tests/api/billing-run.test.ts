import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditInvoice } from '../../src/commands/invoice-audit.ts';
import { startTestApp } from '../support/app.ts';
import { accountWithWorkedExampleUsage as withUsage, GIB, publishWorkedExamplePlan } from '../support/billing-fixtures.ts';

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

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
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
    expect(detail).toMatchObject({ subtotal: '54.85', tax: '2.74', total: '57.59', number: 'INV-2026-000001', dueDate: '2026-07-10' });
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
});
