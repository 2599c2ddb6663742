import { randomUUID } from 'node:crypto';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer } from '../support/api-requests.ts';
import { startClockedApp, type ClockedApp } from '../support/clocked-app.ts';
import { accountWithWorkedExampleUsage, publishWorkedExamplePlan } from '../support/billing-fixtures.ts';

/**
 * Every command answers `event-position`, the log position of the last event it appended,
 * whichever streams it wrote; a read with `?after=` of it sees the command's effect at once.
 * The projection runner runs live here, as in the service: no test catches anything up.
 * On the worked example (June 2026: 57.59 BRL), with the test's clock.
 */
let app: ClockedApp;
let operator: string;
let metering: string;
let accountId: string;
let juneInvoiceId: string;

/** Two fixed-width decimal numbers, as the PostgreSQL store encodes a position (src/api/route.ts). */
const POSITION = /^\d{20}\/\d{19,20}$/;

beforeAll(async () => {
  // June 2026 ended in São Paulo on 07-01T03:00Z; its 24 h grace has passed
  app = await startClockedApp('2026-07-02T12:00:00Z', { READ_AFTER_WAIT_MS: '5000' });
  operator = await app.tokenFor({ kind: 'operator' });
  metering = await app.tokenFor({ kind: 'metering' });
  await publishWorkedExamplePlan(app);
  accountId = await accountWithWorkedExampleUsage(app, operator, 'position-co');
  app.runner.start();
});
afterAll(async () => {
  await app?.runner.stop();
  await app?.close();
});

const call = (options: InjectOptions & { url: string }, token = operator) => app.api.inject({ ...options, headers: { ...bearer(token), ...(options.headers ?? {}) } });
const after = (position: string) => `after=${encodeURIComponent(position)}`;
/** The position of a stream's last event. */
const lastOf = async (stream: string) => (await app.infrastructure.eventStore.readStream(stream)).at(-1)!.position;
let previous = '';

/**
 * A command that must answer a well-formed `event-position`, past every earlier command's
 * (positions compare as text), and, given its last stream, that stream's last event.
 */
async function command(options: InjectOptions & { url: string }, status: number, lastStream: string | null, token = operator) {
  const response = await call(options, token);
  expect(response.statusCode, response.body).toBe(status);
  const position = response.headers['event-position'] as string;
  expect(position, `${options.method} ${options.url}`).toMatch(POSITION);
  expect(position > previous, `${position} after ${previous}`).toBe(true);
  if (lastStream !== null) expect(position).toBe(await lastOf(lastStream));
  previous = position;
  return { json: response.json<Record<string, unknown>>(), position };
}

describe('reads that follow a command', () => {
  it('after a billing run, the account’s invoices with ?after= list the new invoice at once', async () => {
    const run = await command({ method: 'POST', url: '/operator/billing-runs', payload: { period: '2026-06' } }, 200, `invoice-${accountId}:2026-06`);
    const mine = (run.json.outcomes as { accountId: string; outcome: string; invoiceId: string; total: string }[]).find((o) => o.accountId === accountId)!;
    expect(mine).toMatchObject({ outcome: 'issued', total: '57.59' });
    juneInvoiceId = mine.invoiceId;
    // the run's last event is the invoice's issue
    expect((await app.infrastructure.eventStore.readStream(`invoice-${accountId}:2026-06`)).at(-1)!.type).toBe('InvoiceIssued');

    const invoices = await call({ method: 'GET', url: `/accounts/${accountId}/invoices?${after(run.position)}` });
    expect(invoices.statusCode, invoices.body).toBe(200);
    expect(invoices.json<{ items: unknown[] }>().items).toContainEqual(expect.objectContaining({ invoiceId: juneInvoiceId, status: 'issued', total: '57.59' }));
  });

  it('after a payment, the balance with ?after= shows it at once', async () => {
    app.setClock('2026-07-10T12:00:00Z');
    const paid = await command({ method: 'POST', url: `/invoices/${juneInvoiceId}/payments`, payload: { externalRef: 'pix-position-1', amount: '30.00', method: 'pix', receivedAt: '2026-07-05T10:00:00-03:00' } }, 201, `invoice-${accountId}:2026-06`);
    const balance = await call({ method: 'GET', url: `/accounts/${accountId}/balance?${after(paid.position)}` });
    expect(balance.statusCode, balance.body).toBe(200);
    // 57.59 − 30.00
    expect(balance.json()).toMatchObject({ amountDue: '27.59', openInvoices: [{ invoiceId: juneInvoiceId, amountDue: '27.59' }] });
  });
});

describe('every command answers event-position', () => {
  it('payments, credit notes, refunds and reversals: the last event each appended, whichever stream', async () => {
    await command({ method: 'POST', url: `/invoices/${juneInvoiceId}/credit-notes`, payload: { amount: '1.00', reason: 'outage on June 3' } }, 201, `invoice-${accountId}:2026-06`);
    // 27.59 − 1.00 = 26.59 due; 36.59 pays it with 10.00 over, credited to the account (its own stream, appended last)
    const over = await command({ method: 'POST', url: `/invoices/${juneInvoiceId}/payments`, payload: { externalRef: 'pix-position-2', amount: '36.59', method: 'pix', receivedAt: '2026-07-06T10:00:00-03:00' } }, 201, `credit-${accountId}`);
    expect(over.json).toMatchObject({ excessAmount: '10.00', amountDueAfter: '0.00' });
    const refunded = await command({ method: 'POST', url: `/accounts/${accountId}/credit/refunds`, payload: { amount: '2.00', externalRef: 'payout-position-1', reason: 'customer asked for part of the credit' } }, 201, `credit-${accountId}`);
    const credit = await call({ method: 'GET', url: `/accounts/${accountId}/credit/movements?${after(refunded.position)}` });
    expect(credit.json<{ items: { kind: string; balanceAfter: string }[] }>().items.at(-1)).toMatchObject({ balanceAfter: '8.00' });

    const first = (await call({ method: 'GET', url: `/accounts/${accountId}/payments?${after(over.position)}` })).json<{ items: { paymentId: string; externalRef: string }[] }>().items;
    const reversed = first.find((p) => p.externalRef === 'pix-position-1')!;
    await command({ method: 'POST', url: `/payments/${reversed.paymentId}/reversal`, payload: { reason: 'chargeback MED 2026-0042' } }, 201, `invoice-${accountId}:2026-06`);
  });

  it('a command already recorded appends nothing: its retry answers a position at or past what first recorded it', async () => {
    // the 36.59 paid on June and credited 10.00: the invoice's and the credit's streams have grown since (reversal, refund)
    const again = await call({ method: 'POST', url: `/invoices/${juneInvoiceId}/payments`, payload: { externalRef: 'pix-position-2', amount: '36.59', method: 'pix', receivedAt: '2026-07-06T10:00:00-03:00' } });
    expect(again.statusCode, again.body).toBe(200);
    const streams = [await lastOf(`invoice-${accountId}:2026-06`), await lastOf(`credit-${accountId}`)].sort();
    expect(again.headers['event-position']).toBe(streams[1]);
    const refundAgain = await call({ method: 'POST', url: `/accounts/${accountId}/credit/refunds`, payload: { amount: '2.00', externalRef: 'payout-position-1', reason: 'customer asked for part of the credit' } });
    expect(refundAgain.statusCode, refundAgain.body).toBe(200);
    expect(refundAgain.headers['event-position']).toBe(await lastOf(`credit-${accountId}`));
  });

  it('usage and its corrections', async () => {
    const bucket = await command({ method: 'POST', url: `/accounts/${accountId}/buckets`, payload: { name: 'position-data' } }, 201, null);
    // a bucket is found by name once the read model has it
    expect((await call({ method: 'GET', url: `/accounts/${accountId}/buckets?${after(bucket.position)}` })).statusCode).toBe(200);
    const at = '2026-07-10T12:00:00.000Z';
    const sampleKey = `minio:position-data:${randomUUID()}`;
    const usage = await command({ method: 'POST', url: '/usage', payload: { samples: [{ kind: 'storage', sampleKey, bucket: 'position-data', bytes: '1024', at }] } }, 200, `usage-${accountId}:${at.slice(0, 7)}`, metering);
    expect(usage.json).toMatchObject({ accepted: 1 });
    const period = at.slice(0, 7);
    const withdrawal = { method: 'POST' as const, url: '/usage/corrections', payload: { accountId, period, sampleKeys: [sampleKey], reason: 'sent by a collector under test' } };
    const withdrawn = await command(withdrawal, 201, `usage-${accountId}:${period}`, metering);
    // withdrawn again: nothing recorded, the position of the withdrawal
    const again = await call(withdrawal, metering);
    expect(again.statusCode, again.body).toBe(200);
    expect(again.headers['event-position']).toBe(withdrawn.position);
  });

  it('dunning runs, and voids', async () => {
    // June was due in July and owes the reversed 30.00 again: overdue in August
    app.setClock('2026-08-20T12:00:00Z');
    const dunning = await command({ method: 'POST', url: '/operator/dunning-runs', payload: {} }, 200, null);
    expect(dunning.json.markedOverdue).toBe(1);
    // May, the subscription's first month: an invoice with nothing paid, so it can be voided; it took
    // the account's 8.00 credit left, and the void gives it back in the credit stream, appended last
    const may = await command({ method: 'POST', url: '/operator/billing-runs', payload: { period: '2026-05' } }, 200, `invoice-${accountId}:2026-05`);
    const mayInvoice = (may.json.outcomes as { accountId: string; outcome: string; invoiceId: string }[]).find((o) => o.accountId === accountId)!;
    expect(mayInvoice.outcome).toBe('issued');
    const credit = (await app.infrastructure.eventStore.readStream(`credit-${accountId}`)).at(-1)!;
    expect(credit.type).toBe('CreditApplied');
    const voiding = { method: 'POST' as const, url: `/invoices/${mayInvoice.invoiceId}/void`, payload: { reason: 'billed before the account went live' } };
    const voided = await command(voiding, 200, `credit-${accountId}`);
    // voided again: nothing recorded, the same position
    const again = await call(voiding);
    expect(again.statusCode, again.body).toBe(200);
    expect(again.headers['event-position']).toBe(voided.position);
  });
});
