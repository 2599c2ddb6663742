import type { FieldIssue } from '../errors.ts';
import type { TextRule } from '../shared/field-rule.ts';

/**
 * S3 bucket naming rules (general purpose buckets), each a separate, named check so a
 * refusal says which rule the name broke and tests can break one rule at a time.
 *
 * One rule goes beyond the AWS list: no dot next to a hyphen. MinIO, which serves these
 * buckets, refuses `.-` and `-.` (minio-go s3utils, strict check); a name we accepted but
 * MinIO refused would hold a platform-wide reservation only to fail provisioning.
 *
 * The IP-address rule follows MinIO too: four dot-separated runs of digits, whatever
 * their values (`999.1.1.1` included), since MinIO refuses all of them.
 */
export const BUCKET_NAME_RULES = {
  length: 'must be 3 to 63 characters long',
  characters: 'may contain only lowercase letters (a-z), digits, hyphens and dots',
  edges: 'must start and end with a lowercase letter or a digit',
  adjacent_dots: 'must not contain two dots in a row',
  dot_next_to_hyphen: 'must not have a dot next to a hyphen ("-." or ".-")',
  ip_address: 'must not be formatted as an IP address (such as 192.168.5.4)',
  xn_prefix: 'must not start with "xn--" (reserved for internationalized domain names)',
  sthree_prefix: 'must not start with "sthree-" (reserved by S3)',
  s3alias_suffix: 'must not end with "-s3alias" (reserved for access point aliases)',
  ol_s3_suffix: 'must not end with "--ol-s3" (reserved for Object Lambda access point aliases)',
} as const;

export type BucketNameRule = keyof typeof BUCKET_NAME_RULES;

export const BUCKET_NAME_MIN_LENGTH = 3;
export const BUCKET_NAME_MAX_LENGTH = 63;

const ALLOWED = /^[a-z0-9.-]*$/;
const LETTER_OR_DIGIT = /^[a-z0-9]$/;
const IP_ADDRESS = /^\d+\.\d+\.\d+\.\d+$/;

/** What a document can say of the rules: the length and the characters (the others are named in words). */
export const BUCKET_NAME: TextRule = { minLength: BUCKET_NAME_MIN_LENGTH, maxLength: BUCKET_NAME_MAX_LENGTH, pattern: ALLOWED };

/** Every rule the name breaks, in the order of BUCKET_NAME_RULES; empty when the name is valid. */
export function bucketNameViolations(name: string): BucketNameRule[] {
  const broken: BucketNameRule[] = [];
  if (name.length < BUCKET_NAME_MIN_LENGTH || name.length > BUCKET_NAME_MAX_LENGTH) broken.push('length');
  if (!ALLOWED.test(name)) broken.push('characters');
  if (name.length > 0 && (!LETTER_OR_DIGIT.test(name[0]!) || !LETTER_OR_DIGIT.test(name[name.length - 1]!))) broken.push('edges');
  if (name.includes('..')) broken.push('adjacent_dots');
  if (name.includes('.-') || name.includes('-.')) broken.push('dot_next_to_hyphen');
  if (IP_ADDRESS.test(name)) broken.push('ip_address');
  if (name.startsWith('xn--')) broken.push('xn_prefix');
  if (name.startsWith('sthree-')) broken.push('sthree_prefix');
  if (name.endsWith('-s3alias')) broken.push('s3alias_suffix');
  if (name.endsWith('--ol-s3')) broken.push('ol_s3_suffix');
  return broken;
}

/** Adds one issue per broken rule at `path`, so a bad name is explained completely in one answer. */
export function checkBucketName(name: string, path: string, issues: FieldIssue[]): void {
  for (const rule of bucketNameViolations(name)) issues.push({ path, message: BUCKET_NAME_RULES[rule] });
}
