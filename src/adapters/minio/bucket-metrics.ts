import type { BucketMetricsReading, NodeCounters } from '../../ports/storage-admin.ts';
import { parseExactWholeNumber } from './exact-integer.ts';
import { parsePrometheusText, type PrometheusSample } from './prometheus-text.ts';
import { requestClassOf } from './s3-request-classes.ts';

const STORED = 'minio_bucket_usage_total_bytes';
const SENT = 'minio_bucket_traffic_sent_bytes';
const RECEIVED = 'minio_bucket_traffic_received_bytes';
const REQUESTS = 'minio_bucket_requests_total';

/**
 * MinIO's /minio/v2/metrics/bucket, read into one reading per bucket.
 *
 * - The node that answers adds every other node's request and traffic counters, each series
 *   labelled with its `server`. They are kept per node, never summed: each node counts from its
 *   own start, so only a node's own series shows its restarts (a sum would drop when one node
 *   restarts, and the whole cumulative figure would be billed again).
 * - Usage is the cluster's figure, reported once (by the node that answers). Should it come from
 *   several nodes, it is the same figure repeated, never parts to add: the highest is taken, so a
 *   node whose usage cache is one scan behind cannot fail the whole reading.
 * - MinIO leaves out a traffic counter that is still zero and a request counter for an API never
 *   called, so their absence reads as 0 for a node that reports any counter of the bucket. A node
 *   that reports none (it did not answer, or restarted and has counted nothing yet) has no entry:
 *   nothing is invented for it.
 * - A bucket without a usage figure (the scanner has not reached it yet) is left out altogether:
 *   its stored bytes are unknown, and nothing is invented. Its counters lose nothing by waiting,
 *   being cumulative.
 * - MinIO's v2 endpoint reports at most 100 buckets; the rest must be metered by listing.
 */
export function parseBucketMetrics(text: string): BucketMetricsReading[] {
  const byBucket = new Map<string, { stored?: bigint; nodes: Map<string, NodeCounters> }>();
  const bucketEntry = (bucket: string) => {
    let e = byBucket.get(bucket);
    if (!e) byBucket.set(bucket, (e = { nodes: new Map() }));
    return e;
  };
  // a counter series read twice would be added twice
  const seen = new Set<string>();
  const nodeEntry = (bucket: string, sample: PrometheusSample) => {
    const server = sample.labels.server;
    if (!server) throw new Error(`${describe(sample)} has no server label`);
    const series = JSON.stringify([sample.name, bucket, server, sample.labels.api ?? '']);
    if (seen.has(series)) throw new Error(`${describe(sample)} reported twice`);
    seen.add(series);
    const nodes = bucketEntry(bucket).nodes;
    let n = nodes.get(server);
    if (!n) nodes.set(server, (n = { server, sentBytes: 0n, receivedBytes: 0n, requestsA: 0n, requestsB: 0n }));
    return n;
  };

  for (const sample of parsePrometheusText(text)) {
    if (sample.name !== STORED && sample.name !== SENT && sample.name !== RECEIVED && sample.name !== REQUESTS) continue;
    const bucket = sample.labels.bucket;
    if (!bucket) throw new Error(`${describe(sample)} has no bucket label`);
    const value = wholeNumber(sample);
    switch (sample.name) {
      case STORED: {
        const e = bucketEntry(bucket);
        if (e.stored === undefined || value > e.stored) e.stored = value;
        break;
      }
      case SENT:
        nodeEntry(bucket, sample).sentBytes += value;
        break;
      case RECEIVED:
        nodeEntry(bucket, sample).receivedBytes += value;
        break;
      case REQUESTS: {
        const api = sample.labels.api;
        if (!api) throw new Error(`${describe(sample)} has no api label`);
        const node = nodeEntry(bucket, sample);
        const cls = requestClassOf(api);
        if (cls === 'A') node.requestsA += value;
        else if (cls === 'B') node.requestsB += value;
        break;
      }
    }
  }

  return [...byBucket.entries()]
    .filter(([, e]) => e.stored !== undefined)
    .sort(([x], [y]) => compare(x, y))
    .map(([bucket, e]) => ({ bucket, storedBytes: e.stored!, counters: [...e.nodes.values()].sort((x, y) => compare(x.server, y.server)) }));
}

const compare = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);

function wholeNumber(sample: PrometheusSample): bigint {
  try {
    return parseExactWholeNumber(sample.value);
  } catch (e) {
    throw new Error(`${describe(sample)}: ${(e as Error).message}`);
  }
}

function describe(sample: PrometheusSample): string {
  const labels = Object.entries(sample.labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(',');
  return `${sample.name}{${labels}}`;
}
