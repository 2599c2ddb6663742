import type { BucketMetricsReading } from '../../ports/storage-admin.ts';
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
 *   labelled with its `server`; they are summed. Usage is the cluster's own figure, reported
 *   once; the same bucket reported twice with different figures is refused.
 * - MinIO leaves out a traffic counter that is still zero and a request counter for an API never
 *   called, so their absence reads as 0.
 * - A bucket without a usage figure (the scanner has not reached it yet) is left out altogether:
 *   its stored bytes are unknown, and nothing is invented. Its counters lose nothing by waiting,
 *   being cumulative.
 * - MinIO's v2 endpoint reports at most 100 buckets; the rest must be metered by listing.
 */
export function parseBucketMetrics(text: string): BucketMetricsReading[] {
  const byBucket = new Map<string, { stored?: bigint; sent: bigint; received: bigint; a: bigint; b: bigint }>();
  const entry = (bucket: string) => {
    let e = byBucket.get(bucket);
    if (!e) byBucket.set(bucket, (e = { sent: 0n, received: 0n, a: 0n, b: 0n }));
    return e;
  };

  for (const sample of parsePrometheusText(text)) {
    if (sample.name !== STORED && sample.name !== SENT && sample.name !== RECEIVED && sample.name !== REQUESTS) continue;
    const bucket = sample.labels.bucket;
    if (!bucket) throw new Error(`${describe(sample)} has no bucket label`);
    const value = wholeNumber(sample);
    const e = entry(bucket);
    switch (sample.name) {
      case STORED:
        if (e.stored !== undefined && e.stored !== value) throw new Error(`${STORED} reported twice for bucket ${bucket}: ${e.stored} and ${value}`);
        e.stored = value;
        break;
      case SENT:
        e.sent += value;
        break;
      case RECEIVED:
        e.received += value;
        break;
      case REQUESTS: {
        const api = sample.labels.api;
        if (!api) throw new Error(`${describe(sample)} has no api label`);
        const cls = requestClassOf(api);
        if (cls === 'A') e.a += value;
        else if (cls === 'B') e.b += value;
        break;
      }
    }
  }

  return [...byBucket.entries()]
    .filter(([, e]) => e.stored !== undefined)
    .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
    .map(([bucket, e]) => ({ bucket, storedBytes: e.stored!, sentBytes: e.sent, receivedBytes: e.received, requestsA: e.a, requestsB: e.b }));
}

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
