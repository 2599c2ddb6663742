import { usageStream } from '../domain/usage/usage-events.ts';
import type { EventStore } from '../ports/event-store.ts';
import type { LatestStorageRow } from '../projections/usage/usage-queries.ts';
import { toPeriodUsage } from './invoice-inputs.ts';

interface LatestSample {
  bytes: bigint;
  atMs: number;
}

/** Usage streams read at once when resolving withdrawn latest samples. */
const STREAMS_PER_READ = 50;

/** The sample that holds: the later one; at one instant the larger, as the rating engine orders them. */
const holdsOver = (sample: LatestSample, other: LatestSample | undefined) => !other || sample.atMs > other.atMs || (sample.atMs === other.atMs && sample.bytes > other.bytes);

/**
 * Each bucket's latest storage sample in a period's usage stream, leaving out the samples a
 * correction withdrew, as rating does: what a usage-totals row cannot tell once its latest
 * sample was withdrawn.
 */
export function latestStorageOf(events: readonly { type: string; data: unknown }[]): Map<string, LatestSample> {
  const latest = new Map<string, LatestSample>();
  for (const sample of toPeriodUsage(events).storage) {
    const candidate = { bytes: BigInt(sample.bytes), atMs: Date.parse(sample.at) };
    if (holdsOver(candidate, latest.get(sample.bucket))) latest.set(sample.bucket, candidate);
  }
  return latest;
}

export interface StoredBytesDeps {
  eventStore: Pick<EventStore, 'readStreams'>;
  /** the usage-totals and buckets read models' answer (`latestStorageRows`) */
  latestStorageRows(): Promise<LatestStorageRow[]>;
}

/**
 * Bytes stored now, per account: each bucket's latest storage sample still counted, over every
 * period, for buckets not deleted. A bucket with no sample yet stores nothing we know of. The
 * read model answers but for a period whose latest sample was withdrawn and that may still hold
 * the bucket's latest: that period's stream is folded (without its withdrawn samples).
 */
export async function storedBytesByAccount(deps: StoredBytesDeps): Promise<Map<string, bigint>> {
  const rows = await deps.latestStorageRows();
  const latest = new Map<string, LatestSample & { accountId: string }>();
  const unknown = new Map<string, { accountId: string; period: string; buckets: string[] }>();
  for (const row of rows) {
    if (row.kind === 'sample') {
      if (holdsOver(row, latest.get(row.bucketId))) latest.set(row.bucketId, { accountId: row.accountId, bytes: row.bytes, atMs: row.atMs });
    } else {
      const stream = usageStream(row.accountId, row.period);
      const entry = unknown.get(stream) ?? { accountId: row.accountId, period: row.period, buckets: [] };
      entry.buckets.push(row.bucketId);
      unknown.set(stream, entry);
    }
  }
  const streams = [...unknown.keys()];
  for (let i = 0; i < streams.length; i += STREAMS_PER_READ) {
    const read = await deps.eventStore.readStreams(streams.slice(i, i + STREAMS_PER_READ));
    for (const [stream, events] of read) {
      const { accountId, buckets } = unknown.get(stream)!;
      const inPeriod = latestStorageOf(events);
      for (const bucketId of buckets) {
        const sample = inPeriod.get(bucketId);
        if (sample && holdsOver(sample, latest.get(bucketId))) latest.set(bucketId, { accountId, ...sample });
      }
    }
  }
  const stored = new Map<string, bigint>();
  for (const { accountId, bytes } of latest.values()) stored.set(accountId, (stored.get(accountId) ?? 0n) + bytes);
  return stored;
}
