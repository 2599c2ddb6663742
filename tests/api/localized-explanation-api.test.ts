import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../support/app.ts';
import { bearer, openTestAccount } from '../support/api-requests.ts';
import { GIB, publishWorkedExamplePlan } from '../support/billing-fixtures.ts';
import { eventToAppend } from '../support/events.ts';

/**
 * The explanation in the account's language and zone, buckets by name, quantities to three
 * decimals; the engine's exact working beside it. The worked example in São Paulo, June 2026:
 * bucket "fotos-2026" holds 100 GiB from the 1st and 200 GiB from the 16th: 150 GiB-month × 0.15
 * = 22.50; 50 GiB egress × 0.40 = 20.00; 1,234,567 class A requests = 1,234.567 thousand × 0.01
 * = 12.35; subtotal 54.85, ISS 5 % 2.74, total 57.59.
 */
type App = Awaited<ReturnType<typeof startTestApp>>;
let app: App;
let operator: string;

const event = (type: string, data: unknown) => eventToAppend(type, data);

async function billedAccount(slug: string, locale: 'pt-BR' | 'en') {
  const { accountId } = await openTestAccount(app, operator, slug, { locale });
  const bucket = await app.api.inject({ method: 'POST', url: `/accounts/${accountId}/buckets`, headers: bearer(operator), payload: { name: `fotos-${slug}` } });
  expect(bucket.statusCode, bucket.body).toBe(201);
  const { bucketId } = bucket.json<{ bucketId: string }>();
  const store = app.infrastructure.eventStore;
  await store.append(`subscription-${accountId}`, [event('SubscriptionChanged', { accountId, planId: 'storage-basic', effectiveAt: '2026-05-01T00:00:00-03:00', changedAt: '2026-05-01T00:00:00-03:00', previousPlanId: null })], {
    expectedRevision: 'no_stream',
  });
  const usage = (type: string, data: Record<string, string>) => event(type, { accountId, bucketId, contentDigest: 'x', ...data });
  await store.append(
    `usage-${accountId}:2026-06`,
    [
      usage('StorageMeasured', { sampleKey: 's1', bytes: String(100n * GIB), at: '2026-06-01T00:00:00-03:00' }),
      usage('StorageMeasured', { sampleKey: 's2', bytes: String(200n * GIB), at: '2026-06-16T00:00:00-03:00' }),
      usage('TrafficMeasured', { sampleKey: 't1', windowStart: '2026-06-10T00:00:00-03:00', windowEnd: '2026-06-10T01:00:00-03:00', egressBytes: String(50n * GIB), ingressBytes: '0', requestsA: '1234567', requestsB: '0' }),
    ],
    { expectedRevision: 'no_stream' },
  );
  const run = await app.api.inject({ method: 'POST', url: '/operator/billing-runs', headers: bearer(operator), payload: { period: '2026-06' } });
  const { invoiceId, number } = run.json<{ outcomes: { accountId: string; invoiceId: string; number: string }[] }>().outcomes.find((o) => o.accountId === accountId)!;
  await app.runner.catchUp();
  const explained = await app.api.inject({ method: 'GET', url: `/accounts/${accountId}/invoices/${invoiceId}/explanation`, headers: bearer(operator) });
  expect(explained.statusCode, explained.body).toBe(200);
  return { number, explanation: explained.json<{ locale: string; header: string[]; lines: { kind: string; explanation: string }[]; totals: string; exact: { lines: { explanation: string }[]; totals: string } }>() };
}

beforeAll(async () => {
  app = await startTestApp();
  operator = await app.tokenFor({ kind: 'operator' });
  await publishWorkedExamplePlan(app);
});
afterAll(async () => {
  await app.close();
});

describe("an invoice's explanation", () => {
  it("is in pt-BR for a pt-BR account: local times, the bucket by name, quantities to 3 decimals, amounts as billed", async () => {
    const { number, explanation } = await billedAccount('expl-pt', 'pt-BR');
    expect(explanation.locale).toBe('pt-BR');
    expect(explanation.header[0]).toBe(`Fatura ${number}. Período de junho de 2026: de 01/06/2026 00:00 a 01/07/2026 00:00 (horário de America/Sao_Paulo).`);
    const [storage, egress, requests] = explanation.lines.map((l) => l.explanation);
    expect(storage).toBe(
      'Armazenamento, de 01/06/2026 00:00 a 01/07/2026 00:00: 150 GiB-mês: 150 GiB-mês × R$ 0,15: ' +
        'bucket fotos-expl-pt: 150 GiB-mês (100 GiB de 01/06/2026 00:00 a 16/06/2026 00:00, 200 GiB de 16/06/2026 00:00 a 01/07/2026 00:00) = R$ 22,50.',
    );
    expect(egress).toBe('Tráfego de saída, de 01/06/2026 00:00 a 01/07/2026 00:00: 50 GiB: 50 GiB × R$ 0,40 = R$ 20,00.');
    expect(requests).toContain('1.234,567 mil requisições × R$ 0,01 = R$ 12,35.');
    expect(explanation.totals).toBe('Subtotal R$ 54,85; impostos (ISS) R$ 2,74; crédito aplicado R$ 0,00; total R$ 57,59.');
    // the engine's working, every digit, stays beside it
    expect(explanation.exact.totals).toBe('Subtotal 54.85; tax 2.74; credit applied 0.00; total 57.59 BRL.');
    expect(explanation.exact.lines[2]!.explanation).toContain('1,234,567');
  });

  it('is in English for an English account, with the same figures', async () => {
    const { number, explanation } = await billedAccount('expl-en', 'en');
    expect(explanation.locale).toBe('en');
    expect(explanation.header[0]).toBe(`Invoice ${number}. Period June 2026: from Jun 1, 2026, 12:00 AM to Jul 1, 2026, 12:00 AM (America/Sao_Paulo time).`);
    expect(explanation.lines[0]!.explanation).toContain('bucket fotos-expl-en: 150 GiB-month (100 GiB from Jun 1, 2026, 12:00 AM to Jun 16, 2026, 12:00 AM');
    expect(explanation.lines[2]!.explanation).toContain('1,234.567 thousand requests × BRL 0.01 = BRL 12.35.');
    expect(explanation.totals).toBe('Subtotal BRL 54.85; tax (ISS) BRL 2.74; credit applied BRL 0.00; total BRL 57.59.');
  });
});
