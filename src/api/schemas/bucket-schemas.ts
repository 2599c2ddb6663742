import { z } from 'zod';
import { rule } from './domain-rule.ts';
import { decimalBounds, textField, wholeNumberBounds } from './field-rule-schema.ts';
import { BUCKET_NAME, BUCKET_NAME_MAX_LENGTH, checkBucketName } from '../../domain/bucket/bucket-name.ts';
import {
  checkLifecycleDays,
  checkQuotaBytes,
  LIFECYCLE_DAYS,
  MAX_FAILURE_REASON_LENGTH,
  QUOTA_BYTES,
  VERSIONING_STATES,
} from '../../domain/bucket/bucket-rules.ts';
import type { BucketStatus } from '../../domain/bucket/bucket-decider.ts';
import { PageQuery } from '../pagination.ts';


export const BUCKET_STATUSES = ['requested', 'provisioned', 'failed', 'deleting', 'deleted'] as const satisfies readonly BucketStatus[];

export const BucketIdParams = z.object({ accountId: z.uuid(), bucketId: z.uuid() });

export const RequestBucketBody = z.strictObject({
  name: textField(BUCKET_NAME, checkBucketName).describe('S3 rules: 3 to 63 lowercase letters, digits, hyphens and dots; unique on the whole platform; free again once the bucket is deleted'),
});

export const ListBucketsQuery = PageQuery.extend({
  status: z.enum(BUCKET_STATUSES).optional().describe('only buckets in this status'),
  name: z
    .string()
    .regex(new RegExp(`^[a-z0-9.-]{1,${BUCKET_NAME_MAX_LENGTH}}$`), 'a bucket name prefix: lowercase letters, digits, dots and hyphens')
    .optional()
    .describe('only buckets whose name starts with this'),
});

export const SetBucketQuotaBody = z.strictObject({
  quotaBytes: z
    .string()
    .nullable()
    .superRefine(rule(checkQuotaBytes))
    .meta(decimalBounds(QUOTA_BYTES))
    .describe('hard quota in bytes as a decimal string (e.g. "10737418240" for 10 GiB), or null for none'),
});

export const SetBucketVersioningBody = z.strictObject({
  versioning: z.enum(VERSIONING_STATES).describe('as in S3: a bucket never returns to unversioned, it can only be suspended'),
});

const lifecycleDays = (what: string) =>
  z.number().nullable().superRefine(rule(checkLifecycleDays)).meta(wholeNumberBounds(LIFECYCLE_DAYS)).default(null).describe(`${what}; null or absent: never`);

/** Replaces the whole lifecycle configuration: a field left out means no such rule. */
export const SetBucketLifecycleBody = z.strictObject({
  expirationDays: lifecycleDays('days after creation when current objects expire'),
  noncurrentVersionExpirationDays: lifecycleDays('days after becoming noncurrent when old versions expire'),
});

export const ProvisioningFailedBody = z.strictObject({
  reason: z.string().trim().min(1).max(MAX_FAILURE_REASON_LENGTH).describe("the remote's reason, as MinIO gave it"),
});

export const BucketView = z
  .object({
    bucketId: z.string(),
    accountId: z.string(),
    name: z.string(),
    status: z.enum(BUCKET_STATUSES),
    failureReason: z.string().nullable(),
    quotaBytes: z.string().nullable().describe('bytes as a decimal string; null for none'),
    versioning: z.enum(['disabled', ...VERSIONING_STATES]),
    lifecycle: z.object({ expirationDays: z.number().int().nullable(), noncurrentVersionExpirationDays: z.number().int().nullable() }),
    requestedAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Bucket' });
export type BucketView = z.infer<typeof BucketView>;
