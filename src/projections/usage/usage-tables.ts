import type { Generated } from 'kysely';

/**
 * `usage_totals`: per account, billing period and bucket, what the usage streams recorded so
 * far, for the portal. Counts are numeric columns read back as decimal strings.
 */
export interface UsageTotalsTable {
  account_id: string;
  /** YYYY-MM, in the account's time zone (the usage stream's period) */
  period: string;
  bucket_id: string;
  egress_bytes: Generated<string>;
  ingress_bytes: Generated<string>;
  requests_a: Generated<string>;
  requests_b: Generated<string>;
  traffic_windows: Generated<number>;
  /** the storage sample with the latest `at` (not the last to arrive); null before one */
  storage_bytes: string | null;
  storage_at: Date | string | null;
  /** usage events applied */
  samples: Generated<number>;
}

/** Row shapes of the usage read models. */
export interface UsageTables {
  usage_totals: UsageTotalsTable;
}
