import type { FieldIssue } from '../errors.ts';
import { fitsText, type TextRule } from '../shared/field-rule.ts';

export const ACCESS_KEY_PERMISSIONS = ['read', 'write', 'read-write'] as const;
export type AccessKeyPermission = (typeof ACCESS_KEY_PERMISSIONS)[number];

/** Every bucket of the account (now and later), or the listed bucket ids only. */
export type BucketScope = 'all' | readonly string[];

/** S3's shape for an access key id: 20 uppercase letters and digits. */
export const ACCESS_KEY_ID = /^[A-Z0-9]{20}$/;
export const MAX_KEY_NAME_LENGTH = 100;
/** More would not fit an S3 policy comfortably, and no portal lists that many by hand. */
export const MAX_SCOPED_BUCKETS = 100;
/** Surrounding spaces are not counted. */
export const KEY_NAME: TextRule = { minLength: 1, maxLength: MAX_KEY_NAME_LENGTH };
export const ACCESS_KEY_ID_RULE: TextRule = { minLength: 20, maxLength: 20, pattern: ACCESS_KEY_ID };

export function checkKeyName(name: string, path: string, issues: FieldIssue[]) {
  if (!fitsText(name.trim(), KEY_NAME)) issues.push({ path, message: `must be 1 to ${MAX_KEY_NAME_LENGTH} characters` });
}

/** The scope's shape; whether each bucket is the account's is for the decider, which is told. */
export function checkBucketScope(buckets: BucketScope, path: string, issues: FieldIssue[]) {
  if (buckets === 'all') return;
  if (!Array.isArray(buckets) || buckets.length === 0) {
    issues.push({ path, message: 'must be "all" or a non-empty list of bucket ids' });
    return;
  }
  if (buckets.length > MAX_SCOPED_BUCKETS) issues.push({ path, message: `at most ${MAX_SCOPED_BUCKETS} buckets; use "all" for more` });
  buckets.forEach((bucketId, index) => {
    if (typeof bucketId !== 'string' || bucketId.length === 0) issues.push({ path: `${path}.${index}`, message: 'must be a bucket id' });
    else if (buckets.indexOf(bucketId) !== index) issues.push({ path: `${path}.${index}`, message: 'listed twice' });
  });
}

export function checkPermission(permission: string, path: string, issues: FieldIssue[]) {
  if (!(ACCESS_KEY_PERMISSIONS as readonly string[]).includes(permission)) {
    issues.push({ path, message: `must be one of ${ACCESS_KEY_PERMISSIONS.join(', ')}` });
  }
}

export function checkAccessKeyId(accessKeyId: string, path: string, issues: FieldIssue[]) {
  if (!ACCESS_KEY_ID.test(accessKeyId)) issues.push({ path, message: 'must be 20 uppercase letters or digits' });
}

/** An expiry is an instant strictly after the key is issued. */
export function checkExpiry(expiresAt: string, issuedAt: string, path: string, issues: FieldIssue[]) {
  const at = Date.parse(expiresAt);
  if (Number.isNaN(at)) issues.push({ path, message: 'must be an ISO-8601 date-time' });
  else if (at <= Date.parse(issuedAt)) issues.push({ path, message: 'must be in the future' });
}

/** True once `expiresAt` has passed at `now` (both ISO-8601); a key without expiry never expires. */
export function isExpired(expiresAt: string | null, now: string): boolean {
  return expiresAt !== null && Date.parse(expiresAt) <= Date.parse(now);
}
