import type { DomainEvent } from '../decider.ts';

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

export const QUOTA_EVENT_TYPES = ['QuotaIncreaseRequested', 'QuotaRequestApproved', 'QuotaRequestRejected'] as const satisfies readonly QuotaEvent['type'][];
