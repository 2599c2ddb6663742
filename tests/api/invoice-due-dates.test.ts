import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dueDateFor } from '../../src/commands/billing-run.ts';
import { startClockedApp, type ClockedApp } from '../support/clocked-app.ts';
import { bearer } from '../support/api-requests.ts';

/**
 * An invoice is due on the account's billing day of the month after its period, but never
 * sooner than INVOICE_MIN_DAYS_TO_PAY (10) days after its issue date, in the account's zone:
 * an invoice back-billed months late is not overdue on arrival. Every instant is set here.
 */
let app: ClockedApp;
let operator: string;

beforeAll(async () => {
  app = await startClockedApp('2026-05-20T12:00:00Z');
  operator = await app.tokenFor({ kind: 'operator' });
  const plan = await app.api.inject({
    method: 'POST',
    url: '/operator/plans',
    headers: bearer(operator),
    payload: { planId: 'due-fee', name: 'Fee only', effectiveFrom: '2026-01', currency: 'BRL', monthlyFee: '30.00', monthlyMinimum: '0', taxRate: '0', meters: {} },
  });
  expect(plan.statusCode, plan.body).toBe(201);
});
afterAll(async () => {
  await app?.close();
});

async function subscribedAccount(slug: string, timeZone: string, billingDay: number): Promise<string> {
  const opened = await app.api.inject({
    method: 'POST',
    url: '/accounts',
    headers: bearer(operator),
    payload: { name: slug, slug, billingEmail: `b@${slug}.co`, document: '529.982.247-25', timeZone, billingDay },
  });
  expect(opened.statusCode, opened.body).toBe(201);
  const { accountId } = opened.json<{ accountId: string }>();
  const subscribed = await app.api.inject({
    method: 'PUT',
    url: `/accounts/${accountId}/subscription`,
    headers: bearer(operator),
    payload: { planId: 'due-fee', effectiveAt: '2026-05-01T00:00:00Z' },
  });
  expect(subscribed.statusCode, subscribed.body).toBe(200);
  return accountId;
}

async function bill(period: string) {
  await app.runner.catchUp();
  const run = await app.api.inject({ method: 'POST', url: '/operator/billing-runs', headers: bearer(operator), payload: { period } });
  expect(run.statusCode, run.body).toBe(200);
  await app.runner.catchUp();
  return run.json<{ outcomes: { accountId: string; outcome: string; invoiceId?: string }[] }>();
}

async function issuedInvoice(accountId: string, invoiceId: string) {
  const detail = await app.api.inject({ method: 'GET', url: `/accounts/${accountId}/invoices/${invoiceId}`, headers: bearer(operator) });
  expect(detail.statusCode, detail.body).toBe(200);
  return detail.json<{ status: string; issueDate: string; dueDate: string; total: string }>();
}

describe('due dates', () => {
  it('an invoice issued on time is due on the billing day of the next month when that leaves 10 days', async () => {
    const accountId = await subscribedAccount('due-on-time', 'America/Sao_Paulo', 25);
    // June ends 2026-07-01T03:00Z in São Paulo; the 24 h grace has passed on the 2nd
    app.setClock('2026-07-02T12:00:00Z');
    const outcome = (await bill('2026-06')).outcomes.find((o) => o.accountId === accountId)!;
    expect(outcome.outcome).toBe('issued');
    // issued 2026-07-02; + 10 days = 07-12, before the billing day 07-25
    expect(await issuedInvoice(accountId, outcome.invoiceId!)).toMatchObject({ issueDate: '2026-07-02', dueDate: '2026-07-25', total: '30.00' });
  });

  it('an invoice back-billed months late is due 10 days after its issue date, in the account’s zone, and dunning leaves it alone', async () => {
    const saoPaulo = await subscribedAccount('due-late-sp', 'America/Sao_Paulo', 10);
    const auckland = await subscribedAccount('due-late-akl', 'Pacific/Auckland', 10);
    // 2026-12-05T12:00Z is 09:00 on the 5th in São Paulo and 01:00 on the 6th in Auckland (UTC+13)
    app.setClock('2026-12-05T12:00:00Z');
    const outcomes = (await bill('2026-06')).outcomes;
    const sp = outcomes.find((o) => o.accountId === saoPaulo)!;
    const akl = outcomes.find((o) => o.accountId === auckland)!;
    expect([sp.outcome, akl.outcome]).toEqual(['issued', 'issued']);
    // the billing day of the month after June would be 2026-07-10: overdue on arrival
    expect(await issuedInvoice(saoPaulo, sp.invoiceId!)).toMatchObject({ issueDate: '2026-12-05', dueDate: '2026-12-15' });
    expect(await issuedInvoice(auckland, akl.invoiceId!)).toMatchObject({ issueDate: '2026-12-06', dueDate: '2026-12-16' });

    // the next dunning runs do not mark it overdue before its due day has ended
    app.setClock('2026-12-15T12:00:00Z');
    const dunning = await app.api.inject({ method: 'POST', url: '/operator/dunning-runs', headers: bearer(operator), payload: {} });
    expect(dunning.statusCode, dunning.body).toBe(200);
    const actions = dunning.json<{ outcomes: { accountId: string; type: string }[] }>().outcomes;
    // (the on-time invoice above, due 2026-07-25, is overdue by now: the run does work)
    expect(actions.filter((a) => a.type === 'mark_overdue').length).toBeGreaterThan(0);
    expect(actions.filter((a) => a.accountId === saoPaulo || a.accountId === auckland)).toEqual([]);
    await app.runner.catchUp();
    expect((await issuedInvoice(saoPaulo, sp.invoiceId!)).status).toBe('issued');
  });

  it('the minimum term counts calendar days across a month and a year end', () => {
    expect(dueDateFor('2026-11', 10, '2026-12-28', 10)).toBe('2027-01-07');
    expect(dueDateFor('2026-12', 10, '2027-01-02', 10)).toBe('2027-01-12');
    expect(dueDateFor('2026-12', 28, '2027-01-02', 10)).toBe('2027-01-28');
    expect(dueDateFor('2027-01', 10, '2027-02-20', 10)).toBe('2027-03-02');
    expect(dueDateFor('2027-01', 10, '2027-02-20', 1)).toBe('2027-02-21');
  });
});
