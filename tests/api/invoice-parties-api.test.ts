import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBilling } from '../../src/commands/billing-run.ts';
import { billingRunDeps } from '../../src/composition/jobs.ts';
import { startTestApp, testContext } from '../support/app.ts';
import { bearer, openTestAccount } from '../support/api-requests.ts';
import { accountWithWorkedExampleUsage, publishWorkedExamplePlan } from '../support/billing-fixtures.ts';

/**
 * An issued invoice names its customer (legal name, document, address, billing email) as they
 * were at issue, the issuer as configured, each line's tax and the service period in the
 * account's zone. The worked example: storage 22.50, egress 20.00, class A requests 12.35,
 * each at the plan's 5 %: tax 2.74, total 57.59.
 */
type App = Awaited<ReturnType<typeof startTestApp>>;
let app: App;
let operator: string;
let named: { accountId: string; invoiceId: string };
let legacy: { accountId: string; invoiceId: string };

const PAULISTA = { street: ' Rua Augusta ', number: '1500', complement: 'sala 12', district: 'Consolação', city: 'São Paulo', state: 'sp', postalCode: '01304-001', municipalityCode: '3550308' };

const invoiceOf = async (accountId: string) => {
  const list = await app.api.inject({ method: 'GET', url: `/accounts/${accountId}/invoices`, headers: bearer(operator) });
  expect(list.statusCode, list.body).toBe(200);
  return { accountId, invoiceId: list.json<{ items: { invoiceId: string }[] }>().items[0]!.invoiceId };
};
const detail = async ({ accountId, invoiceId }: { accountId: string; invoiceId: string }) => {
  const response = await app.api.inject({ method: 'GET', url: `/accounts/${accountId}/invoices/${invoiceId}`, headers: bearer(operator) });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<Record<string, any>>();
};

beforeAll(async () => {
  app = await startTestApp({ ISSUER_LEGAL_NAME: 'Nuvem Exemplo Ltda', ISSUER_MUNICIPAL_REGISTRATION: '1.234.567-8' });
  operator = await app.tokenFor({ kind: 'operator' });
  await publishWorkedExamplePlan(app);

  const legacyAccount = await accountWithWorkedExampleUsage(app, operator, 'parties-legacy');
  // issued as a release before parties were recorded issued it
  const { invoiceParties: _recorded, ...withoutParties } = billingRunDeps(app.infrastructure, app.config, app.loadRatingPlan);
  expect((await runBilling(withoutParties, '2026-06', new Date('2026-11-22T12:00:00.000Z'), testContext())).issued).toBe(1);

  const accountId = await accountWithWorkedExampleUsage(app, operator, 'parties-named');
  const patched = await app.api.inject({ method: 'PATCH', url: `/accounts/${accountId}/billing-profile`, headers: bearer(operator), payload: { address: PAULISTA } });
  expect(patched.statusCode, patched.body).toBe(200);
  const billed = await app.api.inject({ method: 'POST', url: '/operator/billing-runs', headers: bearer(operator), payload: { period: '2026-06' } });
  expect(billed.json(), billed.body).toMatchObject({ issued: 1 });
  await app.runner.catchUp();
  [named, legacy] = [await invoiceOf(accountId), await invoiceOf(legacyAccount)];
});
afterAll(async () => {
  await app.close();
});

describe('the billing profile address', () => {
  it('is recorded trimmed, the UF in capitals and the CEP as its 8 digits, and shown on the account', async () => {
    const { accountId } = await openTestAccount(app, operator, 'addressed-co', { address: { ...PAULISTA, complement: undefined } });
    await app.runner.catchUp();
    const shown = await app.api.inject({ method: 'GET', url: `/accounts/${accountId}`, headers: bearer(operator) });
    expect(shown.json().address).toEqual({ street: 'Rua Augusta', number: '1500', district: 'Consolação', city: 'São Paulo', state: 'SP', postalCode: '01304001', country: 'BR', municipalityCode: '3550308' });
  });

  it('is refused field by field: a CEP of 7 digits, a state that is no UF, an IBGE code of 6 digits; nothing is recorded', async () => {
    const refused = await app.api.inject({
      method: 'POST',
      url: '/accounts',
      headers: bearer(operator),
      payload: { name: 'Bad Address', slug: 'bad-address', billingEmail: 'a@bad.co', document: '529.982.247-25', address: { ...PAULISTA, state: 'XX', postalCode: '0130400', municipalityCode: '355030' } },
    });
    expect(refused.statusCode, refused.body).toBe(400);
    const paths = refused.json<{ errors: { path: string }[] }>().errors.map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['body.address.state', 'body.address.postalCode', 'body.address.municipalityCode']));
    expect(await app.infrastructure.eventStore.readStream('accountslug-bad-address')).toEqual([]);
  });

  it('abroad takes the country\'s own postal code and region, and no IBGE code', async () => {
    const { accountId } = await openTestAccount(app, operator, 'abroad-co', {
      address: { street: 'Main Street', number: '1', district: 'Downtown', city: 'Lisboa', state: 'Lisboa', postalCode: '1100-148', country: 'PT' },
    });
    await app.runner.catchUp();
    const shown = await app.api.inject({ method: 'GET', url: `/accounts/${accountId}`, headers: bearer(operator) });
    expect(shown.json().address).toMatchObject({ postalCode: '1100-148', country: 'PT', state: 'Lisboa' });
  });
});

describe('an issued invoice', () => {
  it('names the customer as at issue, the configured issuer, each line\'s tax and the service period', async () => {
    const invoice = await detail(named);
    expect(invoice.customer).toEqual({
      legalName: 'parties-named',
      document: { kind: 'cpf', number: '52998224725', formatted: '529.982.247-25' },
      address: { street: 'Rua Augusta', number: '1500', complement: 'sala 12', district: 'Consolação', city: 'São Paulo', state: 'SP', postalCode: '01304001', country: 'BR', municipalityCode: '3550308' },
      email: 'b@parties-named.co',
    });
    expect(invoice.issuer).toEqual({
      legalName: 'Nuvem Exemplo Ltda',
      document: { kind: 'cnpj', number: '11222333000181', formatted: '11.222.333/0001-81' },
      address: { street: 'Avenida Paulista', number: '1000', district: 'Bela Vista', city: 'São Paulo', state: 'SP', postalCode: '01310100', country: 'BR', municipalityCode: '3550308' },
      email: 'financeiro@cloudpro.example',
      municipalRegistration: '1.234.567-8',
    });
    expect(invoice.servicePeriod).toEqual({ from: '2026-06-01', to: '2026-06-30', timeZone: 'America/Sao_Paulo' });
    expect(invoice.lines.map((l: any) => [l.kind, l.amount, l.taxName, l.taxRate])).toEqual([
      ['storage_gib_month', '22.50', 'ISS', '0.05'],
      ['egress_gib', '20.00', 'ISS', '0.05'],
      ['requests_a', '12.35', 'ISS', '0.05'],
    ]);
    // 54.85 × 0.05 = 2.7425 → 2.74
    expect([invoice.subtotal, invoice.tax, invoice.total]).toEqual(['54.85', '2.74', '57.59']);
  });

  it('keeps naming the customer as at issue after the billing profile changes', async () => {
    const changed = await app.api.inject({
      method: 'PATCH',
      url: `/accounts/${named.accountId}/billing-profile`,
      headers: bearer(operator),
      payload: { name: 'Renamed Ltda', address: { ...PAULISTA, number: '2000' } },
    });
    expect(changed.statusCode, changed.body).toBe(200);
    await app.runner.catchUp();
    const invoice = await detail(named);
    expect(invoice.customer).toMatchObject({ legalName: 'parties-named', address: { number: '1500' } });
  });

  it('issued before parties were recorded reads with none, and both audit identical', async () => {
    const old = await detail(legacy);
    expect([old.customer, old.issuer, old.servicePeriod]).toEqual([null, null, null]);
    expect(old.lines.map((l: any) => [l.taxName, l.taxRate])).toEqual([
      [null, null],
      [null, null],
      [null, null],
    ]);
    // parties live on InvoiceIssued, outside the rated invoice its digest covers: both replay to what was issued
    for (const { invoiceId } of [legacy, named]) {
      const audit = await app.api.inject({ method: 'GET', url: `/invoices/${invoiceId}/audit`, headers: bearer(operator) });
      expect(audit.json(), audit.body).toMatchObject({ identical: true });
    }
  });
});
