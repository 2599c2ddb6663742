import type { QuotaRequestStatus } from '../../domain/quota/quota-decider.ts';

/**
 * One row per account whose quota stream has events. No row, or a null quota, means the
 * configured default applies: the default is configuration, not data.
 */
export interface AccountQuotasTable {
  account_id: string;
  quota_gib: number | null;
  pending_request_id: string | null;
  updated_at: Date | string;
  /** revision of the account's quota stream, as a decimal string */
  revision: string;
}

export interface QuotaRequestsTable {
  request_id: string;
  account_id: string;
  /** the quota in force when the request was made */
  current_gib: number;
  requested_gib: number;
  reason: string;
  status: QuotaRequestStatus;
  note: string | null;
  requested_at: Date | string;
  /** the actor recorded in the request's event metadata */
  requested_by: string;
  decided_at: Date | string | null;
  decided_by: string | null;
}

/** Row shapes of the quotas read models, merged into ReadModelDatabase. */
export interface QuotaTables {
  account_quotas: AccountQuotasTable;
  quota_requests: QuotaRequestsTable;
}
