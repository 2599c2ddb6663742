import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MinioAdmin } from '../../src/adapters/minio/minio-admin.ts';
import { createBucketCommands } from '../../src/commands/bucket-commands.ts';
import { collectMinioMetrics } from '../../src/commands/metering-collectors.ts';
import type { TrafficMeasured, StorageMeasured } from '../../src/domain/usage/usage-events.ts';
import { startMinioAdminStandIn } from '../adapters/minio/support/minio-admin-stand-in.ts';
import { startTestApp, testContext } from '../support/app.ts';
import { unusedPort } from '../support/smtp-test-server.ts';

/**
 * The MinIO metrics collector end to end: the real admin adapter reads Prometheus text from
 * the stand-in, the collector feeds the real ingestion path, and the usage stream shows what
 * was recorded. Figures below are worked out by hand from the metrics written in each step.
 */
type App = Awaited<ReturnType<typeof startTestApp>>;
const ADMIN = { accessKey: 'minio-root', secretKey: 'minio-root-secret-key', region: 'us-east-1' };
const served = { ...ADMIN, metricsAuth: 'jwt' as const, metrics: '' };
let app: App;
let minio: Awaited<ReturnType<typeof startMinioAdminStandIn>>;
let accountId: string;
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

function metrics(m: { stored: bigint; sent: number; received: number; put: number; get: number; deletes: number }) {
  const labels = 'bucket="meter-data",server="node1:9000"';
  return [
    '# TYPE minio_bucket_usage_total_bytes gauge',
    `minio_bucket_usage_total_bytes{${labels}} ${m.stored}`,
    '# TYPE minio_bucket_traffic_sent_bytes counter',
    `minio_bucket_traffic_sent_bytes{${labels}} ${m.sent}`,
    '# TYPE minio_bucket_traffic_received_bytes counter',
    `minio_bucket_traffic_received_bytes{${labels}} ${m.received}`,
    '# TYPE minio_bucket_requests_total counter',
    `minio_bucket_requests_total{api="putobject",${labels}} ${m.put}`,
    `minio_bucket_requests_total{api="getobject",${labels}} ${m.get}`,
    `minio_bucket_requests_total{api="deleteobject",${labels}} ${m.deletes}`,
    '',
  ].join('\n');
}

beforeAll(async () => {
  minio = await startMinioAdminStandIn(served);
  app = await startTestApp();
  const operator = await app.tokenFor({ kind: 'operator' });
  const opened = await app.api.inject({
    method: 'POST',
    url: '/accounts',
    headers: bearer(operator),
    payload: { name: 'Meter', slug: 'meter-co', billingEmail: 'f@meter.co', document: '11.222.333/0001-81', timeZone: 'UTC' },
  });
  accountId = opened.json<{ accountId: string }>().accountId;
  const requested = await app.api.inject({ method: 'POST', url: `/accounts/${accountId}/buckets`, headers: bearer(operator), payload: { name: 'meter-data' } });
  await createBucketCommands(app.infrastructure.eventStore).recordProvisioned({ accountId, bucketId: requested.json<{ bucketId: string }>().bucketId }, testContext());
  await app.runner.catchUp();
});
afterAll(async () => {
  await app?.close();
  await minio?.close();
});

const collect = (at: string, storageAdmin: MinioAdmin | null = new MinioAdmin({ ...ADMIN, endpoint: minio.url })) =>
  collectMinioMetrics({ ingestion: app.ingestion, readModels: app.infrastructure.readModels, storageAdmin }, new Date(at), testContext());

async function usage() {
  const events = await app.infrastructure.eventStore.readStream(`usage-${accountId}:2026-06`);
  return {
    storage: events.filter((e) => e.type === 'StorageMeasured').map((e) => e.data as StorageMeasured['data']).map((d) => [d.at, d.bytes]),
    traffic: events
      .filter((e) => e.type === 'TrafficMeasured')
      .map((e) => e.data as TrafficMeasured['data'])
      .map((d) => [d.windowStart, d.windowEnd, d.egressBytes, d.ingressBytes, d.requestsA, d.requestsB]),
  };
}

describe('MinIO metrics collector', () => {
  it('stored bytes become storage samples; counters become traffic by increase, a restart counting from zero; a repeated run changes nothing', async () => {
    served.metrics = metrics({ stored: 3n * 2n ** 60n, sent: 1000, received: 500, put: 10, get: 100, deletes: 7 });
    expect(await collect('2026-06-10T12:00:20Z')).toMatchObject({ bucketsRead: 1, samplesRecorded: 2, unread: [] });
    // the first reading of the counters is a baseline: no traffic yet
    expect(await usage()).toEqual({ storage: [['2026-06-10T12:00:00.000Z', (3n * 2n ** 60n).toString()]], traffic: [] });

    served.metrics = metrics({ stored: 2n ** 31n, sent: 5000, received: 700, put: 15, get: 180, deletes: 50 });
    await collect('2026-06-10T12:05:40Z');
    // a crash and a second run in the same minute, with bytes that moved meanwhile: nothing new
    served.metrics = metrics({ stored: 2n ** 31n + 1n, sent: 5100, received: 700, put: 16, get: 180, deletes: 50 });
    expect(await collect('2026-06-10T12:05:55Z')).toMatchObject({ samplesRecorded: 0, alreadyRecorded: 2 });

    // MinIO restarted: every counter lower than before, the new readings are the usage
    served.metrics = metrics({ stored: 2n ** 31n, sent: 300, received: 0, put: 2, get: 10, deletes: 1 });
    await collect('2026-06-10T12:10:05Z');

    expect(await usage()).toEqual({
      storage: [
        ['2026-06-10T12:00:00.000Z', (3n * 2n ** 60n).toString()],
        ['2026-06-10T12:05:00.000Z', (2n ** 31n).toString()],
        ['2026-06-10T12:10:00.000Z', (2n ** 31n).toString()],
      ],
      traffic: [
        // 5000 − 1000 sent, 700 − 500 received, PUTs 15 − 10 (class A), GETs 180 − 100 (class B); deletes are free
        ['2026-06-10T12:00:00.000Z', '2026-06-10T12:05:00.000Z', '4000', '200', '5', '80'],
        ['2026-06-10T12:05:00.000Z', '2026-06-10T12:10:00.000Z', '300', '0', '2', '10'],
      ],
    });
  });

  it('an unreadable or unconfigured source records nothing and says so in the collector runs', async () => {
    const before = await usage();
    const unreachable = new MinioAdmin({ ...ADMIN, endpoint: `http://127.0.0.1:${await unusedPort()}` });
    await expect(collect('2026-06-11T00:00:00Z', unreachable)).rejects.toThrow();
    let run = await app.infrastructure.readModels.selectFrom('collector_runs').selectAll().where('collector', '=', 'minio-metrics').executeTakeFirstOrThrow();
    expect(run.last_error).toMatch(/ECONNREFUSED|connect|fetch failed/i);
    expect(run.last_run_at.toISOString()).toBe('2026-06-11T00:00:00.000Z');
    expect(run.last_success_at!.toISOString()).toBe('2026-06-10T12:10:05.000Z');
    await expect(collect('2026-06-11T00:05:00Z', null)).rejects.toThrow(/not configured/);
    run = await app.infrastructure.readModels.selectFrom('collector_runs').selectAll().where('collector', '=', 'minio-metrics').executeTakeFirstOrThrow();
    expect(run.last_error).toMatch(/MinIO admin API not configured/);
    expect(await usage()).toEqual(before);
  });

  it('a bucket MinIO does not report yet is named, and nothing is invented for it', async () => {
    served.metrics = '';
    const summary = await collect('2026-06-12T00:00:00Z');
    expect(summary).toMatchObject({ bucketsRead: 0, samplesRecorded: 0, unread: ['meter-data'] });
  });
});
