import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBilling } from '../../src/commands/billing-run.ts';
import { explainInvoice } from '../../src/commands/invoice-explanation.ts';
import { billingRunDeps } from '../../src/composition/jobs.ts';
import { startTestApp, testContext } from '../support/app.ts';
import { bearer } from '../support/api-requests.ts';
import { accountWithWorkedExampleUsage, publishWorkedExamplePlan } from '../support/billing-fixtures.ts';

/**
 * An invoice shows the time-zone database its dates were computed with, wherever it is read:
 * the API's invoice, its audit, and the explanation `ops explain-invoice` prints. One issued
 * before the version was recorded shows none.
 */
type App = Awaited<ReturnType<typeof startTestApp>>;
let app: App;
let operator: string;
let legacy: { accountId: string; invoiceId: string };
let recorded: { accountId: string; invoiceId: string };

const invoiceOf = async (accountId: string) => {
  const list = await app.api.inject({ method: 'GET', url: `/accounts/${accountId}/invoices`, headers: bearer(operator) });
  expect(list.statusCode, list.body).toBe(200);
  const [invoice] = list.json<{ items: { invoiceId: string }[] }>().items;
  return { accountId, invoiceId: invoice!.invoiceId };
};

beforeAll(async () => {
  app = await startTestApp();
  operator = await app.tokenFor({ kind: 'operator' });
  await publishWorkedExamplePlan(app);

  // Issued as a release before the version was recorded issued it: with no tzDataVersion.
  const legacyAccount = await accountWithWorkedExampleUsage(app, operator, 'tz-legacy');
  const { tzDataVersion: _recorded, ...withoutVersion } = billingRunDeps(app.infrastructure, app.config, app.loadRatingPlan);
  expect((await runBilling(withoutVersion, '2026-06', new Date('2026-11-22T12:00:00.000Z'), testContext())).issued).toBe(1);

  const recordedAccount = await accountWithWorkedExampleUsage(app, operator, 'tz-recorded');
  const billed = await app.api.inject({ method: 'POST', url: '/operator/billing-runs', headers: bearer(operator), payload: { period: '2026-06' } });
  expect(billed.json(), billed.body).toMatchObject({ issued: 1 });
  await app.runner.catchUp();
  [legacy, recorded] = [await invoiceOf(legacyAccount), await invoiceOf(recordedAccount)];
});
afterAll(async () => {
  await app.close();
});

const shown = async ({ accountId, invoiceId }: { accountId: string; invoiceId: string }) => {
  const invoice = await app.api.inject({ method: 'GET', url: `/accounts/${accountId}/invoices/${invoiceId}`, headers: bearer(operator) });
  const audit = await app.api.inject({ method: 'GET', url: `/invoices/${invoiceId}/audit`, headers: bearer(operator) });
  expect(invoice.statusCode, invoice.body).toBe(200);
  expect(audit.statusCode, audit.body).toBe(200);
  const period = '2026-06';
  return {
    invoice: invoice.json<{ tzDataVersion: string | null }>().tzDataVersion,
    audit: audit.json<{ tzDataVersion: string | null; identical: boolean }>(),
    explanation: (await explainInvoice(app.infrastructure.eventStore, { accountId, period, invoiceId })).header,
  };
};

describe("an invoice's time-zone database", () => {
  it('is the process\'s own for an invoice issued now: in the API, the audit and the explanation', async () => {
    const version = process.versions.tz;
    expect(version).toMatch(/^\d{4}[a-z]$/);
    const { invoice, audit, explanation } = await shown(recorded);
    expect(invoice).toBe(version);
    expect(audit).toMatchObject({ tzDataVersion: version, identical: true });
    expect(explanation).toContain(`Dates computed with time-zone database ${version}.`);
  });

  it('is null, and said to be unrecorded, for an invoice issued before it was recorded', async () => {
    const { invoice, audit, explanation } = await shown(legacy);
    expect(invoice).toBeNull();
    expect(audit).toMatchObject({ tzDataVersion: null, identical: true });
    expect(explanation).toContain('Time-zone database: not recorded (issued before it was).');
    expect(explanation.join('\n')).not.toContain('Dates computed with time-zone database');
  });
});
