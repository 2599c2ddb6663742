import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../support/app.ts';
import { bearer } from '../support/api-requests.ts';

type App = Awaited<ReturnType<typeof startTestApp>>;
let app: App;
let operator: string;
let metering: string;
let accountId: string;
let bucketId: string;
let accountToken: string;

const postUsage = (token: string, samples: unknown) => app.api.inject({ method: 'POST', url: '/usage', headers: bearer(token), payload: { samples } });
const storage = (sampleKey: string, bytes: string, at: string, bucket = 'usage-api-photos') => ({ kind: 'storage', sampleKey, bucket, bytes, at });
const traffic = (sampleKey: string, windowStart: string, windowEnd: string, egressBytes: string) => ({
  kind: 'traffic',
  sampleKey,
  bucket: 'usage-api-photos',
  windowStart,
  windowEnd,
  egressBytes,
  ingressBytes: '7',
  requestsA: '1000',
  requestsB: '0',
});

beforeAll(async () => {
  app = await startTestApp();
  operator = await app.tokenFor({ kind: 'operator' });
  metering = await app.tokenFor({ kind: 'metering' });
  const opened = await app.api.inject({
    method: 'POST',
    url: '/accounts',
    headers: bearer(operator),
    payload: { name: 'Usage Ltda', slug: 'usage-api', billingEmail: 'billing@usage-api.com.br', document: '529.982.247-25' },
  });
  expect(opened.statusCode, opened.body).toBe(201);
  accountId = opened.json<{ accountId: string }>().accountId;
  accountToken = await app.tokenFor({ kind: 'account', accountId, role: 'owner' });
  const bucket = await app.api.inject({ method: 'POST', url: `/accounts/${accountId}/buckets`, headers: bearer(accountToken), payload: { name: 'usage-api-photos' } });
  expect(bucket.statusCode, bucket.body).toBe(201);
  bucketId = bucket.json<{ bucketId: string }>().bucketId;
});
afterAll(async () => {
  await app.close();
});

describe('POST /usage', () => {
  it('records a batch for a metering token, and answers a re-send as duplicates', async () => {
    const batch = [
      storage('api-s1', '107374182400', '2026-06-30T23:30:00-03:00'),
      storage('api-s2', '214748364800', '2026-07-01T00:30:00-03:00'),
      traffic('api-t1', '2026-06-15T10:00:00-03:00', '2026-06-15T11:00:00-03:00', '1073741824'),
      traffic('api-t2', '2026-06-15T11:00:00-03:00', '2026-06-15T12:00:00-03:00', '2147483648'),
    ];
    const response = await postUsage(metering, batch);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual({ accepted: 4, duplicates: 0, recorded: 4 });
    const again = await postUsage(operator, batch);
    expect(again.json()).toEqual({ accepted: 0, duplicates: 4, recorded: 0 });
    const june = await app.infrastructure.eventStore.readStream(`usage-${accountId}:2026-06`);
    expect(june.map((e) => (e.data as { sampleKey: string }).sampleKey)).toEqual(['api-s1', 'api-t1', 'api-t2']);
    expect(june.every((e) => e.metadata.actor.startsWith('token:'))).toBe(true);

    // the portal's totals: sums of transfer and requests, the latest storage sample
    await app.runner.catchUp(['usage-totals']);
    const rows = await app.infrastructure.readModels.selectFrom('usage_totals').selectAll().where('account_id', '=', accountId).orderBy('period').execute();
    expect(rows.map((r) => [r.period, r.bucket_id, r.egress_bytes, r.ingress_bytes, r.requests_a, r.requests_b, r.traffic_windows, r.storage_bytes])).toEqual([
      // 1 GiB + 2 GiB of egress, 7 + 7 bytes in, 1,000 + 1,000 class A
      ['2026-06', bucketId, '3221225472', '14', '2000', '0', 2, '107374182400'],
      ['2026-07', bucketId, '0', '0', '0', '0', 0, '214748364800'],
    ]);
  });

  it('refuses a sample dated more than the allowed skew (5 minutes) ahead of the service clock, and records nothing of the batch', async () => {
    const now = Date.now();
    const response = await postUsage(metering, [
      storage('future-0', '1', new Date(now - 3_600_000).toISOString()),
      storage('future-1', '1', new Date(now + 3_600_000).toISOString()),
      storage('future-2', '1', '2030-01-01T00:00:00Z'),
    ]);
    expect(response.statusCode, response.body).toBe(400);
    const problem = response.json<{ code: string; errors: { path: string; message: string }[] }>();
    expect(problem.errors.map((e) => e.path)).toEqual(['body.samples[1].at', 'body.samples[2].at']);
    expect(problem.errors[0]!.message).toMatch(/^must not be later than .* \(the service's clock plus the allowed skew\)/);
    const all = await app.infrastructure.eventStore.readAll({ maxCount: 100_000 });
    expect(all.filter((e) => (e.data as { sampleKey?: string }).sampleKey?.startsWith('future-'))).toEqual([]);
    // within the skew: a collector whose clock runs a minute fast is believed
    const ahead = await postUsage(metering, [storage('future-3', '1', new Date(Date.now() + 60_000).toISOString())]);
    expect(ahead.json()).toEqual({ accepted: 1, duplicates: 0, recorded: 1 });
  });

  it('refuses a batch with bad items, listing every one with its index and field, and records nothing', async () => {
    const response = await postUsage(metering, [
      storage('bad-0', '1', '2026-06-01T00:00:00Z'),
      storage('bad-1', '1.5', '2026-06-01T00:00:00Z'),
      storage('bad-2', '1', '2026-06-01T00:00:00Z', 'nobody-has-this-bucket'),
      traffic('bad-3', '2026-06-01T01:00:00Z', '2026-06-01T00:00:00Z', '-4'),
    ]);
    expect(response.statusCode).toBe(400);
    const problem = response.json<{ code: string; errors: { path: string; message: string }[] }>();
    expect(problem.code).toBe('validation_failed');
    expect(problem.errors.map((e) => e.path)).toEqual(['body.samples[1].bytes', 'body.samples[2].bucket', 'body.samples[3].windowEnd', 'body.samples[3].egressBytes']);
    expect(problem.errors[1]!.message).toBe('no such bucket');
    const all = await app.infrastructure.eventStore.readAll({ maxCount: 100_000 });
    expect(all.filter((e) => (e.data as { sampleKey?: string }).sampleKey === 'bad-0')).toEqual([]);
  });

  it('answers a conflicting re-send with 409 sample_conflict naming the item', async () => {
    const response = await postUsage(metering, [storage('api-new', '1', '2026-06-20T00:00:00Z'), storage('api-s1', '1', '2026-06-30T23:30:00-03:00')]);
    expect(response.statusCode).toBe(409);
    const problem = response.json<{ code: string; detail: string }>();
    expect(problem.code).toBe('sample_conflict');
    expect(problem.detail).toContain('samples[1] (sampleKey "api-s1")');
    const june = await app.infrastructure.eventStore.readStream(`usage-${accountId}:2026-06`);
    expect(june.map((e) => (e.data as { sampleKey: string }).sampleKey)).not.toContain('api-new');
  });

  it('is for operators and metering tokens only, and takes at most 1,000 samples', async () => {
    const forbidden = await postUsage(accountToken, [storage('x', '1', '2026-06-01T00:00:00Z')]);
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json<{ code: string }>().code).toBe('operator_only');
    expect((await postUsage('cpl_nope_nope', [])).statusCode).toBe(401);
    const tooMany = await postUsage(metering, Array.from({ length: 1001 }, (_, i) => storage(`many-${i}`, '1', '2026-06-01T00:00:00Z')));
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json<{ errors: { path: string }[] }>().errors).toEqual([{ path: 'body.samples', message: 'must hold 1 to 1000 samples (has 1001)' }]);
  });

  it('is described in the OpenAPI document', async () => {
    const doc = (await app.api.inject({ method: 'GET', url: '/docs' })).json<{ paths: Record<string, Record<string, { 'x-access': string }>> }>();
    expect(doc.paths['/usage']!.post!['x-access']).toBe('metering');
  });
});
