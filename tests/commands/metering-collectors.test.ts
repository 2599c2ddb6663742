import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MinioAdmin } from '../../src/adapters/minio/minio-admin.ts';
import { createBucketCommands } from '../../src/commands/bucket-commands.ts';
import { collectMinioMetrics } from '../../src/commands/metering-collectors.ts';
import type { TrafficMeasured, StorageMeasured } from '../../src/domain/usage/usage-events.ts';
import { startMinioAdminStandIn } from '../adapters/minio/support/minio-admin-stand-in.ts';
import { startTestApp, testContext } from '../support/app.ts';
import { bearer, openTestAccount } from '../support/api-requests.ts';
import { unusedPort } from '../support/smtp-test-server.ts';
import { collectorDeps } from '../../src/composition/jobs.ts';

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

/** Cumulative counters of one MinIO node for one bucket. */
interface NodeCounters {
  sent: number;
  received: number;
  put: number;
  get: number;
}

/** Metrics of a cluster: usage reported once by node1 (the node that answers), counters per node. */
function clusterMetrics(bucket: string, stored: bigint, nodes: Record<string, NodeCounters>) {
  const lines = [`minio_bucket_usage_total_bytes{bucket="${bucket}",server="node1:9000"} ${stored}`];
  for (const [server, c] of Object.entries(nodes)) {
    const labels = `bucket="${bucket}",server="${server}"`;
    const series: [string, number][] = [
      [`minio_bucket_traffic_sent_bytes{${labels}}`, c.sent],
      [`minio_bucket_traffic_received_bytes{${labels}}`, c.received],
      [`minio_bucket_requests_total{api="putobject",${labels}}`, c.put],
      [`minio_bucket_requests_total{api="getobject",${labels}}`, c.get],
    ];
    // as MinIO does, a counter still at 0 is left out
    for (const [name, value] of series) if (value !== 0) lines.push(`${name} ${value}`);
  }
  return `${lines.join('\n')}\n`;
}

async function openAccountWithBucket(name: string, slug: string, bucket: string): Promise<string> {
  const operator = await app.tokenFor({ kind: 'operator' });
  const { accountId: id } = await openTestAccount(app, operator, slug, { name, billingEmail: `f@${slug}.co`, document: '11.222.333/0001-81', timeZone: 'UTC' });
  const requested = await app.api.inject({ method: 'POST', url: `/accounts/${id}/buckets`, headers: bearer(operator), payload: { name: bucket } });
  await createBucketCommands(app.infrastructure.eventStore).recordProvisioned({ accountId: id, bucketId: requested.json<{ bucketId: string }>().bucketId }, testContext());
  await app.runner.catchUp();
  return id;
}

beforeAll(async () => {
  minio = await startMinioAdminStandIn(served);
  app = await startTestApp();
  accountId = await openAccountWithBucket('Meter', 'meter-co', 'meter-data');
});
afterAll(async () => {
  await app?.close();
  await minio?.close();
});

const collect = (at: string, storageAdmin: MinioAdmin | null = new MinioAdmin({ ...ADMIN, endpoint: minio.url })) =>
  collectMinioMetrics({ ...collectorDeps(app.infrastructure.readModels, app.ingestion), storageAdmin }, new Date(at), testContext());

async function usage(account = accountId) {
  const events = await app.infrastructure.eventStore.readStream(`usage-${account}:2026-06`);
  return {
    storage: events.filter((e) => e.type === 'StorageMeasured').map((e) => e.data as StorageMeasured['data']).map((d) => [d.at, d.bytes]),
    traffic: events
      .filter((e) => e.type === 'TrafficMeasured')
      .map((e) => e.data as TrafficMeasured['data'])
      .map((d) => [d.counterSource, d.windowStart, d.windowEnd, d.egressBytes, d.ingressBytes, d.requestsA, d.requestsB])
      .sort((x, y) => (String(x) < String(y) ? -1 : 1)),
  };
}

/** The traffic recorded, added up: [egress, ingress, class A, class B]. */
const totals = (traffic: unknown[][]) =>
  traffic.reduce<bigint[]>((sum, t) => sum.map((v, i) => v + BigInt(t[3 + i] as string)), [0n, 0n, 0n, 0n]);

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
      // the node's server label node1:9000 names its source
      traffic: [
        // 5000 − 1000 sent, 700 − 500 received, PUTs 15 − 10 (class A), GETs 180 − 100 (class B); deletes are free
        ['minio-node1_9000', '2026-06-10T12:00:00.000Z', '2026-06-10T12:05:00.000Z', '4000', '200', '5', '80'],
        ['minio-node1_9000', '2026-06-10T12:05:00.000Z', '2026-06-10T12:10:00.000Z', '300', '0', '2', '10'],
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

describe('MinIO metrics collector on a cluster of two nodes', () => {
  it('one node restarting counts its new reading alone; the other node goes on by increase', async () => {
    const account = await openAccountWithBucket('Nodes', 'nodes-co', 'nodes-data');
    served.metrics = clusterMetrics('nodes-data', 1000n, {
      'node1:9000': { sent: 10_000, received: 2_000, put: 20, get: 300 },
      'node2:9000': { sent: 50_000, received: 4_000, put: 40, get: 700 },
    });
    // a storage sample and one counters sample per node; the first readings are baselines
    expect(await collect('2026-06-15T08:00:10Z')).toMatchObject({ samplesRecorded: 3 });
    expect((await usage(account)).traffic).toEqual([]);

    served.metrics = clusterMetrics('nodes-data', 1000n, {
      'node1:9000': { sent: 16_000, received: 2_500, put: 26, get: 390 },
      'node2:9000': { sent: 58_000, received: 4_100, put: 41, get: 800 },
    });
    await collect('2026-06-15T08:05:10Z');

    // node1 restarted: its counters start again (no byte received yet, so MinIO leaves that
    // series out); node2 carries on. Summed, the cluster would have gone from 74,000 to 66,200
    // bytes sent and been read as a restart, billing 66,200.
    served.metrics = clusterMetrics('nodes-data', 1000n, {
      'node1:9000': { sent: 1_200, received: 0, put: 2, get: 15 },
      'node2:9000': { sent: 65_000, received: 4_600, put: 45, get: 950 },
    });
    expect(await collect('2026-06-15T08:10:10Z')).toMatchObject({ samplesRecorded: 3 });

    const { traffic } = await usage(account);
    expect(traffic).toEqual([
      // 16,000 − 10,000 sent, 2,500 − 2,000 received, PUTs 26 − 20, GETs 390 − 300
      ['minio-node1_9000', '2026-06-15T08:00:00.000Z', '2026-06-15T08:05:00.000Z', '6000', '500', '6', '90'],
      // restarted: the new reading is the usage
      ['minio-node1_9000', '2026-06-15T08:05:00.000Z', '2026-06-15T08:10:00.000Z', '1200', '0', '2', '15'],
      // 58,000 − 50,000, 4,100 − 4,000, 41 − 40, 800 − 700
      ['minio-node2_9000', '2026-06-15T08:00:00.000Z', '2026-06-15T08:05:00.000Z', '8000', '100', '1', '100'],
      // 65,000 − 58,000, 4,600 − 4,100, 45 − 41, 950 − 800
      ['minio-node2_9000', '2026-06-15T08:05:00.000Z', '2026-06-15T08:10:00.000Z', '7000', '500', '4', '150'],
    ]);
    // the window of the restart: node1's 1,200 + node2's 7,000 sent, 0 + 500 received, 2 + 4 A, 15 + 150 B
    expect(totals(traffic.filter((t) => t[1] === '2026-06-15T08:05:00.000Z'))).toEqual([8_200n, 500n, 6n, 165n]);
  });

  it('a node missing from one run records nothing; back in the next, its increase since its last reading counts once', async () => {
    const account = await openAccountWithBucket('Gap', 'gap-co', 'gap-data');
    served.metrics = clusterMetrics('gap-data', 500n, {
      'node1:9000': { sent: 1_000, received: 100, put: 5, get: 50 },
      'node2:9000': { sent: 2_000, received: 200, put: 10, get: 100 },
    });
    expect(await collect('2026-06-20T09:00:10Z')).toMatchObject({ samplesRecorded: 3 });

    // node2 did not answer node1: only node1's counters, and no sample for node2
    served.metrics = clusterMetrics('gap-data', 500n, { 'node1:9000': { sent: 1_500, received: 150, put: 7, get: 60 } });
    expect(await collect('2026-06-20T09:05:10Z')).toMatchObject({ samplesRecorded: 2 });

    served.metrics = clusterMetrics('gap-data', 500n, {
      'node1:9000': { sent: 1_800, received: 150, put: 9, get: 70 },
      'node2:9000': { sent: 2_600, received: 260, put: 13, get: 130 },
    });
    expect(await collect('2026-06-20T09:10:10Z')).toMatchObject({ samplesRecorded: 3 });

    const { traffic } = await usage(account);
    expect(traffic).toEqual([
      // 1,500 − 1,000, 150 − 100, 7 − 5, 60 − 50
      ['minio-node1_9000', '2026-06-20T09:00:00.000Z', '2026-06-20T09:05:00.000Z', '500', '50', '2', '10'],
      // 1,800 − 1,500, 150 − 150, 9 − 7, 70 − 60
      ['minio-node1_9000', '2026-06-20T09:05:00.000Z', '2026-06-20T09:10:00.000Z', '300', '0', '2', '10'],
      // from its last reading, over the run it missed: 2,600 − 2,000, 260 − 200, 13 − 10, 130 − 100
      ['minio-node2_9000', '2026-06-20T09:00:00.000Z', '2026-06-20T09:10:00.000Z', '600', '60', '3', '30'],
    ]);
    // everything the two nodes counted, once: (1,800 − 1,000) + (2,600 − 2,000) sent,
    // (150 − 100) + (260 − 200) received, (9 − 5) + (13 − 10) A, (70 − 50) + (130 − 100) B.
    // Summed across nodes, the run without node2 would have read 3,000 → 1,500 as a restart.
    expect(totals(traffic)).toEqual([1_400n, 110n, 7n, 50n]);
  });

  it('two nodes whose labels make one source name are refused: nothing is recorded, and the run says why', async () => {
    const account = await openAccountWithBucket('Clash', 'clash-co', 'clash-data');
    served.metrics = clusterMetrics('clash-data', 700n, {
      'a:9000': { sent: 10, received: 0, put: 1, get: 0 },
      'a_9000': { sent: 20, received: 0, put: 2, get: 0 },
    });
    await expect(collect('2026-06-25T10:00:00Z')).rejects.toThrow('MinIO nodes a:9000 and a_9000 have the same counter source name minio-a_9000');
    const run = await app.infrastructure.readModels.selectFrom('collector_runs').selectAll().where('collector', '=', 'minio-metrics').executeTakeFirstOrThrow();
    expect(run.last_error).toMatch(/same counter source name/);
    expect(await usage(account)).toEqual({ storage: [], traffic: [] });
  });
});
