import type { FieldIssue } from '../errors.ts';
import { fitsWholeNumber, type DecimalTextRule, type WholeNumberRule } from '../shared/field-rule.ts';

/**
 * A bucket quota is a byte count, carried as a decimal string (byte counts outgrow a JS
 * number's exact range). Canonical form only, no leading zeros, so that two equal quotas
 * are equal strings and repeating a setting records nothing.
 */
const BYTES = /^[1-9][0-9]*$/;
/** PostgreSQL's bigint and MinIO's hard quota both hold this much; 8 EiB is no limit in practice. */
export const MAX_QUOTA_BYTES = 2n ** 63n - 1n;

/** Lifecycle rules count whole days; a century is more than any retention policy asks. */
export const MAX_LIFECYCLE_DAYS = 36_500;

export const QUOTA_BYTES: DecimalTextRule = { pattern: BYTES, minimum: '1', maximum: String(MAX_QUOTA_BYTES), maxDecimals: 0 };
export const LIFECYCLE_DAYS: WholeNumberRule = { minimum: 1, maximum: MAX_LIFECYCLE_DAYS };

export function checkQuotaBytes(quotaBytes: string | null, path: string, issues: FieldIssue[]): void {
  if (quotaBytes === null) return;
  if (!BYTES.test(quotaBytes) || BigInt(quotaBytes) > MAX_QUOTA_BYTES) {
    issues.push({ path, message: `must be a whole number of bytes from 1 to ${MAX_QUOTA_BYTES} written as a string without leading zeros, or null for no quota` });
  }
}

export function checkLifecycleDays(days: number | null, path: string, issues: FieldIssue[]): void {
  if (days === null) return;
  if (!fitsWholeNumber(days, LIFECYCLE_DAYS)) {
    issues.push({ path, message: `must be a whole number of days from 1 to ${MAX_LIFECYCLE_DAYS}, or null for no rule` });
  }
}

export const VERSIONING_STATES = ['enabled', 'suspended'] as const;
/** `disabled` is where every bucket starts; as in S3, once enabled it can only be suspended. */
export type BucketVersioning = 'disabled' | (typeof VERSIONING_STATES)[number];

export function checkVersioning(versioning: string, path: string, issues: FieldIssue[]): void {
  if (!(VERSIONING_STATES as readonly string[]).includes(versioning)) issues.push({ path, message: 'must be "enabled" or "suspended"' });
}

export const MAX_FAILURE_REASON_LENGTH = 1000;
