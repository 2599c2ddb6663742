import { SampleConflictError } from '../domain/usage/usage-ledger.ts';
import { MAX_SAMPLES_PER_BATCH, type UsageSample } from '../domain/usage/usage-samples.ts';
import type { ObjectStorage } from '../ports/object-storage.ts';
import type { StorageAdmin } from '../ports/storage-admin.ts';
import type { CommandContext } from './command-handler.ts';
import { minioNodeName } from './minio-node-names.ts';
import type { UsageIngestion } from './usage-ingestion.ts';

/** The collectors, as `collector_runs` and `ops status` name them. */
export const COLLECTORS = { minioMetrics: 'minio-metrics', listing: 'bucket-listing' } as const;

export interface CollectorSummary {
  collector: string;
  bucketsRead: number;
  samplesRecorded: number;
  /** samples of this minute already recorded by an earlier run: left as they were */
  alreadyRecorded: number;
  /** buckets of ours the source did not report, or could not be read */
  unread: string[];
}

export interface CollectorDeps {
  ingestion: UsageIngestion;
  /** the S3 names of the buckets storage holds for us now (provisioned or being deleted), from the buckets read model */
  meteredBucketNames(): Promise<string[]>;
  /** remembers a run's outcome for `ops status` */
  saveCollectorRun(collector: string, now: Date, outcome: { summary: CollectorSummary } | { error: string }): Promise<void>;
}

/**
 * The minute of a run: part of every sample key, so a run repeated after a crash (in the
 * same minute) names the same samples and records nothing twice.
 */
function minuteOf(now: Date): string {
  const minute = new Date(now);
  minute.setUTCSeconds(0, 0);
  return minute.toISOString();
}

/**
 * Records samples in batches. A sample key already recorded with other content (the same
 * minute read again after a crash, with bytes that moved since) keeps its first reading:
 * the clash is dropped and the rest of the batch recorded.
 */
async function record(ingestion: UsageIngestion, samples: UsageSample[], context: CommandContext): Promise<{ recorded: number; already: number }> {
  let recorded = 0;
  let already = 0;
  for (let start = 0; start < samples.length; start += MAX_SAMPLES_PER_BATCH) {
    let batch = samples.slice(start, start + MAX_SAMPLES_PER_BATCH);
    while (batch.length > 0) {
      try {
        const result = await ingestion.ingest(batch, context);
        recorded += result.accepted;
        already += result.duplicates;
        break;
      } catch (error) {
        if (!(error instanceof SampleConflictError)) throw error;
        const clashing = new Set(error.conflicts.map((c) => c.index));
        already += clashing.size;
        batch = batch.filter((_, index) => !clashing.has(index));
      }
    }
  }
  return { recorded, already };
}

/** Runs one collector, remembering its outcome for `ops status`; a failure records no sample. */
async function tracked(deps: CollectorDeps, collector: string, now: Date, run: () => Promise<CollectorSummary>): Promise<CollectorSummary> {
  try {
    const summary = await run();
    await deps.saveCollectorRun(collector, now, { summary });
    return summary;
  } catch (error) {
    await deps.saveCollectorRun(collector, now, { error: error instanceof Error ? error.message : String(error) });
    throw error;
  }
}

/**
 * MinIO's bucket metrics: stored bytes become a `storage` sample, and each node's cumulative
 * traffic and request counters a `counters` sample of its own source (`minio-<node>`), turned
 * into usage by increase at ingestion. One source per node because nodes restart on their own:
 * a node's drop is its restart alone, and the others' counters go on being read by increase.
 * A node missing from a run records nothing; when it is back, its next reading is compared
 * with its last one, so what it counted meanwhile is counted once.
 */
export function collectMinioMetrics(deps: CollectorDeps & { storageAdmin: StorageAdmin | null }, now: Date, context: CommandContext): Promise<CollectorSummary> {
  const collector = COLLECTORS.minioMetrics;
  return tracked(deps, collector, now, async () => {
    if (!deps.storageAdmin) throw new Error('MinIO admin API not configured (MINIO_ENDPOINT, MINIO_ACCESS_KEY, MINIO_SECRET_KEY): nothing measured');
    const [readings, buckets] = await Promise.all([deps.storageAdmin.bucketMetrics(), deps.meteredBucketNames()]);
    const byName = new Map(readings.map((r) => [r.bucket, r]));
    const at = minuteOf(now);
    const samples: UsageSample[] = [];
    const unread: string[] = [];
    const servers = new Map<string, string>();
    for (const bucket of buckets) {
      const reading = byName.get(bucket);
      if (!reading) {
        // MinIO reports a bucket once it has usage data; never invent a zero for it.
        unread.push(bucket);
        continue;
      }
      samples.push({ kind: 'storage', sampleKey: `minio-metrics:storage:${bucket}:${at}`, bucket, bytes: reading.storedBytes.toString(), at });
      for (const node of reading.counters) {
        const name = minioNodeName(node.server);
        // two nodes under one name would share a stream, each read as the other's restart
        const other = servers.get(name);
        if (other !== undefined && other !== node.server) throw new Error(`MinIO nodes ${other} and ${node.server} have the same counter source name minio-${name}`);
        servers.set(name, node.server);
        samples.push({
          kind: 'counters',
          sampleKey: `minio-metrics:counters:${bucket}:${name}:${at}`,
          bucket,
          source: `minio-${name}`,
          at,
          sentBytes: node.sentBytes.toString(),
          receivedBytes: node.receivedBytes.toString(),
          requestsA: node.requestsA.toString(),
          requestsB: node.requestsB.toString(),
        });
      }
    }
    const { recorded, already } = await record(deps.ingestion, samples, context);
    return { collector, bucketsRead: buckets.length - unread.length, samplesRecorded: recorded, alreadyRecorded: already, unread };
  });
}

/**
 * Any S3 server: stored bytes measured by listing each bucket. Slower and heavier, so it
 * runs on its own, slower schedule; it measures storage only (a listing shows no traffic).
 */
export function collectByListing(
  deps: CollectorDeps & { objectStorage: ObjectStorage | null; onProgress?: (bucket: string, objects: bigint) => void },
  now: Date,
  context: CommandContext,
): Promise<CollectorSummary> {
  const collector = COLLECTORS.listing;
  return tracked(deps, collector, now, async () => {
    if (!deps.objectStorage) throw new Error('no S3 server configured (MINIO_ENDPOINT): nothing measured');
    const at = minuteOf(now);
    const samples: UsageSample[] = [];
    const unread: string[] = [];
    for (const bucket of await deps.meteredBucketNames()) {
      try {
        const measured = await deps.objectStorage.measureBucket(bucket, { onPage: (objects) => deps.onProgress?.(bucket, objects) });
        samples.push({ kind: 'storage', sampleKey: `listing:storage:${bucket}:${at}`, bucket, bytes: measured.bytes.toString(), at });
      } catch (error) {
        unread.push(`${bucket} (${error instanceof Error ? error.message : String(error)})`);
      }
    }
    const { recorded, already } = await record(deps.ingestion, samples, context);
    return { collector, bucketsRead: samples.length, samplesRecorded: recorded, alreadyRecorded: already, unread };
  });
}
