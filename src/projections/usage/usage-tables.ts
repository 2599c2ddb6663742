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
  /**
   * the storage sample with the latest `at` (not the last to arrive), among those not withdrawn;
   * null before one, and while `storage_latest_withdrawn_at` says the latest is unknown
   */
  storage_bytes: string | null;
  storage_at: Date | string | null;
  /**
   * set when a withdrawn sample was the latest: the row's latest is unknown (the fold cannot
   * take a sample back), and no sample still counted is later than this instant. Readers fold
   * the period's stream for it (`latestStorageOf`); a sample later than it is the latest again.
   */
  storage_latest_withdrawn_at: Date | string | null;
  /** usage events applied */
  samples: Generated<number>;
  /** the instant (ms) of the bucket's first storage sample of the period; null before one */
  storage_first_ms: string | null;
  /** Σ bytes × ms held from the first storage sample to the latest (`storage_at`) */
  storage_byte_millis: Generated<string>;
  /** a storage sample arrived older than the latest: the fold no longer holds, the period is replayed */
  storage_unordered: Generated<boolean>;
  /** the latest traffic window's start (ms); null before one */
  traffic_last_window_ms: string | null;
  /** the period's usage stream revision applied so far (the highest of its rows is the stream's) */
  stream_revision: string | null;
}

/** Row shapes of the usage read models. */
export interface UsageTables {
  usage_totals: UsageTotalsTable;
}
