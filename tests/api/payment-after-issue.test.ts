import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../support/app.ts';
import { bearer } from '../support/api-requests.ts';
import { accountWithWorkedExampleUsage, publishWorkedExamplePlan } from '../support/billing-fixtures.ts';

/**
 * A payment finds its invoice through the invoices read model. Right after a billing run that
 * read model may not have the invoice yet: the payment waits for it (bounded by
 * READ_AFTER_WAIT_MS) instead of answering 404, and says so when the read model stays behind.
 * The projection runner is not running here: each test decides when the read model catches up.
 */
type App = Awaited<ReturnType<typeof startTestApp>>;
let app: App;
let operator: string;

beforeAll(async () => {
  app = await startTestApp({ READ_AFTER_WAIT_MS: '1500' });
  operator = await app.tokenFor({ kind: 'operator' });
  await publishWorkedExamplePlan(app);
});
afterAll(async () => {
  await app.close();
});

const pay = (invoiceId: string, externalRef: string) =>
  app.api.inject({ method: 'POST', url: `/invoices/${invoiceId}/payments`, headers: bearer(operator), payload: { method: 'pix', receivedAt: '2026-07-05T10:00:00-03:00', externalRef, amount: '57.59' } });

/** The worked example's June invoice (57.59 BRL), issued; the read models are left where the run left them. */
async function issuedJuneNotYetProjected(slug: string) {
  const accountId = await accountWithWorkedExampleUsage(app, operator, slug);
  await app.runner.catchUp();
  const run = await app.api.inject({ method: 'POST', url: '/operator/billing-runs', headers: bearer(operator), payload: { period: '2026-06' } });
  expect(run.statusCode, run.body).toBe(200);
  const mine = run.json<{ outcomes: { accountId: string; invoiceId?: string; total?: string }[] }>().outcomes.find((o) => o.accountId === accountId)!;
  expect(mine.total).toBe('57.59');
  const row = await app.infrastructure.readModels.selectFrom('invoices').select('invoice_id').where('invoice_id', '=', mine.invoiceId!).executeTakeFirst();
  expect(row, 'the read model has not applied the invoice yet').toBeUndefined();
  return mine.invoiceId!;
}

describe('a payment right after its invoice was issued', () => {
  it('waits for the invoices read model and is recorded once it has the invoice', async () => {
    const invoiceId = await issuedJuneNotYetProjected('pay-after-issue');
    // the read model catches up while the payment waits
    const catchingUp = new Promise((resolve) => setTimeout(resolve, 200)).then(() => app.runner.catchUp());
    const paid = await pay(invoiceId, `pix-${randomUUID()}`);
    await catchingUp;
    expect(paid.statusCode, paid.body).toBe(201);
    expect(paid.json()).toMatchObject({ invoiceId, amount: '57.59', appliedAmount: '57.59', amountDueAfter: '0.00' });
  });

  it('answers 409 read_model_behind, recording nothing, when the read model does not get there in time', async () => {
    const invoiceId = await issuedJuneNotYetProjected('pay-behind');
    const before = await app.infrastructure.eventStore.readAll({ fromPosition: null });
    const refused = await pay(invoiceId, `pix-${randomUUID()}`);
    expect(refused.statusCode, refused.body).toBe(409);
    expect(refused.json()).toMatchObject({ code: 'read_model_behind' });
    expect(refused.json<{ detail: string }>().detail).toMatch(/invoices read model/);
    expect(await app.infrastructure.eventStore.readAll({ fromPosition: null })).toHaveLength(before.length);
    // once it has caught up, the same payment goes through
    await app.runner.catchUp();
    expect((await pay(invoiceId, `pix-${randomUUID()}`)).statusCode).toBe(201);
  });

  it('an invoice that does not exist is still a 404 once the read model is current', async () => {
    await app.runner.catchUp();
    const missing = await pay(randomUUID(), `pix-${randomUUID()}`);
    expect(missing.statusCode, missing.body).toBe(404);
    expect(missing.json()).toMatchObject({ code: 'invoice_not_found' });
  });
});
