import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditInvoice } from '../../src/commands/invoice-audit.ts';
import { startTestApp } from '../support/app.ts';
import { bearer } from '../support/api-requests.ts';
import { accountWithWorkedExampleUsage, GIB, publishWorkedExamplePlan } from '../support/billing-fixtures.ts';

/**
 * Withdrawing samples sent by mistake, through HTTP and real billing runs. June is the worked
 * example plus a wrongly sent 10 GiB of egress (`wrong-egress`): 22.50 + 60 GiB × 0.40 = 24.00 +
 * 12.35 = 58.85; tax 5% 2.9425 → 2.94; total 61.79. The sample is withdrawn after June is issued:
 * July carries June's egress again at 50 GiB = 20.00, billed 24.00 → an adjustment of −4.00.
 */
type App = Awaited<ReturnType<typeof startTestApp>>;
let app: App;
let operator: string;
let metering: string;
let accountId: string;
const usageStream = () => `usage-${accountId}:2026-06`;

beforeAll(async () => {
  app = await startTestApp();
  operator = await app.tokenFor({ kind: 'operator' });
  metering = await app.tokenFor({ kind: 'metering' });
  await publishWorkedExamplePlan(app);
  accountId = await accountWithWorkedExampleUsage(app, operator, 'withdraw-co');
  const bucketId = ((await app.infrastructure.eventStore.readStream(usageStream()))[0]!.data as { bucketId: string }).bucketId;
  const data = {
    accountId,
    bucketId,
    contentDigest: 'x',
    sampleKey: 'wrong-egress',
    windowStart: '2026-06-20T00:00:00-03:00',
    windowEnd: '2026-06-20T01:00:00-03:00',
    egressBytes: String(10n * GIB),
    ingressBytes: '0',
    requestsA: '0',
    requestsB: '0',
  };
  const metadata = { actor: 'test', correlationId: 'c', causationId: 'c', occurredAt: '2026-06-20T12:00:00.000Z' };
  await app.infrastructure.eventStore.append(usageStream(), [{ eventId: randomUUID(), type: 'TrafficMeasured', data, metadata }], { expectedRevision: 'any' });
  await app.runner.catchUp();
});
afterAll(async () => {
  await app.close();
});

async function bill(period: string) {
  const response = await app.api.inject({ method: 'POST', url: '/operator/billing-runs', headers: bearer(operator), payload: { period } });
  expect(response.statusCode, response.body).toBe(200);
  await app.runner.catchUp();
  return response.json<{ outcomes: { accountId: string; outcome: string; invoiceId: string; total: string }[] }>().outcomes.find((o) => o.accountId === accountId)!;
}
const withdraw = (body: Record<string, unknown>, token = metering) => app.api.inject({ method: 'POST', url: '/usage/corrections', headers: bearer(token), payload: body });
const streamLength = async () => (await app.infrastructure.eventStore.readStream(usageStream())).length;

describe('withdrawing samples', () => {
  it('June is issued with the wrong sample: 61.79', async () => {
    expect(await bill('2026-06')).toMatchObject({ outcome: 'issued', total: '61.79' });
  });

  it('refuses unknown keys naming each, bad fields, and an unknown account; nothing is recorded', async () => {
    const before = await streamLength();
    const unknown = await withdraw({ accountId, period: '2026-06', sampleKeys: ['wrong-egress', 'no-such-key', 's9'], reason: 'collector bug' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json()).toMatchObject({ code: 'unknown_sample_keys' });
    expect(unknown.json<{ errors: { path: string; message: string }[] }>().errors).toEqual([
      { path: 'body.sampleKeys[1]', message: `"no-such-key" is not a sample of ${usageStream()}` },
      { path: 'body.sampleKeys[2]', message: `"s9" is not a sample of ${usageStream()}` },
    ]);
    // a sample of another period is not one of this period's
    const otherPeriod = await withdraw({ accountId, period: '2026-07', sampleKeys: ['wrong-egress'], reason: 'collector bug' });
    expect(otherPeriod.statusCode).toBe(400);
    const bad = await withdraw({ accountId, period: '2026-13', sampleKeys: [], reason: '' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ errors: { path: string }[] }>().errors.map((e) => e.path).sort()).toEqual(['body.period', 'body.reason', 'body.sampleKeys']);
    const nobody = await withdraw({ accountId: randomUUID(), period: '2026-06', sampleKeys: ['wrong-egress'], reason: 'collector bug' });
    expect(nobody.statusCode).toBe(404);
    expect(await streamLength()).toBe(before);
  });

  it('is for whoever may send usage: an account token may not', async () => {
    const owner = await app.tokenFor({ kind: 'account', accountId, role: 'owner' });
    const refused = await withdraw({ accountId, period: '2026-06', sampleKeys: ['wrong-egress'], reason: 'collector bug' }, owner);
    expect(refused.statusCode).toBe(403);
  });

  it('withdraws the sample as its own event; the period usage leaves it out; again records nothing', async () => {
    const before = await streamLength();
    const response = await withdraw({ accountId, period: '2026-06', sampleKeys: ['wrong-egress', 'wrong-egress'], reason: 'collector sent a test window' });
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json()).toMatchObject({
      accountId,
      period: '2026-06',
      withdrawn: [{ kind: 'traffic', sampleKey: 'wrong-egress', egressBytes: String(10n * GIB) }],
      alreadyWithdrawn: [],
      reason: 'collector sent a test window',
    });
    const recorded = await app.infrastructure.eventStore.readStream(usageStream());
    expect(recorded.length).toBe(before + 1);
    expect(recorded.at(-1)!.type).toBe('SamplesWithdrawn');

    const again = await withdraw({ accountId, period: '2026-06', sampleKeys: ['wrong-egress'], reason: 'collector sent a test window' });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ withdrawn: [], alreadyWithdrawn: ['wrong-egress'] });
    expect(await streamLength()).toBe(before + 1);

    await app.runner.catchUp();
    const usage = await app.api.inject({ method: 'GET', url: `/accounts/${accountId}/usage?period=2026-06`, headers: bearer(operator) });
    expect(usage.statusCode, usage.body).toBe(200);
    expect(usage.json<{ egressGib: string }>().egressGib).toMatch(/^50(\.0+)?$/);
  });

  it('July carries the withdrawal as an egress adjustment of −4.00 for June: 30.00 − 4.00 = 26.00; tax 1.30; total 27.30', async () => {
    const july = await bill('2026-07');
    expect(july).toMatchObject({ outcome: 'issued', total: '27.30' });
    const detail = await app.api.inject({ method: 'GET', url: `/accounts/${accountId}/invoices/${july.invoiceId}`, headers: bearer(operator) });
    const body = detail.json<{ lines: { kind: string; quantity: string; amount: string; adjusts?: { period: string; kind: string } }[]; subtotal: string; tax: string }>();
    expect(body.lines.map((l) => [l.kind, l.adjusts?.period ?? null, l.adjusts?.kind ?? null, l.quantity, l.amount])).toEqual([
      ['storage_gib_month', null, null, '200', '30.00'],
      ['adjustment', '2026-06', 'egress_gib', '-10', '-4.00'],
    ]);
    expect(body).toMatchObject({ subtotal: '26.00', tax: '1.30' });
  });

  it('every invoice audits identical: June from before the withdrawal, July replaying it', async () => {
    for (const period of ['2026-06', '2026-07']) {
      const audit = await auditInvoice(app.infrastructure.eventStore, accountId, period);
      expect(audit.identical, `${period}: ${JSON.stringify(audit.differences)}`).toBe(true);
    }
  });

  it('August carries no June line: the withdrawal is billed once', async () => {
    const august = await bill('2026-08');
    expect(august).toMatchObject({ outcome: 'issued', total: '31.50' });
  });
});
