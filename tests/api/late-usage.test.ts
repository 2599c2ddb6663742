import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditInvoice } from '../../src/commands/invoice-audit.ts';
import { startTestApp } from '../support/app.ts';
import { accountWithWorkedExampleUsage, GIB, publishWorkedExamplePlan } from '../support/billing-fixtures.ts';
import { bearer } from '../support/api-requests.ts';

/**
 * Late usage through real billing runs: June (the worked example, 57.59) is issued; then 10 GiB
 * more egress for June arrives. July's invoice bills it as an adjustment line priced as in
 * June; August's sees it billed; the audit replays the adjustment; a replacement of a voided
 * June takes off what July already billed for it.
 */
type App = Awaited<ReturnType<typeof startTestApp>>;
let app: App;
let operator: string;
let accountId: string;
const ids: Record<string, { invoiceId: string; number: string }> = {};

beforeAll(async () => {
  app = await startTestApp();
  operator = await app.tokenFor({ kind: 'operator' });
  await publishWorkedExamplePlan(app);
  accountId = await accountWithWorkedExampleUsage(app, operator, 'late-co');
});
afterAll(async () => {
  await app.close();
});

async function bill(period: string) {
  const response = await app.api.inject({ method: 'POST', url: '/operator/billing-runs', headers: bearer(operator), payload: { period } });
  expect(response.statusCode, response.body).toBe(200);
  const outcome = response.json<{ outcomes: { accountId: string; outcome: string; invoiceId?: string; number?: string; total?: string; error?: string }[] }>().outcomes.find((o) => o.accountId === accountId)!;
  if (outcome.invoiceId && outcome.number) ids[period] = { invoiceId: outcome.invoiceId, number: outcome.number };
  await app.runner.catchUp();
  return outcome;
}
const lines = async (period: string, invoiceId = ids[period]!.invoiceId) => {
  const detail = await app.api.inject({ method: 'GET', url: `/accounts/${accountId}/invoices/${invoiceId}`, headers: bearer(operator) });
  expect(detail.statusCode, detail.body).toBe(200);
  const body = detail.json<{ lines: { kind: string; quantity: string; amount: string; adjusts?: { period: string; kind: string } }[]; subtotal: string; tax: string; total: string }>();
  return { ...body, summary: body.lines.map((l) => [l.kind, l.adjusts?.period ?? null, l.adjusts?.kind ?? null, l.quantity, l.amount]) };
};
async function lateJuneEgress(sampleKey: string, gib: bigint, start: string) {
  const stream = `usage-${accountId}:2026-06`;
  const bucketId = ((await app.infrastructure.eventStore.readStream(stream))[0]!.data as { bucketId: string }).bucketId;
  const data = { accountId, bucketId, contentDigest: 'x', sampleKey, windowStart: start, windowEnd: start.replace('T00:', 'T01:'), egressBytes: String(gib * GIB), ingressBytes: '0', requestsA: '0', requestsB: '0' };
  const metadata = { actor: 'test', correlationId: 'c', causationId: 'c', occurredAt: '2026-07-20T12:00:00.000Z' };
  await app.infrastructure.eventStore.append(stream, [{ eventId: randomUUID(), type: 'TrafficMeasured', data, metadata }], { expectedRevision: 'any' });
}

describe('late usage through billing runs', () => {
  it('June issued: 57.59 from usage stream revision 2', async () => {
    expect(await bill('2026-06')).toMatchObject({ outcome: 'issued', total: '57.59' });
  });

  it('10 GiB of June egress after issue: the July invoice carries an egress adjustment of 4.00 for 2026-06, at the June price', async () => {
    await lateJuneEgress('late-1', 10n, '2026-06-20T00:00:00-03:00');
    // July: the 200 GiB held since 16 June all July = 200 GiB-month × 0.15 = 30.00;
    // June again: egress 60 GiB × 0.40 = 24.00, billed 20.00 → 4.00. 34.00; tax 5% 1.70; total 35.70.
    expect(await bill('2026-07')).toMatchObject({ outcome: 'issued', total: '35.70' });
    const july = await lines('2026-07');
    expect(july.summary).toEqual([
      ['storage_gib_month', null, null, '200', '30.00'],
      ['adjustment', '2026-06', 'egress_gib', '10', '4.00'],
    ]);
    expect(july).toMatchObject({ subtotal: '34.00', tax: '1.70', total: '35.70' });
    const drafted = (await app.infrastructure.eventStore.readStream(`invoice-${accountId}:2026-07`)).find((e) => e.type === 'InvoiceDrafted')!.data as {
      inputs: { adjustedPeriods: { period: string; usageStream: string; usageStreamRevision: string; billedOn: { number: string }[] }[] };
    };
    expect(drafted.inputs.adjustedPeriods).toEqual([
      expect.objectContaining({ period: '2026-06', usageStream: `usage-${accountId}:2026-06`, usageStreamRevision: '3', billedOn: [expect.objectContaining({ number: ids['2026-06']!.number })] }),
    ]);
  });

  it('every issued invoice audits identical: June up to its own revision, July with its adjustment replayed', async () => {
    for (const period of ['2026-06', '2026-07']) {
      const audit = await auditInvoice(app.infrastructure.eventStore, accountId, period);
      expect(audit.identical, `${period}: ${JSON.stringify(audit.differences)}`).toBe(true);
    }
  });

  it('August sees the adjustment already billed: no June line (200 GiB: 30.00, total 31.50)', async () => {
    expect(await bill('2026-08')).toMatchObject({ outcome: 'issued', total: '31.50' });
    expect((await lines('2026-08')).summary).toEqual([['storage_gib_month', null, null, '200', '30.00']]);
  });

  it('a void of June and its replacement: the replacement bills June whole and takes off the 4.00 July billed', async () => {
    const voided = await app.api.inject({ method: 'POST', url: `/invoices/${ids['2026-06']!.invoiceId}/void`, headers: bearer(operator), payload: { reason: 'late egress' } });
    expect(voided.statusCode, voided.body).toBe(200);
    const voidedJune = ids['2026-06']!;
    // 22.50 + 24.00 + 12.35 − 4.00 = 54.85; tax 2.74; total 57.59: the late 10 GiB once, on July
    const replacement = await bill('2026-06');
    expect(replacement).toMatchObject({ outcome: 'issued', total: '57.59' });
    expect(replacement.number).not.toBe(voidedJune.number);
    expect((await lines('2026-06')).summary).toEqual([
      ['storage_gib_month', null, null, '150', '22.50'],
      ['egress_gib', null, null, '60', '24.00'],
      ['requests_a', null, null, '1234.567', '12.35'],
      ['adjustment', '2026-06', 'egress_gib', '-10', '-4.00'],
    ]);
    const audit = await auditInvoice(app.infrastructure.eventStore, accountId, '2026-06');
    expect(audit.identical, JSON.stringify(audit.differences)).toBe(true);
    // the voided number still audits against its own inputs (57.59 with 20.00 of egress)
    const old = await auditInvoice(app.infrastructure.eventStore, accountId, '2026-06', voidedJune.invoiceId);
    expect(old).toMatchObject({ identical: true, voided: true, number: voidedJune.number, invoiceId: voidedJune.invoiceId });
    expect(old.replayed.lines.map((l) => l.amount)).toEqual(['22.50', '20.00', '12.35']);
    const viaApi = await app.api.inject({ method: 'GET', url: `/invoices/${voidedJune.invoiceId}/audit`, headers: bearer(operator) });
    expect(viaApi.json()).toMatchObject({ identical: true, voided: true, invoiceId: voidedJune.invoiceId, number: voidedJune.number });

    // September: June is billed exactly once over the invoices in force; nothing more for it.
    expect(await bill('2026-09')).toMatchObject({ outcome: 'issued', total: '31.50' });
    expect((await lines('2026-09')).summary).toEqual([['storage_gib_month', null, null, '200', '30.00']]);
  });

  it('more late June egress after all that: October bills only the new 5 GiB (2.00)', async () => {
    await lateJuneEgress('late-2', 5n, '2026-06-25T00:00:00-03:00');
    expect(await bill('2026-10')).toMatchObject({ outcome: 'issued', total: '33.60' });
    expect((await lines('2026-10')).summary).toEqual([
      ['storage_gib_month', null, null, '200', '30.00'],
      ['adjustment', '2026-06', 'egress_gib', '5', '2.00'],
    ]);
    const audit = await auditInvoice(app.infrastructure.eventStore, accountId, '2026-10');
    expect(audit.identical, JSON.stringify(audit.differences)).toBe(true);
  });

  it('a late event changed behind the audit\'s back: the audit names the adjustment line', async () => {
    await sql`UPDATE es_events SET data = jsonb_set(data, '{egressBytes}', to_jsonb(${String(20n * GIB)}::text))
              WHERE stream_name = ${`usage-${accountId}:2026-06`} AND data->>'sampleKey' = 'late-1'`.execute(app.infrastructure.readModels);
    const audit = await auditInvoice(app.infrastructure.eventStore, accountId, '2026-07');
    expect(audit.identical).toBe(false);
    // June egress would be 70 GiB = 28.00, billed 20.00: 8.00 instead of 4.00
    expect(audit.differences.find((d) => d.line === 2 && d.field === 'amount')).toMatchObject({ kind: 'adjustment', issued: '4.00', replayed: '8.00' });
    expect(audit.differences.find((d) => d.line === null && d.field === 'total')).toMatchObject({ issued: '35.70' });
  });
});
