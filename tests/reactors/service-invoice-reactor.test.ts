import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { serviceInvoiceOf } from '../../src/domain/invoice/service-invoice.ts';
import { startTestApp } from '../support/app.ts';
import { bearer } from '../support/api-requests.ts';
import { accountWithWorkedExampleUsage, publishWorkedExamplePlan } from '../support/billing-fixtures.ts';

/**
 * The NFS-e hook: each issued invoice becomes a record with what a service invoice needs, written
 * by the file adapter to NFSE_DIR. The worked example: services 54.85, ISS 5 % = 2.74, total 57.59.
 */
type App = Awaited<ReturnType<typeof startTestApp>>;
let app: App;
let directory: string;
let operator: string;

beforeAll(async () => {
  directory = await mkdtemp(path.join(tmpdir(), 'nfse-'));
  app = await startTestApp({ NFSE_DIR: directory, ISSUER_MUNICIPAL_REGISTRATION: '9.876.543-2' });
  operator = await app.tokenFor({ kind: 'operator' });
  await publishWorkedExamplePlan(app);
});
afterAll(async () => {
  await app.close();
  await rm(directory, { recursive: true, force: true });
});

describe('the NFS-e hook', () => {
  it('writes one record per issued invoice: service code, ISS rate, municipality, the taker\'s document and address', async () => {
    const accountId = await accountWithWorkedExampleUsage(app, operator, 'nfse-co');
    const address = { street: 'Rua da Bahia', number: '1148', district: 'Centro', city: 'Belo Horizonte', state: 'MG', postalCode: '30160-011', municipalityCode: '3106200' };
    expect((await app.api.inject({ method: 'PATCH', url: `/accounts/${accountId}/billing-profile`, headers: bearer(operator), payload: { address } })).statusCode).toBe(200);
    const run = await app.api.inject({ method: 'POST', url: '/operator/billing-runs', headers: bearer(operator), payload: { period: '2026-06' } });
    const { invoiceId, number } = run.json<{ outcomes: { accountId: string; invoiceId: string; number: string }[] }>().outcomes.find((o) => o.accountId === accountId)!;
    await app.reactors.catchUp(['nfse']);
    await app.reactors.drain(['nfse']);

    expect(await readdir(directory)).toEqual([`${number}.json`]);
    const record = JSON.parse(await readFile(path.join(directory, `${number}.json`), 'utf8'));
    expect(record).toEqual({
      invoiceId,
      invoiceNumber: number,
      competence: '2026-06',
      issueDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      servicePeriod: { from: '2026-06-01', to: '2026-06-30', timeZone: 'America/Sao_Paulo' },
      service: { code: '1.03', description: 'Armazenamento de dados em nuvem (object storage)' },
      municipalityCode: '3550308',
      currency: 'BRL',
      servicesAmount: '54.85',
      issAmount: '2.74',
      creditApplied: '0.00',
      total: '57.59',
      issRate: '0.05',
      rates: [{ taxName: 'ISS', taxRate: '0.05', servicesAmount: '54.85' }],
      provider: {
        legalName: 'CloudPro Serviços de Armazenamento Ltda',
        document: { kind: 'cnpj', number: '11222333000181' },
        municipalRegistration: '9.876.543-2',
        address: expect.objectContaining({ city: 'São Paulo', municipalityCode: '3550308' }),
        email: 'financeiro@cloudpro.example',
      },
      taker: {
        legalName: 'nfse-co',
        document: { kind: 'cpf', number: '52998224725' },
        address: { street: 'Rua da Bahia', number: '1148', district: 'Centro', city: 'Belo Horizonte', state: 'MG', postalCode: '30160011', country: 'BR', municipalityCode: '3106200' },
        email: 'b@nfse-co.co',
      },
      replaces: null,
    });
  });

  it('leaves out an invoice issued before takers were recorded, and sums the services per rate', () => {
    const issued = { accountId: 'a', period: '2026-06', invoiceId: 'i', number: 'INV-2026-000009', issueDate: '2026-07-02', dueDate: '2026-07-12', total: '10.50', currency: 'BRL', digest: 'd', issuedAt: '2026-07-02T00:00:00.000Z' };
    const rated = { lines: [{ amount: '6.00' }, { amount: '4.00' }], subtotal: '10.00', tax: '0.50', creditApplied: '0.00', total: '10.50' };
    const service = { code: '1.03', description: 'storage' };
    expect(serviceInvoiceOf(issued, rated, service)).toBeNull();
    const party = { legalName: 'X', document: { kind: 'cpf' as const, number: '52998224725' }, address: null, email: 'x@y.co' };
    // 6.00 at 5 % and 4.00 at 5 % written as 0.050: one rate, 10.00 of services
    const record = serviceInvoiceOf(
      { ...issued, customer: party, issuer: party, servicePeriod: { from: '2026-06-01', to: '2026-06-30', timeZone: 'UTC' }, lineTaxes: [{ taxName: 'ISS', taxRate: '0.05' }, { taxName: 'ISS', taxRate: '0.050' }] },
      rated,
      service,
    )!;
    expect([record.issRate, record.rates]).toEqual(['0.05', [{ taxName: 'ISS', taxRate: '0.05', servicesAmount: '10.00' }]]);
  });

  it('is off unless NFSE_DIR is set, and refuses a service code that is no LC 116 item', () => {
    expect(loadConfig({}).nfse).toBeNull();
    expect(() => loadConfig({ NFSE_DIR: 'x', NFSE_SERVICE_CODE: 'storage' })).toThrow(/NFSE_SERVICE_CODE/);
  });
});
