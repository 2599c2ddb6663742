import type { DomainEvent } from '../decider.ts';
import { eventUnion } from '../shared/event-union.ts';

/**
 * Usage as recorded, one stream per account and billing period: `usage-<accountId>:<YYYY-MM>`
 * (the period of the sample's instant, or of a window's start, in the account's time zone).
 * Buckets are identified by id: names can be reused once a bucket is deleted.
 * Byte and request counts are integer strings; nothing about usage passes through a JS number.
 * `contentDigest` is the SHA-256 of the sample's canonical content: the same sampleKey with
 * another digest is a conflicting re-send.
 */
export type StorageMeasured = DomainEvent<
  'StorageMeasured',
  { accountId: string; bucketId: string; sampleKey: string; bytes: string; at: string; contentDigest: string }
>;

export type TrafficMeasured = DomainEvent<
  'TrafficMeasured',
  {
    accountId: string;
    bucketId: string;
    sampleKey: string;
    windowStart: string;
    windowEnd: string;
    egressBytes: string;
    ingressBytes: string;
    requestsA: string;
    requestsB: string;
    contentDigest: string;
    /** set when the window was derived from counter readings of this source */
    counterSource?: string;
  }
>;

export type UsageEvent = StorageMeasured | TrafficMeasured;
/** A period's measurements: what usage totals sum (counter readings only lead to them). */
export const usageEvents = eventUnion<UsageEvent>({ StorageMeasured: true, TrafficMeasured: true });

export const usageStream = (accountId: string, period: string) => `usage-${accountId}:${period}`;

/** A sample as it was measured, named by its key: what a withdrawal takes out of the period. */
export type WithdrawnSample =
  | ({ kind: 'storage' } & Pick<StorageMeasured['data'], 'sampleKey' | 'bucketId' | 'bytes' | 'at'>)
  | ({ kind: 'traffic' } & Pick<TrafficMeasured['data'], 'sampleKey' | 'bucketId' | 'windowStart' | 'windowEnd' | 'egressBytes' | 'ingressBytes' | 'requestsA' | 'requestsB'>);

/**
 * Samples sent by mistake, withdrawn from their period's usage stream (where they stay, as
 * recorded): rating, the usage read models and the estimate leave them out from here on. A
 * period already invoiced is billed the difference on the account's next invoice, as late usage is.
 */
export type SamplesWithdrawn = DomainEvent<'SamplesWithdrawn', { accountId: string; period: string; samples: WithdrawnSample[]; reason: string; withdrawnAt: string }>;

export const usageCorrectionEvents = eventUnion<SamplesWithdrawn>({ SamplesWithdrawn: true });

/** Every event of a period's usage stream. */
export type UsageStreamEvent = UsageEvent | SamplesWithdrawn;

/**
 * Cumulative counter readings of one source and bucket live in their own stream, so the
 * baseline survives period boundaries: `counter-<source>:<bucketId>`.
 */
export type CounterRead = DomainEvent<
  'CounterRead',
  {
    accountId: string;
    bucketId: string;
    source: string;
    sampleKey: string;
    at: string;
    sentBytes: string;
    receivedBytes: string;
    requestsA: string;
    requestsB: string;
    contentDigest: string;
  }
>;

export const counterStream = (source: string, bucketId: string) => `counter-${source}:${bucketId}`;

/** Measurements: billed by replaying usage streams, never an audit-log entry. */
export const USAGE_EVENT_TYPES = ['StorageMeasured', 'TrafficMeasured', 'CounterRead'] as const satisfies readonly (UsageEvent | CounterRead)['type'][];
