import { randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { issueApiToken } from '../../src/commands/api-token-commands.ts';
import { loadConfig } from '../../src/config.ts';
import { compose, type Application } from '../../src/main.ts';
import { testContext } from '../support/app.ts';
import { accountWithWorkedExampleUsage, GIB, publishWorkedExamplePlan } from '../support/billing-fixtures.ts';
import { createTestDatabase } from '../support/database.ts';
import { bearer } from '../support/api-requests.ts';
import { runOps } from '../support/ops-cli.ts';

// Each test starts the ops CLI as several processes (tsx compiles on every start): on a
// busy two-core machine one such test can take over a minute.
vi.setConfig({ testTimeout: 180_000 });

/**
 * ops audit-invoice and explain-invoice on a voided invoice's number (audited against its own
 * draft and inputs from the stream's history, not the replacement's), and on an invoice
 * carrying a late-usage adjustment (replayed exactly; a changed late sample is named).
 */
const platformKey = randomBytes(32).toString('base64');
let databaseUrl: string;
let app: Application;
let token: string;

const ops = (...args: string[]) => runOps({ ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent', PLATFORM_KEY: platformKey }, ...args);

const call = (method: 'POST', url: string, payload: unknown) => app.api.inject({ method, url, headers: bearer(token), payload: payload as Record<string, unknown> });
async function bill(period: string, accountId: string) {
  const response = await call('POST', '/operator/billing-runs', { period });
  expect(response.statusCode, response.body).toBe(200);
  await app.runner.catchUp();
  return response.json<{ outcomes: { accountId: string; outcome: string; invoiceId: string; number: string; total: string }[] }>().outcomes.find((o) => o.accountId === accountId)!;
}
async function lateJuneEgress(accountId: string, sampleKey: string, gib: bigint) {
  const stream = `usage-${accountId}:2026-06`;
  const bucketId = ((await app.infrastructure.eventStore.readStream(stream))[0]!.data as { bucketId: string }).bucketId;
  const data = { accountId, bucketId, contentDigest: 'x', sampleKey, windowStart: '2026-06-20T00:00:00-03:00', windowEnd: '2026-06-20T01:00:00-03:00', egressBytes: String(gib * GIB), ingressBytes: '0', requestsA: '0', requestsB: '0' };
  await app.infrastructure.eventStore.append(stream, [{ eventId: randomUUID(), type: 'TrafficMeasured', data, metadata: { actor: 'test', correlationId: 'c', causationId: 'c', occurredAt: '2026-07-20T12:00:00.000Z' } }], {
    expectedRevision: 'any',
  });
}

beforeAll(async () => {
  databaseUrl = await createTestDatabase('auditvoid');
  app = await compose(loadConfig({ DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent', PLATFORM_KEY: platformKey }), { httpLogs: false });
  ({ token } = await issueApiToken(app.infrastructure.eventStore, { name: 'ops', scope: { kind: 'operator' } }, testContext()));
  await publishWorkedExamplePlan(app);
});
afterAll(async () => {
  await app.close();
});

describe('ops audit-invoice and explain-invoice, voided and adjusted invoices', () => {
  it("a voided invoice's number is audited against its own inputs and lines (exit 0), its replacement against its own", async () => {
    const accountId = await accountWithWorkedExampleUsage(app, token, 'voided-cli');
    const first = await bill('2026-06', accountId);
    expect(first).toMatchObject({ outcome: 'issued', total: '57.59' });
    // late June egress arrives, the invoice is voided, and the replacement bills June whole:
    // 22.50 + 60 GiB × 0.40 = 24.00 + 12.35 = 58.85; tax 2.94; total 61.79
    await lateJuneEgress(accountId, 'late-v', 10n);
    expect((await call('POST', `/invoices/${first.invoiceId}/void`, { reason: 'late egress' })).statusCode).toBe(200);
    const replacement = await bill('2026-06', accountId);
    expect(replacement).toMatchObject({ outcome: 'issued', total: '61.79' });

    const voided = await ops('audit-invoice', first.number);
    expect(voided.code, voided.stdout + voided.stderr).toBe(0);
    expect(voided.stdout).toContain(`${first.number} (voided): identical. Replaying its inputs gives the same 3 lines and total 57.59 BRL`);
    const current = await ops('audit-invoice', replacement.number);
    expect(current.code, current.stdout + current.stderr).toBe(0);
    expect(current.stdout).toContain(`${replacement.number}: identical. Replaying its inputs gives the same 3 lines and total 61.79 BRL`);

    const explained = await ops('explain-invoice', first.number);
    expect(explained.code, explained.stderr).toBe(0);
    expect(explained.stdout).toContain(`Invoice ${first.number} (voided)`);
    expect(explained.stdout).toContain('up to revision 2');
    expect(explained.stdout).toContain('2. egress_gib: 20.00 BRL');
    expect(explained.stdout).toContain('total 57.59 BRL');
  });

  it('an invoice with a late-usage adjustment audits identical (exit 0), and 1 naming the adjustment line once the late sample is changed', async () => {
    const accountId = await accountWithWorkedExampleUsage(app, token, 'adjusted-cli');
    expect(await bill('2026-06', accountId)).toMatchObject({ outcome: 'issued' });
    await lateJuneEgress(accountId, 'late-a', 10n);
    const july = await bill('2026-07', accountId);
    expect(july).toMatchObject({ outcome: 'issued', total: '35.70' });

    const clean = await ops('audit-invoice', july.number);
    expect(clean.code, clean.stdout + clean.stderr).toBe(0);
    expect(clean.stdout).toContain('identical');
    const explained = await ops('explain-invoice', july.number);
    expect(explained.stdout).toContain(`Late usage of 2026-06: rated again from usage-${accountId}:2026-06 up to revision 3`);
    expect(explained.stdout).toContain('2. adjustment: 4.00 BRL');

    await sql`UPDATE es_events SET data = jsonb_set(data, '{egressBytes}', to_jsonb(${String(20n * GIB)}::text))
              WHERE stream_name = ${`usage-${accountId}:2026-06`} AND data->>'sampleKey' = 'late-a'`.execute(app.infrastructure.readModels);
    const tampered = await ops('audit-invoice', july.number);
    expect(tampered.code).toBe(1);
    expect(tampered.stdout).toContain('DIFFERS');
    expect(tampered.stdout).toMatch(/2\s+│\s+'adjustment'\s+│\s+'amount'\s+│\s+'4\.00'\s+│\s+'8\.00'/);
  });
});
