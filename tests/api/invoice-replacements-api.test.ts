import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../support/app.ts';
import { bearer } from '../support/api-requests.ts';
import { accountWithWorkedExampleUsage, publishWorkedExamplePlan } from '../support/billing-fixtures.ts';

/**
 * A voided invoice and its replacement name each other, with the void's reason; the account
 * hears of the void, the replacement, a credit note, a suspension and a reactivation, in its
 * locale, with why. The worked example's June invoice comes to 57.59 (54.85 + tax 2.74).
 */
type App = Awaited<ReturnType<typeof startTestApp>>;
let app: App;
let operator: string;
let accountId: string;
let voided: { invoiceId: string; number: string };
let replacement: { invoiceId: string; number: string };

const call = (request: { method: 'GET' | 'POST' | 'PATCH'; url: string; payload?: Record<string, unknown> }) => app.api.inject({ ...request, headers: bearer(operator) });
const billing = async () => {
  const run = await call({ method: 'POST', url: '/operator/billing-runs', payload: { period: '2026-06' } });
  expect(run.statusCode, run.body).toBe(200);
  await app.runner.catchUp();
  return run.json<{ outcomes: { accountId: string; outcome: string; invoiceId?: string; number?: string }[] }>().outcomes.find((o) => o.accountId === accountId)!;
};
const invoice = async (invoiceId: string) => {
  const response = await call({ method: 'GET', url: `/accounts/${accountId}/invoices/${invoiceId}` });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<Record<string, any>>();
};
const notifications = async () => {
  const response = await call({ method: 'GET', url: `/accounts/${accountId}/notifications?limit=50` });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{ items: { kind: string; title: string; body: string; resource: { type: string; id: string } }[] }>().items;
};

beforeAll(async () => {
  app = await startTestApp();
  operator = await app.tokenFor({ kind: 'operator' });
  await publishWorkedExamplePlan(app);
  accountId = await accountWithWorkedExampleUsage(app, operator, 'replaced-co');
  const first = await billing();
  expect(first).toMatchObject({ outcome: 'issued' });
  voided = { invoiceId: first.invoiceId!, number: first.number! };
  const voiding = await call({ method: 'POST', url: `/invoices/${voided.invoiceId}/void`, payload: { reason: 'billed on the wrong plan' } });
  expect(voiding.statusCode, voiding.body).toBe(200);
  await app.runner.catchUp();
  const second = await billing();
  expect(second).toMatchObject({ outcome: 'issued' });
  replacement = { invoiceId: second.invoiceId!, number: second.number! };
});
afterAll(async () => {
  await app.close();
});

describe('a voided invoice and its replacement', () => {
  it('link both ways in the API, with the void\'s reason', async () => {
    const old = await invoice(voided.invoiceId);
    expect(old).toMatchObject({ status: 'void', voided: { reason: 'billed on the wrong plan' }, replaces: null, replacedBy: replacement });
    const current = await invoice(replacement.invoiceId);
    expect(current).toMatchObject({
      status: 'issued',
      total: '57.59',
      voided: null,
      replacedBy: null,
      replaces: { invoiceId: voided.invoiceId, number: voided.number, voidReason: 'billed on the wrong plan', voidedAt: old.voided.voidedAt },
    });
    expect(current.number).not.toBe(voided.number);
  });

  it('are told to the account in pt-BR: the void with its reason, and the replacement naming what it replaces', async () => {
    const told = await notifications();
    const voidNotice = told.find((n) => n.kind === 'invoice_voided')!;
    expect(voidNotice).toMatchObject({
      title: `Fatura ${voided.number} cancelada`,
      body: `A fatura ${voided.number} de junho de 2026 (R$ 57,59) foi cancelada e será substituída. Motivo: billed on the wrong plan`,
      resource: { type: 'invoice', id: voided.invoiceId },
    });
    const replaced = told.find((n) => n.kind === 'invoice_replacement_issued')!;
    expect(replaced.title).toBe(`Fatura ${replacement.number} emitida em substituição à ${voided.number}`);
    expect(replaced.body).toContain('no valor de R$ 57,59');
    expect(replaced.body).toContain(`substitui a fatura ${voided.number}, cancelada: billed on the wrong plan`);
    // the first invoice was an ordinary issue
    expect(told.filter((n) => n.kind === 'invoice_issued').map((n) => n.resource.id)).toEqual([voided.invoiceId]);
  });
});

describe('the account hears', () => {
  it('of a credit note, naming its invoice, the amount, the reason and what is still due', async () => {
    const noted = await call({ method: 'POST', url: `/invoices/${replacement.invoiceId}/credit-notes`, payload: { amount: '7.59', reason: 'outage on June 3' } });
    expect(noted.statusCode, noted.body).toBe(201);
    expect(noted.json()).toMatchObject({ invoiceId: replacement.invoiceId, invoiceNumber: replacement.number });
    await app.runner.catchUp();
    // 57.59 − 7.59 = 50.00 still due
    expect((await notifications()).find((n) => n.kind === 'credit_note_issued')).toMatchObject({
      title: `Nota de crédito na fatura ${replacement.number}`,
      body: `Nota de crédito de R$ 7,59 na fatura ${replacement.number}. Motivo: outage on June 3. Valor em aberto: R$ 50,00.`,
    });
  });

  it('of a suspension and a reactivation, with why, in English once the account writes in English', async () => {
    expect((await call({ method: 'PATCH', url: `/accounts/${accountId}/billing-profile`, payload: { locale: 'en' } })).statusCode).toBe(200);
    expect((await call({ method: 'POST', url: `/accounts/${accountId}/suspend`, payload: { reason: 'abuse report 42' } })).statusCode).toBe(200);
    expect((await call({ method: 'POST', url: `/accounts/${accountId}/reactivate` })).statusCode).toBe(200);
    await app.runner.catchUp();
    const told = await notifications();
    expect(told.find((n) => n.kind === 'account_suspended')).toMatchObject({ title: 'Account suspended', body: 'Your account was suspended. Reason: abuse report 42', resource: { type: 'account', id: accountId } });
    expect(told.find((n) => n.kind === 'account_reactivated')).toMatchObject({ title: 'Account reactivated', body: 'Your account was reactivated.' });
  });

  it('of a reactivation an operator explains; a reason past 500 characters is refused and changes nothing', async () => {
    expect((await call({ method: 'POST', url: `/accounts/${accountId}/suspend`, payload: { reason: 'chargeback under review' } })).statusCode).toBe(200);
    const tooLong = await call({ method: 'POST', url: `/accounts/${accountId}/reactivate`, payload: { reason: 'x'.repeat(501) } });
    expect(tooLong.statusCode).toBe(400);
    expect(JSON.stringify(tooLong.json())).toContain('reason');
    await app.runner.catchUp();
    expect((await call({ method: 'GET', url: `/accounts/${accountId}` })).json()).toMatchObject({ status: 'suspended' });

    expect((await call({ method: 'POST', url: `/accounts/${accountId}/reactivate`, payload: { reason: 'chargeback won' } })).statusCode).toBe(200);
    await app.runner.catchUp();
    const reactivations = (await notifications()).filter((n) => n.kind === 'account_reactivated');
    expect(reactivations.map((n) => n.body)).toContain('Your account was reactivated. Reason: chargeback won');
    expect(reactivations.filter((n) => n.body.includes('x'.repeat(20)))).toEqual([]);
  });
});
