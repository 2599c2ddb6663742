import type { DomainEvent } from '../decider.ts';
import { eventUnion } from '../shared/event-union.ts';

export type QuotaIncreaseRequested = DomainEvent<
  'QuotaIncreaseRequested',
  {
    accountId: string;
    requestId: string;
    /** the quota in force when the request was made, default included */
    currentGiB: number;
    requestedGiB: number;
    reason: string;
    requestedAt: string;
  }
>;
export type QuotaRequestApproved = DomainEvent<
  'QuotaRequestApproved',
  { accountId: string; requestId: string; fromGiB: number; toGiB: number; note: string; approvedAt: string }
>;
export type QuotaRequestRejected = DomainEvent<
  'QuotaRequestRejected',
  { accountId: string; requestId: string; requestedGiB: number; note: string; rejectedAt: string }
>;

export type QuotaEvent = QuotaIncreaseRequested | QuotaRequestApproved | QuotaRequestRejected;

export const quotaEvents = eventUnion<QuotaEvent>({ QuotaIncreaseRequested: true, QuotaRequestApproved: true, QuotaRequestRejected: true });
export const QUOTA_EVENT_TYPES = quotaEvents.types;
