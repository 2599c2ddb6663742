import { randomUUID } from 'node:crypto';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDunning } from '../../src/commands/dunning.ts';
import { Exact } from '../../src/domain/rating/exact-decimal.ts';
import { startTestApp, testContext } from '../support/app.ts';
import { bearer } from '../support/api-requests.ts';
import { accountWithWorkedExampleUsage, publishWorkedExamplePlan } from '../support/billing-fixtures.ts';
import { dunningDeps } from '../../src/composition/jobs.ts';

/**
 * Payments, corrections, balance and dunning through HTTP, on invoices issued by a real
 * billing run of the worked example (57.59 BRL for 2026-06).
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

const catchUp = async () => {
  await app.runner.catchUp();
};
const call = (options: InjectOptions & { url: string }) => app.api.inject({ ...options, headers: { ...bearer(operator), ...(options.headers ?? {}) } });
const pay = (invoiceId: string, body: Record<string, unknown>) => call({ method: 'POST', url: `/invoices/${invoiceId}/payments`, payload: { method: 'pix', receivedAt: '2026-07-05T10:00:00-03:00', ...body } });
const streamLength = async (stream: string) => (await app.infrastructure.eventStore.readStream(stream)).length;

/** An account on the worked example (2026-06: 57.59), with its June invoice issued; returns the ids. */
async function accountWithIssuedJune(slug: string) {
  const accountId = await accountWithWorkedExampleUsage(app, operator, slug);
  await catchUp();
  const run = await billing('2026-06');
  const mine = run.outcomes.find((o) => o.accountId === accountId)!;
  expect(mine).toMatchObject({ outcome: 'issued', total: '57.59' });
  await catchUp();
  return { accountId, invoiceId: mine.invoiceId!, number: mine.number! };
}

async function billing(period: string) {
  const response = await app.api.inject({ method: 'POST', url: '/operator/billing-runs', headers: bearer(operator), payload: { period } });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{ outcomes: { accountId: string; outcome: string; invoiceId?: string; number?: string; total?: string; error?: string }[] }>();
}
const invoiceDetail = async (accountId: string, invoiceId: string) =>
  (await app.api.inject({ method: 'GET', url: `/accounts/${accountId}/invoices/${invoiceId}`, headers: bearer(operator) })).json<{
    status: string;
    number: string;
    total: string;
    creditApplied: string;
    subtotal: string;
    tax: string;
    dueDate: string;
    lines: { kind: string; amount: string }[];
  }>();
const balance = async (accountId: string) => {
  const response = await call({ method: 'GET', url: `/accounts/${accountId}/balance` });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{ amountDue: string; creditAvailable: string; openInvoices: { invoiceId: string; amountDue: string; status: string }[] }>();
};

describe('payments', () => {
  it('30.00 then 27.59 on 57.59: partial, then paid; the balance follows', async () => {
    const { accountId, invoiceId, number } = await accountWithIssuedJune('pay-partial');
    const first = await pay(invoiceId, { externalRef: 'E2E-partial-1', amount: '30.00' });
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toMatchObject({ invoiceNumber: number, amount: '30.00', appliedAmount: '30.00', excessAmount: '0.00', amountDueAfter: '27.59', method: 'pix', receivedAt: '2026-07-05T13:00:00.000Z' });
    await catchUp();
    expect(await balance(accountId)).toMatchObject({ amountDue: '27.59', creditAvailable: '0.00', openInvoices: [{ invoiceId, amountDue: '27.59', status: 'issued' }] });

    const second = await pay(invoiceId, { externalRef: 'E2E-partial-2', amount: '27.59', method: 'boleto' });
    expect(second.statusCode, second.body).toBe(201);
    expect(second.json()).toMatchObject({ amountDueAfter: '0.00', excessAmount: '0.00' });
    await catchUp();
    expect(await invoiceDetail(accountId, invoiceId)).toMatchObject({ status: 'paid', total: '57.59' });
    expect(await balance(accountId)).toMatchObject({ amountDue: '0.00', creditAvailable: '0.00', openInvoices: [] });
    const types = (await app.infrastructure.eventStore.readStream(`invoice-${accountId}:2026-06`)).map((e) => e.type);
    expect(types).toEqual(['InvoiceDrafted', 'InvoiceIssued', 'PaymentRecorded', 'PaymentRecorded', 'InvoicePaid']);
  });

  it('is idempotent by externalRef: the same content answers 200 with the first outcome and records nothing; other content is 409', async () => {
    const { accountId, invoiceId } = await accountWithIssuedJune('pay-idem');
    const body = { externalRef: 'pix:E0000-idem', amount: '10', receivedAt: '2026-07-05T10:00:00-03:00' };
    const first = await pay(invoiceId, body);
    expect(first.statusCode, first.body).toBe(201);
    const stream = `invoice-${accountId}:2026-06`;
    const before = await streamLength(stream);
    // the same payment, written differently (10 = 10.00, the same instant in UTC)
    const again = await pay(invoiceId, { ...body, amount: '10.00', receivedAt: '2026-07-05T13:00:00Z' });
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json()).toEqual(first.json());
    expect(await streamLength(stream)).toBe(before);

    for (const other of [{ amount: '10.01' }, { method: 'card' }, { receivedAt: '2026-07-05T10:00:01-03:00' }]) {
      const conflict = await pay(invoiceId, { ...body, ...other });
      expect(conflict.statusCode, JSON.stringify(other)).toBe(409);
      expect(conflict.json()).toMatchObject({ code: 'payment_conflict' });
    }
    // unique on the whole platform: another invoice cannot take the reference either
    const other = await accountWithIssuedJune('pay-idem-other');
    const elsewhere = await pay(other.invoiceId, body);
    expect(elsewhere.statusCode).toBe(409);
    expect(elsewhere.json()).toMatchObject({ code: 'payment_conflict' });
    expect(await streamLength(stream)).toBe(before);

    // two identical requests at once: one payment
    const twin = { externalRef: 'pix:E0000-twin', amount: '1.00' };
    const [a, b] = await Promise.all([pay(invoiceId, twin), pay(invoiceId, twin)]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 201]);
    const payments = (await app.infrastructure.eventStore.readStream(stream)).filter((e) => e.type === 'PaymentRecorded');
    expect(payments.filter((e) => (e.data as { externalRef: string }).externalRef === twin.externalRef)).toHaveLength(1);
  });

  it('refuses bad input (every field), unknown invoices, and invoices that are not payable', async () => {
    const { invoiceId } = await accountWithIssuedJune('pay-bad');
    const bad = await pay(invoiceId, { externalRef: ' spaces are not a ref', amount: '-1', method: 'cash', receivedAt: '2026-07-05T10:00:00' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ errors: { path: string }[] }>().errors.map((e) => e.path).sort()).toEqual(['body.amount', 'body.externalRef', 'body.method', 'body.receivedAt']);
    const tooPrecise = await pay(invoiceId, { externalRef: 'E-precise', amount: '1.001' });
    expect(tooPrecise.json<{ errors: { path: string; message: string }[] }>().errors).toEqual([{ path: 'body.amount', message: 'must have at most 2 decimal places' }]);
    const zero = await pay(invoiceId, { externalRef: 'E-zero', amount: '0.00' });
    expect(zero.statusCode).toBe(400);
    const missing = await pay(randomUUID(), { externalRef: 'E-missing', amount: '1.00' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ code: 'invoice_not_found' });
  });

  it('refuses amounts beyond 10^12 (a payment of 10^38, a credit note of 95 nines) and money received in the future, naming the field; nothing is recorded', async () => {
    const { accountId, invoiceId } = await accountWithIssuedJune('pay-bounds');
    const stream = `invoice-${accountId}:2026-06`;
    const before = await streamLength(stream);
    const fieldsOf = (response: { json: <T>() => T }) => response.json<{ errors: { path: string; message: string }[] }>().errors;
    const huge = await pay(invoiceId, { externalRef: 'E-huge', amount: `1${'0'.repeat(38)}` });
    expect(huge.statusCode, huge.body).toBe(400);
    expect(fieldsOf(huge)).toEqual([{ path: 'body.amount', message: 'must be at most 1000000000000' }]);
    const nines = await call({ method: 'POST', url: `/invoices/${invoiceId}/credit-notes`, payload: { amount: '9'.repeat(95), reason: 'goodwill' } });
    expect(nines.statusCode, nines.body).toBe(400);
    expect(fieldsOf(nines)).toEqual([{ path: 'body.amount', message: 'must be at most 1000000000000' }]);
    const future = await pay(invoiceId, { externalRef: 'E-future', amount: '1.00', receivedAt: '2030-01-01T00:00:00Z' });
    expect(future.statusCode, future.body).toBe(400);
    expect(fieldsOf(future).map((e) => e.path)).toEqual(['body.receivedAt']);
    expect(await streamLength(stream)).toBe(before);
    for (const ref of ['E-huge', 'E-future']) expect(await streamLength(`paymentref-${ref}`)).toBe(0);
    expect(await streamLength(`credit-${accountId}`)).toBe(0);
  });

  it('60.00 on 57.59: paid, 2.41 credited, applied on the next invoice as a line that reduces its total', async () => {
    const { accountId, invoiceId } = await accountWithIssuedJune('pay-over');
    const over = await pay(invoiceId, { externalRef: 'E2E-over', amount: '60.00' });
    expect(over.statusCode, over.body).toBe(201);
    expect(over.json()).toMatchObject({ appliedAmount: '57.59', excessAmount: '2.41', amountDueAfter: '0.00' });
    await catchUp();
    expect(await balance(accountId)).toMatchObject({ amountDue: '0.00', creditAvailable: '2.41' });
    const credit = await app.infrastructure.eventStore.readStream(`credit-${accountId}`);
    expect(credit.map((e) => [e.type, (e.data as { amount: string }).amount])).toEqual([['AccountCredited', '2.41']]);

    // July: no new usage; the 200 GiB carried in all month: 30.00 storage, 1.50 tax, − 2.41 credit = 29.09
    const july = await billing('2026-07');
    const mine = july.outcomes.find((o) => o.accountId === accountId)!;
    expect(mine).toMatchObject({ outcome: 'issued', total: '29.09' });
    await catchUp();
    const detail = await invoiceDetail(accountId, mine.invoiceId!);
    expect(detail).toMatchObject({ subtotal: '30.00', tax: '1.50', creditApplied: '2.41', total: '29.09' });
    expect(detail.lines.map((l) => [l.kind, l.amount])).toEqual([
      ['storage_gib_month', '30.00'],
      ['credit_applied', '-2.41'],
    ]);
    expect(await balance(accountId)).toMatchObject({ amountDue: '29.09', creditAvailable: '0.00' });
    // a second run applies nothing twice
    await billing('2026-07');
    const after = await app.infrastructure.eventStore.readStream(`credit-${accountId}`);
    expect(after.map((e) => e.type)).toEqual(['AccountCredited', 'CreditApplied']);
    expect(after[1]!.data).toMatchObject({ period: '2026-07', invoiceId: mine.invoiceId, amount: '2.41' });
  });
});

describe('corrections', () => {
  it('credit notes up to the total; one cent more is 409; a payment after it is still accepted', async () => {
    const { accountId, invoiceId } = await accountWithIssuedJune('cn-total');
    const note = (amount: string) => call({ method: 'POST', url: `/invoices/${invoiceId}/credit-notes`, payload: { amount, reason: 'storage double-counted' } });
    const first = await note('50.00');
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toMatchObject({ amount: '50.00', appliedAmount: '50.00', amountDueAfter: '7.59', reason: 'storage double-counted' });
    const tooMuch = await note('7.60');
    expect(tooMuch.statusCode).toBe(409);
    expect(tooMuch.json()).toMatchObject({ code: 'credit_notes_exceed_total' });
    await catchUp();
    expect(await balance(accountId)).toMatchObject({ amountDue: '7.59' });
    const paid = await pay(invoiceId, { externalRef: 'E-cn-pay', amount: '7.59' });
    expect(paid.json()).toMatchObject({ amountDueAfter: '0.00' });
    await catchUp();
    expect(await invoiceDetail(accountId, invoiceId)).toMatchObject({ status: 'paid' });
    // issued invoices never change their lines
    const issued = (await app.infrastructure.eventStore.readStream(`invoice-${accountId}:2026-06`)).filter((e) => e.type === 'InvoiceDrafted');
    expect(issued).toHaveLength(1);
  });

  it('void only without payments (409 invoice_has_payments); a voided period is replaced by the next billing run', async () => {
    const withPayment = await accountWithIssuedJune('void-paid');
    await pay(withPayment.invoiceId, { externalRef: 'E-void-paid', amount: '1.00' });
    const refused = await call({ method: 'POST', url: `/invoices/${withPayment.invoiceId}/void`, payload: { reason: 'wrong plan' } });
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ code: 'invoice_has_payments' });

    const { accountId, invoiceId, number } = await accountWithIssuedJune('void-ok');
    const voided = await call({ method: 'POST', url: `/invoices/${invoiceId}/void`, payload: { reason: 'wrong plan' } });
    expect(voided.statusCode, voided.body).toBe(200);
    expect(voided.json()).toMatchObject({ invoiceId, number, status: 'void', reason: 'wrong plan', creditReleased: '0.00' });
    const again = await call({ method: 'POST', url: `/invoices/${invoiceId}/void`, payload: { reason: 'wrong plan' } });
    expect(again.statusCode).toBe(200);
    const late = await pay(invoiceId, { externalRef: 'E-void-late', amount: '1.00' });
    expect(late.statusCode).toBe(409);
    expect(late.json()).toMatchObject({ code: 'invoice_void' });
    await catchUp();
    expect(await balance(accountId)).toMatchObject({ amountDue: '0.00', openInvoices: [] });

    const rerun = await billing('2026-06');
    const replacement = rerun.outcomes.find((o) => o.accountId === accountId)!;
    expect(replacement).toMatchObject({ outcome: 'issued', total: '57.59' });
    expect(replacement.invoiceId).not.toBe(invoiceId);
    expect(replacement.number).not.toBe(number);
    await catchUp();
    const list = (await app.api.inject({ method: 'GET', url: `/accounts/${accountId}/invoices`, headers: bearer(operator) })).json<{ items: { invoiceId: string; status: string }[] }>();
    expect(list.items.map((i) => [i.invoiceId, i.status]).sort()).toEqual([[invoiceId, 'void'], [replacement.invoiceId, 'issued']].sort());
    // the void stands even after the replacement; the replacement takes payments
    expect((await call({ method: 'POST', url: `/invoices/${invoiceId}/void`, payload: { reason: 'wrong plan' } })).statusCode).toBe(200);
    expect((await pay(replacement.invoiceId!, { externalRef: 'E-replacement', amount: '57.59' })).statusCode).toBe(201);
    // and a third run issues nothing more
    expect((await billing('2026-06')).outcomes.find((o) => o.accountId === accountId)).toMatchObject({ outcome: 'already_issued' });
  });
});

describe('dunning', () => {
  // Day n after the invoice's due date, just past midnight in São Paulo (UTC−3). The due date is
  // the billing day of July, or 10 days after the issue date when the run is later than that.
  let dueDate = '2026-07-10';
  const at = (n: number) => new Date(Date.parse(`${dueDate}T03:00:01Z`) + n * 86_400_000);
  const dunning = async (n: number) => {
    const summary = await runDunning(dunningDeps(app.infrastructure), at(n), testContext());
    await catchUp();
    return summary;
  };

  it('day by day: 0 nothing, 1 overdue + reminder, 7 and 14 reminders, 30 suspended, then paid → reactivated; every run twice records nothing more', async () => {
    const { accountId, invoiceId } = await accountWithIssuedJune('dunning-co');
    ({ dueDate } = await invoiceDetail(accountId, invoiceId));
    // only this account's invoice: pay every other one still open, so the day-by-day is about this account
    const others = await app.infrastructure.readModels.selectFrom('invoices').select(['invoice_id', 'total', 'amount_paid', 'amount_credited']).where('status', 'in', ['issued', 'overdue']).where('invoice_id', '!=', invoiceId).execute();
    for (const o of others) {
      const due = new Exact(o.total).minus(o.amount_paid ?? '0').minus(o.amount_credited ?? '0');
      if (due.gt(0)) await pay(o.invoice_id, { externalRef: `E-clear-${o.invoice_id}`, amount: due.toFixed(2) });
    }
    await catchUp();
    const stream = `invoice-${accountId}:2026-06`;
    const invoiceEvents = async () => (await app.infrastructure.eventStore.readStream(stream)).slice(2).map((e) => (e.type === 'PaymentReminderDue' ? `reminder ${(e.data as { day: number }).day}` : e.type));
    const accountEvents = async () => (await app.infrastructure.eventStore.readStream(`account-${accountId}`)).filter((e) => e.type === 'AccountSuspended' || e.type === 'AccountReactivated');
    const status = async () => (await app.api.inject({ method: 'GET', url: `/accounts/${accountId}`, headers: bearer(operator) })).json<{ status: string }>().status;

    const expectations: [number, string[]][] = [
      [0, []],
      [1, ['InvoiceOverdue', 'reminder 1']],
      [6, ['InvoiceOverdue', 'reminder 1']],
      [7, ['InvoiceOverdue', 'reminder 1', 'reminder 7']],
      [14, ['InvoiceOverdue', 'reminder 1', 'reminder 7', 'reminder 14']],
      [29, ['InvoiceOverdue', 'reminder 1', 'reminder 7', 'reminder 14']],
    ];
    for (const [n, events] of expectations) {
      await dunning(n);
      expect(await invoiceEvents(), `day ${n}`).toEqual(events);
      await dunning(n);
      expect(await invoiceEvents(), `day ${n}, second run`).toEqual(events);
      expect(await status()).toBe('active');
    }
    expect(await invoiceDetail(accountId, invoiceId)).toMatchObject({ status: 'overdue' });

    const day30 = await dunning(30);
    expect(day30.suspended).toBe(1);
    expect(await status()).toBe('suspended');
    const suspended = await accountEvents();
    expect(suspended).toHaveLength(1);
    expect(suspended[0]!.metadata.actor).toBe('system:dunning');
    expect((suspended[0]!.data as { reason: string }).reason).toMatch(/^dunning: INV-2026-\d{6} overdue 30 days$/);
    const again = await dunning(30);
    expect(again).toMatchObject({ markedOverdue: 0, reminders: 0, suspended: 0, reactivated: 0 });
    expect(await accountEvents()).toHaveLength(1);

    // partly paid is still overdue: stays suspended
    await pay(invoiceId, { externalRef: 'E-dunning-1', amount: '50.00' });
    await catchUp();
    await dunning(31);
    expect(await status()).toBe('suspended');
    await pay(invoiceId, { externalRef: 'E-dunning-2', amount: '7.59' });
    await catchUp();
    const paidRun = await dunning(32);
    expect(paidRun.reactivated).toBe(1);
    expect(await status()).toBe('active');
    const events = await accountEvents();
    expect(events.map((e) => [e.type, e.metadata.actor])).toEqual([
      ['AccountSuspended', 'system:dunning'],
      ['AccountReactivated', 'system:dunning'],
    ]);
    await dunning(32);
    expect(await accountEvents()).toHaveLength(2);
    expect(await invoiceEvents()).toEqual(['InvoiceOverdue', 'reminder 1', 'reminder 7', 'reminder 14', 'PaymentRecorded', 'PaymentRecorded', 'InvoicePaid']);
  });

  it("an operator's suspension is not lifted by dunning", async () => {
    const { accountId, invoiceId: issuedId } = await accountWithIssuedJune('dunning-operator');
    ({ dueDate } = await invoiceDetail(accountId, issuedId));
    const suspend = await app.api.inject({ method: 'POST', url: `/accounts/${accountId}/suspend`, headers: bearer(operator), payload: { reason: 'abuse report' } });
    expect(suspend.statusCode, suspend.body).toBeLessThan(300);
    await catchUp();
    const summary = await dunning(40);
    expect(summary.outcomes.filter((o) => o.accountId === accountId).map((o) => o.type)).toEqual(['mark_overdue', 'remind']);
    const { invoiceId } = (await balance(accountId)).openInvoices[0]!;
    await pay(invoiceId, { externalRef: 'E-operator-paid', amount: '57.59' });
    await catchUp();
    await dunning(41);
    const state = (await app.api.inject({ method: 'GET', url: `/accounts/${accountId}`, headers: bearer(operator) })).json<{ status: string }>();
    expect(state.status).toBe('suspended');
  });

  it('POST /operator/dunning-runs runs it now (operators only); a second run records nothing', async () => {
    const first = await call({ method: 'POST', url: '/operator/dunning-runs' });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toHaveProperty('markedOverdue');
    await catchUp();
    const second = await call({ method: 'POST', url: '/operator/dunning-runs' });
    expect(second.json()).toMatchObject({ markedOverdue: 0, reminders: 0, suspended: 0, reactivated: 0, failed: 0 });
    const { accountId } = await accountWithIssuedJune('dunning-owner');
    const owner = await app.tokenFor({ kind: 'account', accountId, role: 'owner' });
    const refused = await app.api.inject({ method: 'POST', url: '/operator/dunning-runs', headers: bearer(owner) });
    expect(refused.statusCode).toBe(403);
    const ownBalance = await app.api.inject({ method: 'GET', url: `/accounts/${accountId}/balance`, headers: bearer(owner) });
    expect(ownBalance.statusCode).toBe(200);
  });
});
