import { randomUUID } from 'node:crypto';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditInvoice } from '../../src/commands/invoice-audit.ts';
import { runDunning } from '../../src/commands/dunning.ts';
import { dunningDeps } from '../../src/composition/jobs.ts';
import { Exact } from '../../src/domain/rating/exact-decimal.ts';
import { startTestApp, testContext } from '../support/app.ts';
import { bearer } from '../support/api-requests.ts';
import { accountWithWorkedExampleUsage, GIB, publishWorkedExamplePlan } from '../support/billing-fixtures.ts';

/**
 * The corrections of a finance day, through HTTP, one step after another. The account (CNPJ
 * 11.222.333/0001-81) has the worked example's June plus a window its collector sent by mistake
 * (10 GiB egress): June = 22.50 + 24.00 + 12.35 = 58.85, tax 2.94, total 61.79.
 *
 * 1. June is overdue; a pix of 70.00 pays it (61.79 applied, 8.21 credit).
 * 2. Finance finds the account by CNPJ and the invoice by number, and reverses the pix (a
 *    chargeback): 61.79 due again, overdue again; the 8.21 credit is taken back.
 * 3. The customer pays 66.79 by boleto: paid, 5.00 credit.
 * 4. The wrong window is withdrawn from June (already issued).
 * 5. 2.00 of the credit is refunded: 3.00 left.
 * 6. July: 200 GiB-month 30.00 + adjustment of June's egress −10 GiB −4.00 = 26.00; tax 1.30;
 *    credit applied 3.00; total 24.30.
 * 7. The statement from June's issue on: opening 61.79 due; closing 24.30 due, 0.00 credit:
 *    the amount due the balance shows, and the credit the last movement left.
 */
type App = Awaited<ReturnType<typeof startTestApp>>;
let app: App;
let operator: string;
let metering: string;

beforeAll(async () => {
  app = await startTestApp();
  operator = await app.tokenFor({ kind: 'operator' });
  metering = await app.tokenFor({ kind: 'metering' });
  await publishWorkedExamplePlan(app);
});
afterAll(async () => {
  await app.close();
});

const call = async (options: InjectOptions & { url: string }, expected = 200, token = operator) => {
  const response = await app.api.inject({ ...options, headers: { ...bearer(token), ...(options.headers ?? {}) } });
  expect(response.statusCode, `${options.method} ${options.url}: ${response.body}`).toBe(expected);
  await app.runner.catchUp();
  return response;
};
const bill = async (period: string, accountId: string) =>
  (await call({ method: 'POST', url: '/operator/billing-runs', payload: { period } })).json<{ outcomes: { accountId: string; outcome: string; invoiceId: string; number: string; total: string }[] }>().outcomes.find((o) => o.accountId === accountId)!;
const balance = async (accountId: string) => (await call({ method: 'GET', url: `/accounts/${accountId}/balance` })).json<{ amountDue: string; creditAvailable: string }>();

describe('a finance day of corrections', () => {
  it('reverses, withdraws, refunds, and the statement reconciles to the cent with the credit movements', async () => {
    const setupAccountId = await accountWithWorkedExampleUsage(app, operator, 'padaria-central', '11.222.333/0001-81');
    const usageStream = `usage-${setupAccountId}:2026-06`;
    const bucketId = ((await app.infrastructure.eventStore.readStream(usageStream))[0]!.data as { bucketId: string }).bucketId;
    const wrongWindow = { accountId: setupAccountId, bucketId, contentDigest: 'x', sampleKey: 'collector-test-window', windowStart: '2026-06-20T00:00:00-03:00', windowEnd: '2026-06-20T01:00:00-03:00', egressBytes: String(10n * GIB), ingressBytes: '0', requestsA: '0', requestsB: '0' };
    await app.infrastructure.eventStore.append(usageStream, [{ eventId: randomUUID(), type: 'TrafficMeasured', data: wrongWindow, metadata: { actor: 'test', correlationId: 'c', causationId: 'c', occurredAt: '2026-06-20T12:00:00.000Z' } }], { expectedRevision: 'any' });
    await app.runner.catchUp();
    const june = await bill('2026-06', setupAccountId);
    expect(june).toMatchObject({ outcome: 'issued', total: '61.79' });
    const juneIssued = (await app.infrastructure.eventStore.readStream(`invoice-${setupAccountId}:2026-06`)).find((e) => e.type === 'InvoiceIssued')!.data as { issuedAt: string; dueDate: string };
    const statementFrom = new Date(Date.parse(juneIssued.issuedAt) + 1).toISOString();

    // 1. overdue, then paid with 8.21 too much
    await runDunning(dunningDeps(app.infrastructure), new Date(Date.parse(`${juneIssued.dueDate}T03:00:01Z`) + 86_400_000), testContext());
    await app.runner.catchUp();
    const pix = (await call({ method: 'POST', url: `/invoices/${june.invoiceId}/payments`, payload: { externalRef: 'E2E-walk-pix', amount: '70.00', method: 'pix', receivedAt: '2026-07-12T10:00:00-03:00' } }, 201)).json<{ paymentId: string; excessAmount: string }>();
    expect(pix.excessAmount).toBe('8.21');

    // 2. found by CNPJ (any formatting) and by number
    const found = (await call({ method: 'GET', url: '/accounts?document=11222333000181' })).json<{ items: { accountId: string }[] }>().items;
    expect(found.map((a) => a.accountId)).toEqual([setupAccountId]);
    const accountId = found[0]!.accountId;
    const invoices = (await call({ method: 'GET', url: `/invoices?number=${june.number}` })).json<{ items: { invoiceId: string; status: string }[] }>().items;
    expect(invoices).toMatchObject([{ invoiceId: june.invoiceId, status: 'paid' }]);
    const reversal = (await call({ method: 'POST', url: `/payments/${pix.paymentId}/reversal`, payload: { reason: 'chargeback MED 2026-0001' } }, 201)).json();
    expect(reversal).toMatchObject({ appliedAmount: '61.79', excessAmount: '8.21', amountDueAfter: '61.79', reopened: true });
    expect((await call({ method: 'GET', url: `/invoices?number=${june.number}` })).json<{ items: { status: string }[] }>().items[0]!.status).toBe('overdue');
    expect(await balance(accountId)).toMatchObject({ amountDue: '61.79', creditAvailable: '0.00' });

    // 3. paid again, 5.00 over
    await call({ method: 'POST', url: `/invoices/${june.invoiceId}/payments`, payload: { externalRef: 'boleto-walk-0001', amount: '66.79', method: 'boleto', receivedAt: '2026-07-15T10:00:00-03:00' } }, 201);
    expect(await balance(accountId)).toMatchObject({ amountDue: '0.00', creditAvailable: '5.00' });

    // 4. the wrong window withdrawn from the issued June
    const withdrawal = (await call({ method: 'POST', url: '/usage/corrections', payload: { accountId, period: '2026-06', sampleKeys: ['collector-test-window'], reason: 'collector test window sent to production' } }, 201, metering)).json();
    expect(withdrawal).toMatchObject({ withdrawn: [{ sampleKey: 'collector-test-window' }] });

    // 5. 2.00 of the credit refunded
    await call({ method: 'POST', url: `/accounts/${accountId}/credit/refunds`, payload: { amount: '2.00', externalRef: 'payout-walk-0001', reason: 'customer asked for part of the credit' } }, 201);
    expect(await balance(accountId)).toMatchObject({ creditAvailable: '3.00' });

    // 6. July carries the withdrawal as June's adjustment, and takes the credit left
    const july = await bill('2026-07', accountId);
    expect(july).toMatchObject({ outcome: 'issued', total: '24.30' });
    const julyDetail = (await call({ method: 'GET', url: `/accounts/${accountId}/invoices/${july.invoiceId}` })).json<{ lines: { kind: string; amount: string; adjusts?: { period: string; kind: string } }[]; subtotal: string; tax: string; creditApplied: string }>();
    expect(julyDetail).toMatchObject({ subtotal: '26.00', tax: '1.30', creditApplied: '3.00' });
    expect(julyDetail.lines.filter((l) => l.kind === 'adjustment')).toMatchObject([{ amount: '-4.00', adjusts: { period: '2026-06', kind: 'egress_gib' } }]);
    for (const period of ['2026-06', '2026-07']) expect((await auditInvoice(app.infrastructure.eventStore, accountId, period)).identical, period).toBe(true);

    // 7. the statement, reconciled to the cent
    const movements = (await call({ method: 'GET', url: `/accounts/${accountId}/credit/movements` })).json<{ items: { kind: string; amount: string; balanceAfter: string }[] }>().items;
    expect(movements.map((m) => [m.kind, m.amount, m.balanceAfter])).toEqual([
      ['overpayment', '8.21', '8.21'],
      ['reversed', '-8.21', '0.00'],
      ['overpayment', '5.00', '5.00'],
      ['refunded', '-2.00', '3.00'],
      ['applied', '-3.00', '0.00'],
    ]);
    const to = new Date(Date.now() + 60_000).toISOString();
    const statement = (await call({ method: 'GET', url: `/accounts/${accountId}/statement?from=${encodeURIComponent(statementFrom)}&to=${encodeURIComponent(to)}` })).json<{
      opening: { amountDue: string; credit: string; balance: string };
      closing: { amountDue: string; credit: string; balance: string };
      lines: { kind: string; reference: string; amountDueChange: string; creditChange: string }[];
    }>();
    expect(statement.opening).toEqual({ amountDue: '61.79', credit: '0.00', balance: '61.79' });
    expect(statement.closing).toEqual({ amountDue: '24.30', credit: '0.00', balance: '24.30' });
    expect(statement.lines.filter((l) => l.kind !== 'credit_movement').map((l) => [l.kind, l.reference, l.amountDueChange])).toEqual([
      ['payment', 'E2E-walk-pix', '-61.79'],
      ['payment_reversed', 'E2E-walk-pix', '61.79'],
      ['payment', 'boleto-walk-0001', '-61.79'],
      ['invoice_issued', july.number, '24.30'],
    ]);
    // the statement's credit lines are the credit movements, to the cent
    expect(statement.lines.filter((l) => l.kind === 'credit_movement').map((l) => l.creditChange)).toEqual(movements.map((m) => m.amount));
    const sum = (pick: (l: (typeof statement.lines)[number]) => string) => statement.lines.reduce((total, l) => total.plus(pick(l)), new Exact(0));
    expect(new Exact(statement.opening.amountDue).plus(sum((l) => l.amountDueChange)).toFixed(2)).toBe(statement.closing.amountDue);
    expect(new Exact(statement.opening.credit).plus(sum((l) => l.creditChange)).toFixed(2)).toBe(statement.closing.credit);
    expect(statement.closing.credit).toBe(movements.at(-1)!.balanceAfter);
    expect(await balance(accountId)).toMatchObject({ amountDue: statement.closing.amountDue, creditAvailable: statement.closing.credit });

    // as CSV, by Accept or ?format=csv: the same figures
    const csv = await call({ method: 'GET', url: `/accounts/${accountId}/statement?from=${encodeURIComponent(statementFrom)}&to=${encodeURIComponent(to)}`, headers: { accept: 'text/csv' } });
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const rows = csv.body.trimEnd().split('\r\n');
    expect(rows[0]).toBe('at,kind,reference,invoice_number,description,amount_due_change,credit_change,amount_due_after,credit_after,balance_after');
    expect(rows[1]).toMatch(/,opening,,,,,,61\.79,0\.00,61\.79$/);
    expect(rows.at(-1)).toMatch(/,closing,,,,,,24\.30,0\.00,24\.30$/);
    expect(rows).toHaveLength(statement.lines.length + 3);
    const byFormat = await call({ method: 'GET', url: `/accounts/${accountId}/statement?from=${encodeURIComponent(statementFrom)}&to=${encodeURIComponent(to)}&format=csv` });
    expect(byFormat.body).toBe(csv.body);
  });

  it('refuses a statement without its range, or with one that ends before it starts', async () => {
    const accountId = randomUUID();
    await call({ method: 'GET', url: `/accounts/${accountId}/statement` }, 400);
    await call({ method: 'GET', url: `/accounts/${accountId}/statement?from=2026-07-02T00:00:00Z&to=2026-07-01T00:00:00Z` }, 400);
    await call({ method: 'GET', url: `/accounts/${accountId}/statement?from=2026-07-01T00:00:00Z&to=2026-07-02T00:00:00Z` }, 404);
  });
});
