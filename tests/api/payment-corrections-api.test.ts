import { randomUUID } from 'node:crypto';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDunning } from '../../src/commands/dunning.ts';
import { dunningDeps } from '../../src/composition/jobs.ts';
import { startTestApp, testContext } from '../support/app.ts';
import { bearer } from '../support/api-requests.ts';
import { accountWithWorkedExampleUsage, publishWorkedExamplePlan } from '../support/billing-fixtures.ts';

/**
 * Corrections by new events, through HTTP, on the worked example's June invoice (57.59 BRL):
 * payments reversed, account credit refunded, and the credit movements that follow.
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

const catchUp = () => app.runner.catchUp();
const call = (options: InjectOptions & { url: string }) => app.api.inject({ ...options, headers: { ...bearer(operator), ...(options.headers ?? {}) } });
const pay = async (invoiceId: string, externalRef: string, amount: string) => {
  const response = await call({ method: 'POST', url: `/invoices/${invoiceId}/payments`, payload: { externalRef, amount, method: 'pix', receivedAt: '2026-07-05T10:00:00-03:00' } });
  expect(response.statusCode, response.body).toBe(201);
  await catchUp();
  return response.json<{ paymentId: string }>().paymentId;
};
const reverse = (paymentId: string, body: Record<string, unknown>, headers: Record<string, string> = {}) => call({ method: 'POST', url: `/payments/${paymentId}/reversal`, payload: body, headers });
const refund = (accountId: string, body: Record<string, unknown>) => call({ method: 'POST', url: `/accounts/${accountId}/credit/refunds`, payload: body });
const streamTypes = async (stream: string) => (await app.infrastructure.eventStore.readStream(stream)).map((e) => e.type);
const balance = async (accountId: string) => (await call({ method: 'GET', url: `/accounts/${accountId}/balance` })).json<{ amountDue: string; creditAvailable: string; openInvoices: { status: string; amountDue: string }[] }>();
const invoiceStatus = async (accountId: string, invoiceId: string) => (await call({ method: 'GET', url: `/accounts/${accountId}/invoices/${invoiceId}` })).json<{ status: string; dueDate: string }>();
const movements = async (accountId: string) => {
  const response = await call({ method: 'GET', url: `/accounts/${accountId}/credit/movements` });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{ items: { kind: string; amount: string; balanceAfter: string; cause: Record<string, string> }[] }>().items;
};

async function accountWithIssuedJune(slug: string) {
  const accountId = await accountWithWorkedExampleUsage(app, operator, slug);
  await catchUp();
  const run = await call({ method: 'POST', url: '/operator/billing-runs', payload: { period: '2026-06' } });
  const mine = run.json<{ outcomes: { accountId: string; outcome: string; invoiceId: string; total: string }[] }>().outcomes.find((o) => o.accountId === accountId)!;
  expect(mine).toMatchObject({ outcome: 'issued', total: '57.59' });
  await catchUp();
  return { accountId, invoiceId: mine.invoiceId, stream: `invoice-${accountId}:2026-06` };
}

describe('payment reversal', () => {
  it('a paid invoice opens again with the whole amount due; a new payment pays it again', async () => {
    const { accountId, invoiceId, stream } = await accountWithIssuedJune('rev-paid');
    const paymentId = await pay(invoiceId, 'E2E-rev-paid', '57.59');
    expect((await invoiceStatus(accountId, invoiceId)).status).toBe('paid');

    const reversed = await reverse(paymentId, { reason: 'chargeback 4837' });
    expect(reversed.statusCode, reversed.body).toBe(201);
    expect(reversed.json()).toMatchObject({ paymentId, invoiceId, externalRef: 'E2E-rev-paid', amount: '57.59', appliedAmount: '57.59', excessAmount: '0.00', amountDueAfter: '57.59', reopened: true, reason: 'chargeback 4837' });
    await catchUp();
    expect((await invoiceStatus(accountId, invoiceId)).status).toBe('issued');
    expect(await balance(accountId)).toMatchObject({ amountDue: '57.59', creditAvailable: '0.00', openInvoices: [{ status: 'issued', amountDue: '57.59' }] });
    expect(await streamTypes(stream)).toEqual(['InvoiceDrafted', 'InvoiceIssued', 'PaymentRecorded', 'InvoicePaid', 'PaymentReversed']);
    // nothing of the account's credit moved: the payment credited nothing
    expect(await streamTypes(`credit-${accountId}`)).toEqual([]);
    // the account hears of it in-app, in its locale (pt-BR when none was chosen)
    const notices = (await call({ method: 'GET', url: `/accounts/${accountId}/notifications` })).json<{ items: { kind: string; title: string; body: string }[] }>().items;
    expect(notices.find((n) => n.kind === 'payment_reversed')).toMatchObject({
      title: `Pagamento da fatura ${(reversed.json() as { invoiceNumber: string }).invoiceNumber} estornado`,
      body: expect.stringContaining('Motivo: chargeback 4837. Valor em aberto: R$ 57,59.'),
    });

    await pay(invoiceId, 'E2E-rev-paid-again', '57.59');
    expect((await invoiceStatus(accountId, invoiceId)).status).toBe('paid');
    expect((await streamTypes(stream)).slice(-2)).toEqual(['PaymentRecorded', 'InvoicePaid']);
  });

  it('refused cases leave no event: unknown payment 404, already reversed 409, reason missing or too long 400; a retry with its Idempotency-Key answers the same', async () => {
    const { accountId, invoiceId, stream } = await accountWithIssuedJune('rev-refused');
    const paymentId = await pay(invoiceId, 'E2E-rev-refused', '10.00');
    const before = (await streamTypes(stream)).length;

    const missing = await reverse(randomUUID(), { reason: 'chargeback' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ code: 'payment_not_found' });
    for (const body of [{}, { reason: '   ' }, { reason: 'x'.repeat(501) }]) {
      const bad = await reverse(paymentId, body);
      expect(bad.statusCode, JSON.stringify(body)).toBe(400);
      expect(bad.json<{ errors: { path: string }[] }>().errors.map((e) => e.path)).toEqual(['body.reason']);
    }
    expect((await streamTypes(stream)).length).toBe(before);

    const key = { 'idempotency-key': `rev-${randomUUID()}` };
    const first = await reverse(paymentId, { reason: 'recorded on the wrong invoice' }, key);
    expect(first.statusCode, first.body).toBe(201);
    const retry = await reverse(paymentId, { reason: 'recorded on the wrong invoice' }, key);
    expect(retry.statusCode).toBe(201);
    expect(retry.json()).toEqual(first.json());
    const again = await reverse(paymentId, { reason: 'recorded on the wrong invoice' });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'payment_already_reversed' });
    expect((await streamTypes(stream)).length).toBe(before + 1);
    await catchUp();
    // 57.59 − 10.00 paid → 47.59 due; reversed → 57.59 due again
    expect(await balance(accountId)).toMatchObject({ amountDue: '57.59' });
    const listed = await call({ method: 'GET', url: `/accounts/${accountId}/payments` });
    expect(listed.json<{ items: { paymentId: string; reversedAt: string | null }[] }>().items[0]).toMatchObject({ paymentId, reversedAt: expect.any(String) });
  });

  it('right after the payment, before the payments read model has it, the reversal waits for it instead of answering 404', async () => {
    const { invoiceId } = await accountWithIssuedJune('rev-fresh');
    const paid = await call({ method: 'POST', url: `/invoices/${invoiceId}/payments`, payload: { externalRef: 'E2E-rev-fresh', amount: '57.59', method: 'pix', receivedAt: '2026-07-05T10:00:00-03:00' } });
    expect(paid.statusCode, paid.body).toBe(201);
    const { paymentId } = paid.json<{ paymentId: string }>();
    const row = await app.infrastructure.readModels.selectFrom('payments').select('payment_id').where('payment_id', '=', paymentId).executeTakeFirst();
    expect(row, 'the read model has not applied the payment yet').toBeUndefined();
    const catchingUp = new Promise((resolve) => setTimeout(resolve, 200)).then(() => catchUp());
    const reversed = await reverse(paymentId, { reason: 'chargeback' });
    await catchingUp;
    expect(reversed.statusCode, reversed.body).toBe(201);
    expect(reversed.json()).toMatchObject({ paymentId, amountDueAfter: '57.59', reopened: true });
  });

  it("an overpayment's reversal takes its excess off the credit: 60.00 on 57.59 credits 2.41, and the reversal takes the 2.41 back", async () => {
    const { accountId, invoiceId } = await accountWithIssuedJune('rev-over');
    const paymentId = await pay(invoiceId, 'E2E-rev-over', '60.00');
    expect(await balance(accountId)).toMatchObject({ amountDue: '0.00', creditAvailable: '2.41' });
    const reversed = await reverse(paymentId, { reason: 'chargeback' });
    expect(reversed.json()).toMatchObject({ appliedAmount: '57.59', excessAmount: '2.41', amountDueAfter: '57.59', reopened: true });
    await catchUp();
    expect(await balance(accountId)).toMatchObject({ amountDue: '57.59', creditAvailable: '0.00' });
    expect(await streamTypes(`credit-${accountId}`)).toEqual(['AccountCredited', 'CreditReversed']);
    expect((await movements(accountId)).map((m) => [m.kind, m.amount, m.balanceAfter])).toEqual([
      ['overpayment', '2.41', '2.41'],
      ['reversed', '-2.41', '0.00'],
    ]);
  });

  it('an overpayment whose credit was refunded cannot be reversed (409 payment_credit_spent), and nothing is recorded', async () => {
    const { accountId, invoiceId, stream } = await accountWithIssuedJune('rev-spent');
    const paymentId = await pay(invoiceId, 'E2E-rev-spent', '60.00');
    expect((await refund(accountId, { amount: '1.00', externalRef: 'payout-spent-1', reason: 'customer asked' })).statusCode).toBe(201);
    const before = [(await streamTypes(stream)).length, (await streamTypes(`credit-${accountId}`)).length];
    const refused = await reverse(paymentId, { reason: 'chargeback' });
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ code: 'payment_credit_spent' });
    expect([(await streamTypes(stream)).length, (await streamTypes(`credit-${accountId}`)).length]).toEqual(before);
  });

  it('dunning resumes where it was: an overdue invoice paid and reversed is overdue again, and the next reminder comes on its day', async () => {
    const { accountId, invoiceId, stream } = await accountWithIssuedJune('rev-dunning');
    const { dueDate } = await invoiceStatus(accountId, invoiceId);
    const day = (n: number) => new Date(Date.parse(`${dueDate}T03:00:01Z`) + n * 86_400_000);
    await runDunning(dunningDeps(app.infrastructure), day(1), testContext());
    await catchUp();
    expect((await invoiceStatus(accountId, invoiceId)).status).toBe('overdue');
    const paymentId = await pay(invoiceId, 'E2E-rev-dunning', '57.59');
    expect((await invoiceStatus(accountId, invoiceId)).status).toBe('paid');
    await reverse(paymentId, { reason: 'chargeback' });
    await catchUp();
    expect((await invoiceStatus(accountId, invoiceId)).status).toBe('overdue');
    await runDunning(dunningDeps(app.infrastructure), day(7), testContext());
    const reminders = (await app.infrastructure.eventStore.readStream(stream)).filter((e) => e.type === 'PaymentReminderDue').map((e) => (e.data as { day: number }).day);
    expect(reminders).toEqual([1, 7]);
  });
});

describe('credit refunds', () => {
  it('refunds up to the credit, idempotent by externalRef; every refusal leaves the credit stream as it was', async () => {
    const { accountId, invoiceId } = await accountWithIssuedJune('refund-co');
    await pay(invoiceId, 'E2E-refund-over', '60.00'); // 2.41 credit
    const body = { amount: '1.00', externalRef: 'payout-0001', reason: 'customer asked for the balance' };
    const first = await refund(accountId, body);
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toMatchObject({ accountId, externalRef: 'payout-0001', amount: '1.00', currency: 'BRL', reason: 'customer asked for the balance' });
    const same = await refund(accountId, { ...body, amount: '1' });
    expect(same.statusCode).toBe(200);
    expect(same.json()).toEqual(first.json());
    const events = async () => (await streamTypes(`credit-${accountId}`)).length;
    const before = await events();

    const conflict = await refund(accountId, { ...body, amount: '1.01' });
    expect(conflict.statusCode).toBe(409);
    expect(conflict.json()).toMatchObject({ code: 'refund_conflict' });
    const tooMuch = await refund(accountId, { ...body, externalRef: 'payout-0002', amount: '1.42' });
    expect(tooMuch.statusCode).toBe(409);
    expect(tooMuch.json()).toMatchObject({ code: 'insufficient_credit' });
    const bad = await refund(accountId, { amount: '0.001', externalRef: ' no', reason: '' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ errors: { path: string }[] }>().errors.map((e) => e.path).sort()).toEqual(['body.amount', 'body.externalRef', 'body.reason']);
    const precise = await refund(accountId, { ...body, externalRef: 'payout-0003', amount: '0.011' });
    expect(precise.statusCode).toBe(400);
    const huge = await refund(accountId, { ...body, externalRef: 'payout-0004', amount: `1${'0'.repeat(13)}` });
    expect(huge.statusCode).toBe(400);
    const nobody = await refund(randomUUID(), { ...body, externalRef: 'payout-0005' });
    expect(nobody.statusCode).toBe(404);
    expect(await events()).toBe(before);

    // the rest, to the cent: 2.41 − 1.00 = 1.41
    expect((await refund(accountId, { ...body, externalRef: 'payout-0002', amount: '1.41' })).statusCode).toBe(201);
    await catchUp();
    expect(await balance(accountId)).toMatchObject({ creditAvailable: '0.00' });
    expect((await movements(accountId)).map((m) => [m.kind, m.amount, m.balanceAfter, m.cause.externalRef])).toEqual([
      ['overpayment', '2.41', '2.41', 'E2E-refund-over'],
      ['refunded', '-1.00', '1.41', 'payout-0001'],
      ['refunded', '-1.41', '0.00', 'payout-0002'],
    ]);
  });

  it('an account without credit refunds nothing (409 insufficient_credit)', async () => {
    const { accountId } = await accountWithIssuedJune('refund-none');
    const refused = await refund(accountId, { amount: '0.01', externalRef: 'payout-none', reason: 'none' });
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ code: 'insufficient_credit' });
    expect(await movements(accountId)).toEqual([]);
  });
});
