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
