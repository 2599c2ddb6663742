import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkQuotaThresholds } from '../../src/commands/quota-thresholds.ts';
import { quotaThresholdDeps } from '../../src/composition/jobs.ts';
import { bearer } from '../support/api-requests.ts';
import { startClockedApp, type ClockedApp } from '../support/clocked-app.ts';

/**
 * A withdrawn storage sample that was its bucket's latest is counted by no reader. The account
 * (São Paulo, default quota 100 GiB) has two buckets:
 * - `wl-photos`: 50 GiB on Nov 20, then 90 GiB on Nov 21 sent by mistake (`p-2`);
 * - `wl-logs`: 32 GiB on Oct 15 (October's period), then 40 GiB on Nov 21 sent by mistake (`l-2`),
 *   November's only sample of that bucket.
 * With the mistakes the account stores 90 + 40 = 130 GiB: 100% of its quota. Both withdrawn, it
 * stores 50 + 32 = 82 GiB: 80% (50 from the photos' earlier November sample, found by folding
 * November's stream; 32 from October's row, November's having none left). A later photos sample
 * of 68 GiB on Nov 22 holds again: 68 + 32 = 100 GiB, 100%. December carries in 68 + 32 = 100 GiB
 * (not 68 + 40): by mid-December (15.5 of 31 days) that is 50 GiB-month.
 */
let app: ClockedApp;
let operator: string;
let accountId: string;
const GIB = 2n ** 30n;
const context = () => ({ actor: 'test', correlationId: 'c', causationId: 'c', occurredAt: app.clock().toISOString() });

async function send(samples: { sampleKey: string; bucket: string; gib: bigint; at: string }[]) {
  const response = await app.api.inject({
    method: 'POST',
    url: '/usage',
    headers: bearer(operator),
    payload: { samples: samples.map((s) => ({ kind: 'storage', sampleKey: s.sampleKey, bucket: s.bucket, bytes: (s.gib * GIB).toString(), at: s.at })) },
  });
  expect(response.statusCode, response.body).toBe(200);
  await app.runner.catchUp();
}

async function withdraw(period: string, sampleKeys: string[]) {
  const response = await app.api.inject({ method: 'POST', url: '/usage/corrections', headers: bearer(operator), payload: { accountId, period, sampleKeys, reason: 'collector misread the bucket' } });
  expect(response.statusCode, response.body).toBe(201);
  await app.runner.catchUp();
}

const checkQuota = () => checkQuotaThresholds(quotaThresholdDeps(app.infrastructure, 100), app.clock(), context());

async function novemberRows() {
  return app.infrastructure.readModels
    .selectFrom('usage_totals')
    .innerJoin('buckets', 'buckets.bucket_id', 'usage_totals.bucket_id')
    .select(['buckets.name', 'usage_totals.storage_bytes'])
    .select([sql<string | null>`usage_totals.storage_at::text`.as('storage_at'), sql<string | null>`usage_totals.storage_latest_withdrawn_at::text`.as('withdrawn_at')])
    .where('usage_totals.account_id', '=', accountId)
    .where('usage_totals.period', '=', '2026-11')
    .orderBy('buckets.name')
    .execute();
}

beforeAll(async () => {
  app = await startClockedApp('2026-11-21T20:00:00Z');
  operator = await app.tokenFor({ kind: 'operator' });
  const opened = await app.api.inject({
    method: 'POST',
    url: '/accounts',
    headers: bearer(operator),
    payload: { name: 'Withdrawn Latest', slug: 'withdrawn-latest', billingEmail: 'billing@withdrawn-latest.com.br', document: '529.982.247-25', locale: 'en' },
  });
  expect(opened.statusCode, opened.body).toBe(201);
  accountId = opened.json<{ accountId: string }>().accountId;
  for (const name of ['wl-photos', 'wl-logs']) {
    const bucket = await app.api.inject({ method: 'POST', url: `/accounts/${accountId}/buckets`, headers: bearer(operator), payload: { name } });
    expect(bucket.statusCode, bucket.body).toBe(201);
  }
  await send([
    { sampleKey: 'l-1', bucket: 'wl-logs', gib: 32n, at: '2026-10-15T10:00:00Z' },
    { sampleKey: 'p-1', bucket: 'wl-photos', gib: 50n, at: '2026-11-20T10:00:00Z' },
    { sampleKey: 'p-2', bucket: 'wl-photos', gib: 90n, at: '2026-11-21T10:00:00Z' },
    { sampleKey: 'l-2', bucket: 'wl-logs', gib: 40n, at: '2026-11-21T11:00:00Z' },
  ]);
});
afterAll(async () => {
  await app?.close();
});

describe('a withdrawn latest storage sample', () => {
  it('leaves the rows of its period without a latest, and says when it was', async () => {
    await withdraw('2026-11', ['p-2', 'l-2']);
    expect(await novemberRows()).toEqual([
      { name: 'wl-logs', storage_bytes: null, storage_at: null, withdrawn_at: '2026-11-21 11:00:00+00' },
      { name: 'wl-photos', storage_bytes: null, storage_at: null, withdrawn_at: '2026-11-21 10:00:00+00' },
    ]);
  });

  it('the quota job counts the samples before them: 82 GiB, 80% (not 130 GiB, 100%), and tells the account', async () => {
    const summary = await checkQuota();
    expect(summary.failed).toEqual([]);
    expect(summary.reached).toEqual([{ accountId, thresholdPercent: 80, usedBytes: (82n * GIB).toString(), quotaBytes: (100n * GIB).toString() }]);
    await app.runner.catchUp();
    const owner = await app.tokenFor({ kind: 'account', accountId, role: 'owner' });
    const listed = await app.api.inject({ method: 'GET', url: `/accounts/${accountId}/notifications`, headers: bearer(owner) });
    expect(listed.statusCode, listed.body).toBe(200);
    expect(listed.json<{ items: { kind: string; body: string }[] }>().items.map((n) => [n.kind, n.body])).toEqual([
      ['quota_80_percent', 'You are using 82.00 GiB of 100.00 GiB (82%).'],
    ]);
  });

  it('a later sample is the latest again and is counted: 68 + 32 = 100 GiB, 100%', async () => {
    app.setClock('2026-11-22T20:00:00Z');
    await send([{ sampleKey: 'p-3', bucket: 'wl-photos', gib: 68n, at: '2026-11-22T10:00:00Z' }]);
    expect(await novemberRows()).toEqual([
      { name: 'wl-logs', storage_bytes: null, storage_at: null, withdrawn_at: '2026-11-21 11:00:00+00' },
      { name: 'wl-photos', storage_bytes: (68n * GIB).toString(), storage_at: '2026-11-22 10:00:00+00', withdrawn_at: null },
    ]);
    const summary = await checkQuota();
    expect(summary.reached).toEqual([{ accountId, thresholdPercent: 100, usedBytes: (100n * GIB).toString(), quotaBytes: (100n * GIB).toString() }]);
  });

  it("December's estimate carries in 100 GiB, not the withdrawn 40 GiB of logs: 50 GiB-month by mid-December", async () => {
    // December opens at 2026-12-01T03:00Z in São Paulo and lasts 31 days: 15.5 days in, half of it
    app.setClock('2026-12-16T15:00:00Z');
    const usage = await app.api.inject({ method: 'GET', url: `/accounts/${accountId}/usage`, headers: bearer(operator) });
    expect(usage.statusCode, usage.body).toBe(200);
    expect(usage.json()).toMatchObject({ period: '2026-12', periodStart: '2026-12-01T03:00:00.000Z', asOf: '2026-12-16T15:00:00.000Z', storageGibMonthsToDate: '50.000000' });
  });
});
