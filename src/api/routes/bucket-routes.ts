import type { BucketCommands, BucketResult } from '../../commands/bucket-commands.ts';
import type { StateAt } from '../../commands/state-at.ts';
import type { BucketState } from '../../domain/bucket/bucket-decider.ts';
import { NotFoundError } from '../../domain/errors.ts';
import type { accountBucketsPage, findBucket } from '../../projections/buckets/bucket-queries.ts';
import type { BucketsTable } from '../../projections/buckets/bucket-tables.ts';
import { onePageAsOf } from '../as-of.ts';
import { decodeTimestampCursor, pageFrom, pageOf } from '../pagination.ts';
import { AsOfField, AsOfQuery } from '../schemas/instant-schemas.ts';
import type { Query, RouteRegistry } from '../route.ts';
import { AccountIdParams } from '../schemas/account-schemas.ts';
import {
  BucketIdParams,
  BucketView,
  ListBucketsQuery,
  ProvisioningFailedBody,
  RequestBucketBody,
  SetBucketLifecycleBody,
  SetBucketQuotaBody,
  SetBucketVersioningBody,
} from '../schemas/bucket-schemas.ts';
import { iso } from './iso.ts';

const tags = ['buckets'];

/** After a command: the bucket as the write model now knows it. */
export function bucketViewFromState(state: Exclude<BucketState, { status: 'none' }>): BucketView {
  return {
    bucketId: state.bucketId,
    accountId: state.accountId,
    name: state.name,
    status: state.status,
    failureReason: state.failureReason,
    quotaBytes: state.quotaBytes,
    versioning: state.versioning,
    lifecycle: { ...state.lifecycle },
    requestedAt: iso(state.requestedAt),
    updatedAt: iso(state.updatedAt),
  };
}

/** For reads: the bucket as the read model has it. */
function bucketViewFromRow(row: BucketsTable): BucketView {
  return {
    bucketId: row.bucket_id,
    accountId: row.account_id,
    name: row.name,
    status: row.status,
    failureReason: row.failure_reason,
    quotaBytes: row.quota_bytes,
    versioning: row.versioning,
    lifecycle: { expirationDays: row.lifecycle_expiration_days, noncurrentVersionExpirationDays: row.lifecycle_noncurrent_version_expiration_days },
    requestedAt: iso(row.requested_at),
    updatedAt: iso(row.updated_at),
  };
}

/** The write model's bucket plus the position a client can wait on for the read model to catch up. */
function reply(status: number, { state, position }: BucketResult, bucketId: string) {
  if (state.status === 'none') throw new NotFoundError('bucket_not_found', `bucket ${bucketId} does not exist`);
  return { status, body: bucketViewFromState(state), headers: position ? { 'event-position': position } : undefined };
}

export interface BucketRoutesDeps {
  requestBucket: BucketCommands['request'];
  setBucketQuota: BucketCommands['setQuota'];
  setBucketVersioning: BucketCommands['setVersioning'];
  setBucketLifecycle: BucketCommands['setLifecycle'];
  deleteBucket: BucketCommands['delete'];
  recordBucketProvisioned: BucketCommands['recordProvisioned'];
  recordBucketProvisioningFailed: BucketCommands['recordProvisioningFailed'];
  recordBucketDeleted: BucketCommands['recordDeleted'];
  accountBucketsPage: Query<typeof accountBucketsPage>;
  findBucket: Query<typeof findBucket>;
  /** `?asOf=`: buckets folded from their streams up to an instant */
  bucketsAt: StateAt['buckets'];
  bucketAt: StateAt['bucket'];
}

export function registerBucketRoutes(routes: RouteRegistry, deps: BucketRoutesDeps): void {
  routes.add({
    method: 'POST',
    url: '/accounts/:accountId/buckets',
    summary: 'Request a bucket; MinIO creates it shortly after (status requested, then provisioned or failed)',
    tags,
    access: 'buckets:manage',
    params: AccountIdParams,
    body: RequestBucketBody,
    responses: { 201: BucketView },
    async handler({ params, body, context, newId }) {
      const result = await deps.requestBucket({ accountId: params.accountId, name: body.name, bucketId: newId('bucket') }, context);
      const outcome = reply(201, result, '');
      return { ...outcome, headers: { ...outcome.headers, location: `/accounts/${params.accountId}/buckets/${outcome.body.bucketId}` } };
    },
  });

  routes.add({
    method: 'GET',
    url: '/accounts/:accountId/buckets',
    summary: "List the account's buckets, newest first",
    tags,
    access: 'buckets:read',
    readModels: ['accounts', 'buckets'],
    params: AccountIdParams,
    query: ListBucketsQuery.extend(AsOfField),
    responses: { 200: pageOf(BucketView) },
    async handler({ params, query, context }) {
      if (query.asOf) {
        const buckets = await deps.bucketsAt(params.accountId, { asOf: query.asOf, now: context.occurredAt }, { status: query.status, name: query.name });
        return { status: 200, body: onePageAsOf(query, buckets, bucketViewFromState) };
      }
      const after = decodeTimestampCursor(query.cursor);
      // lowercase letters, digits, dots and hyphens only (ListBucketsQuery checks), so no LIKE escaping is needed
      const rows = await deps.accountBucketsPage(params.accountId, {
        ...(query.status ? { status: query.status } : {}),
        ...(query.name ? { name: query.name } : {}),
        ...(after ? { after: [after.at, after.id] as const } : {}),
        limit: query.limit + 1,
      });
      if (!rows) throw new NotFoundError('account_not_found', `account ${params.accountId} does not exist`);
      return { status: 200, body: pageFrom(rows, query.limit, (last) => [iso(last.requested_at), last.bucket_id], bucketViewFromRow) };
    },
  });

  routes.add({
    method: 'GET',
    url: '/accounts/:accountId/buckets/:bucketId',
    summary: 'Show a bucket',
    tags,
    access: 'buckets:read',
    readModels: ['buckets'],
    params: BucketIdParams,
    query: AsOfQuery,
    responses: { 200: BucketView },
    async handler({ params, query, context }) {
      if (query.asOf) return { status: 200, body: bucketViewFromState(await deps.bucketAt(params.accountId, params.bucketId, { asOf: query.asOf, now: context.occurredAt })) };
      const row = await deps.findBucket(params.accountId, params.bucketId);
      if (!row) throw new NotFoundError('bucket_not_found', `bucket ${params.bucketId} does not exist`);
      return { status: 200, body: bucketViewFromRow(row) };
    },
  });

  routes.add({
    method: 'PUT',
    url: '/accounts/:accountId/buckets/:bucketId/quota',
    summary: "Set or remove the bucket's hard quota",
    tags,
    access: 'buckets:manage',
    params: BucketIdParams,
    body: SetBucketQuotaBody,
    responses: { 200: BucketView },
    async handler({ params, body, context }) {
      return reply(200, await deps.setBucketQuota({ ...params, quotaBytes: body.quotaBytes }, context), params.bucketId);
    },
  });

  routes.add({
    method: 'PUT',
    url: '/accounts/:accountId/buckets/:bucketId/versioning',
    summary: 'Enable or suspend versioning',
    tags,
    access: 'buckets:manage',
    params: BucketIdParams,
    body: SetBucketVersioningBody,
    responses: { 200: BucketView },
    async handler({ params, body, context }) {
      return reply(200, await deps.setBucketVersioning({ ...params, versioning: body.versioning }, context), params.bucketId);
    },
  });

  routes.add({
    method: 'PUT',
    url: '/accounts/:accountId/buckets/:bucketId/lifecycle',
    summary: 'Replace the lifecycle rules (expiry of objects and of noncurrent versions)',
    tags,
    access: 'buckets:manage',
    params: BucketIdParams,
    body: SetBucketLifecycleBody,
    responses: { 200: BucketView },
    async handler({ params, body, context }) {
      return reply(200, await deps.setBucketLifecycle({ ...params, lifecycle: body }, context), params.bucketId);
    },
  });

  routes.add({
    method: 'DELETE',
    url: '/accounts/:accountId/buckets/:bucketId',
    summary: 'Delete a bucket (status deleting until MinIO has removed it; then its name is free)',
    tags,
    access: 'buckets:manage',
    params: BucketIdParams,
    responses: { 202: BucketView },
    async handler({ params, context }) {
      return reply(202, await deps.deleteBucket(params, context), params.bucketId);
    },
  });

  // What the MinIO reactor records. Operators can record it by hand (e.g. after fixing
  // MinIO themselves); tenants cannot claim their bucket exists or is gone.
  routes.add({
    method: 'POST',
    url: '/accounts/:accountId/buckets/:bucketId/provisioned',
    summary: 'Record that MinIO created the bucket (operators; normally the MinIO reactor)',
    tags,
    access: 'account:operator',
    params: BucketIdParams,
    responses: { 200: BucketView },
    async handler({ params, context }) {
      return reply(200, await deps.recordBucketProvisioned(params, context), params.bucketId);
    },
  });

  routes.add({
    method: 'POST',
    url: '/accounts/:accountId/buckets/:bucketId/provisioning-failed',
    summary: 'Record that MinIO could not create the bucket (operators; normally the MinIO reactor)',
    tags,
    access: 'account:operator',
    params: BucketIdParams,
    body: ProvisioningFailedBody,
    responses: { 200: BucketView },
    async handler({ params, body, context }) {
      return reply(200, await deps.recordBucketProvisioningFailed({ ...params, reason: body.reason }, context), params.bucketId);
    },
  });

  routes.add({
    method: 'POST',
    url: '/accounts/:accountId/buckets/:bucketId/deleted',
    summary: 'Record that MinIO removed the bucket, freeing its name (operators; normally the MinIO reactor)',
    tags,
    access: 'account:operator',
    params: BucketIdParams,
    responses: { 200: BucketView },
    async handler({ params, context }) {
      return reply(200, await deps.recordBucketDeleted(params, context), params.bucketId);
    },
  });
}
