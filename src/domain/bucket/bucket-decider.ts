import type { AccountStatus } from '../account/account-decider.ts';
import { requireAccountAcceptsWork } from '../account/account-guard.ts';
import { assertNever, type Decider } from '../decider.ts';
import { ConflictError, IllegalStateError, NotFoundError, ValidationError, type FieldIssue } from '../errors.ts';
import type { BucketCommand, BucketLifecycle, RequestBucket, SetBucketLifecycle, SetBucketQuota, SetBucketVersioning } from './bucket-commands.ts';
import type { BucketEvent } from './bucket-events.ts';
import { checkBucketName } from './bucket-name.ts';
import { checkLifecycleDays, checkQuotaBytes, checkVersioning, MAX_FAILURE_REASON_LENGTH, type BucketVersioning } from './bucket-rules.ts';

/**
 * requested ─► provisioned
 *     │   ╲
 *     │    ► failed ─► (provisioned, if a retry of the reactor succeeds)
 *     ▼
 * deleting ─► deleted      (from any state but deleted; the name is free again once deleted)
 */
export type BucketStatus = 'requested' | 'provisioned' | 'failed' | 'deleting' | 'deleted';

export type BucketState =
  | { status: 'none' }
  | {
      status: BucketStatus;
      accountId: string;
      bucketId: string;
      name: string;
      /** the remote's reason while failed; null otherwise */
      failureReason: string | null;
      quotaBytes: string | null;
      versioning: BucketVersioning;
      lifecycle: BucketLifecycle;
      requestedAt: string;
      updatedAt: string;
    };

type ExistingBucket = Exclude<BucketState, { status: 'none' }>;

/**
 * The checks RequestBucket makes before anything else. Exported so the command layer can run
 * them before it reserves the name: a request that is going to fail never takes a name.
 */
export function checkRequestBucket(data: RequestBucket['data']): void {
  const issues: FieldIssue[] = [];
  checkBucketName(data.name, 'name', issues);
  if (issues.length > 0) throw new ValidationError(issues);
  requireAccountAcceptsWork(data.accountStatus, data.accountId);
}

/** Another account's bucket is reported exactly like a bucket that does not exist. */
function requireBucket(state: BucketState, accountId: string, bucketId: string): ExistingBucket {
  if (state.status === 'none' || state.accountId !== accountId) {
    throw new NotFoundError('bucket_not_found', `bucket ${bucketId} does not exist`);
  }
  return state;
}

/** Settings only make sense for a bucket that exists, or is about to, in MinIO. */
function requireConfigurable(bucket: ExistingBucket, accountStatus: AccountStatus): void {
  if (bucket.status === 'deleted') throw new IllegalStateError('bucket_deleted', `bucket "${bucket.name}" has been deleted`);
  if (bucket.status === 'deleting') throw new IllegalStateError('bucket_being_deleted', `bucket "${bucket.name}" is being deleted`);
  if (bucket.status === 'failed') {
    throw new IllegalStateError('bucket_failed', `bucket "${bucket.name}" could not be created (${bucket.failureReason ?? 'no reason given'}); delete it and request it again`);
  }
  requireAccountAcceptsWork(accountStatus, bucket.accountId);
}

const ref = (bucket: ExistingBucket) => ({ accountId: bucket.accountId, bucketId: bucket.bucketId, name: bucket.name });

function requestBucket({ data }: RequestBucket, state: BucketState): BucketEvent[] {
  if (state.status !== 'none') {
    // The same request again (a retried command) changes nothing; anything else is a clash of ids.
    if (state.accountId === data.accountId && state.name === data.name) return [];
    throw new ConflictError('bucket_exists', `bucket ${data.bucketId} already exists`);
  }
  checkRequestBucket(data);
  return [{ type: 'BucketRequested', data: { accountId: data.accountId, bucketId: data.bucketId, name: data.name, requestedAt: data.requestedAt } }];
}

function setQuota({ data }: SetBucketQuota, state: BucketState): BucketEvent[] {
  const bucket = requireBucket(state, data.accountId, data.bucketId);
  requireConfigurable(bucket, data.accountStatus);
  const issues: FieldIssue[] = [];
  checkQuotaBytes(data.quotaBytes, 'quotaBytes', issues);
  if (issues.length > 0) throw new ValidationError(issues);
  if (bucket.quotaBytes === data.quotaBytes) return [];
  return [{ type: 'BucketQuotaSet', data: { ...ref(bucket), quotaBytes: data.quotaBytes, changedAt: data.changedAt } }];
}

function setVersioning({ data }: SetBucketVersioning, state: BucketState): BucketEvent[] {
  const bucket = requireBucket(state, data.accountId, data.bucketId);
  requireConfigurable(bucket, data.accountStatus);
  const issues: FieldIssue[] = [];
  checkVersioning(data.versioning, 'versioning', issues);
  if (issues.length > 0) throw new ValidationError(issues);
  if (bucket.versioning === data.versioning) return [];
  return [{ type: 'BucketVersioningSet', data: { ...ref(bucket), versioning: data.versioning, changedAt: data.changedAt } }];
}

function setLifecycle({ data }: SetBucketLifecycle, state: BucketState): BucketEvent[] {
  const bucket = requireBucket(state, data.accountId, data.bucketId);
  requireConfigurable(bucket, data.accountStatus);
  const { expirationDays, noncurrentVersionExpirationDays } = data.lifecycle;
  const issues: FieldIssue[] = [];
  checkLifecycleDays(expirationDays, 'expirationDays', issues);
  checkLifecycleDays(noncurrentVersionExpirationDays, 'noncurrentVersionExpirationDays', issues);
  if (issues.length > 0) throw new ValidationError(issues);
  if (bucket.lifecycle.expirationDays === expirationDays && bucket.lifecycle.noncurrentVersionExpirationDays === noncurrentVersionExpirationDays) {
    return [];
  }
  return [{ type: 'BucketLifecycleSet', data: { ...ref(bucket), expirationDays, noncurrentVersionExpirationDays, changedAt: data.changedAt } }];
}

export const bucketDecider: Decider<BucketCommand, BucketEvent, BucketState> = {
  initialState: () => ({ status: 'none' }),

  decide(command, state) {
    switch (command.type) {
      case 'RequestBucket':
        return requestBucket(command, state);
      case 'RecordBucketProvisioned': {
        const bucket = requireBucket(state, command.data.accountId, command.data.bucketId);
        // A deletion asked for meanwhile wins: the reactor removes what it just created.
        if (bucket.status !== 'requested' && bucket.status !== 'failed') return [];
        return [{ type: 'BucketProvisioned', data: { ...ref(bucket), provisionedAt: command.data.provisionedAt } }];
      }
      case 'RecordBucketProvisioningFailed': {
        const bucket = requireBucket(state, command.data.accountId, command.data.bucketId);
        if (bucket.status === 'provisioned') {
          throw new IllegalStateError('bucket_provisioned', `bucket "${bucket.name}" is provisioned; its provisioning cannot fail any more`);
        }
        if (bucket.status !== 'requested') return [];
        const reason = command.data.reason.trim();
        if (reason.length === 0) throw new ValidationError([{ path: 'reason', message: 'say why provisioning failed' }]);
        // The reason is the remote's text: kept, but never allowed to grow an event without bound.
        return [
          {
            type: 'BucketProvisioningFailed',
            data: { ...ref(bucket), reason: reason.slice(0, MAX_FAILURE_REASON_LENGTH), failedAt: command.data.failedAt },
          },
        ];
      }
      case 'SetBucketQuota':
        return setQuota(command, state);
      case 'SetBucketVersioning':
        return setVersioning(command, state);
      case 'SetBucketLifecycle':
        return setLifecycle(command, state);
      case 'DeleteBucket': {
        const bucket = requireBucket(state, command.data.accountId, command.data.bucketId);
        if (bucket.status === 'deleting' || bucket.status === 'deleted') return [];
        return [{ type: 'BucketDeletionRequested', data: { ...ref(bucket), requestedAt: command.data.requestedAt } }];
      }
      case 'RecordBucketDeleted': {
        const bucket = requireBucket(state, command.data.accountId, command.data.bucketId);
        if (bucket.status === 'deleted') return [];
        if (bucket.status !== 'deleting') {
          throw new IllegalStateError('bucket_deletion_not_requested', `bucket "${bucket.name}" is ${bucket.status}; nobody asked to delete it`);
        }
        return [{ type: 'BucketDeleted', data: { ...ref(bucket), deletedAt: command.data.deletedAt } }];
      }
      default:
        return assertNever(command);
    }
  },

  evolve(state, event) {
    if (event.type === 'BucketRequested') {
      const { accountId, bucketId, name, requestedAt } = event.data;
      return {
        status: 'requested',
        accountId,
        bucketId,
        name,
        failureReason: null,
        quotaBytes: null,
        versioning: 'disabled',
        lifecycle: { expirationDays: null, noncurrentVersionExpirationDays: null },
        requestedAt,
        updatedAt: requestedAt,
      };
    }
    if (state.status === 'none') return state;
    switch (event.type) {
      case 'BucketProvisioned':
        return { ...state, status: 'provisioned', failureReason: null, updatedAt: event.data.provisionedAt };
      case 'BucketProvisioningFailed':
        return { ...state, status: 'failed', failureReason: event.data.reason, updatedAt: event.data.failedAt };
      case 'BucketQuotaSet':
        return { ...state, quotaBytes: event.data.quotaBytes, updatedAt: event.data.changedAt };
      case 'BucketVersioningSet':
        return { ...state, versioning: event.data.versioning, updatedAt: event.data.changedAt };
      case 'BucketLifecycleSet': {
        const { expirationDays, noncurrentVersionExpirationDays } = event.data;
        return { ...state, lifecycle: { expirationDays, noncurrentVersionExpirationDays }, updatedAt: event.data.changedAt };
      }
      case 'BucketDeletionRequested':
        return { ...state, status: 'deleting', updatedAt: event.data.requestedAt };
      case 'BucketDeleted':
        return { ...state, status: 'deleted', updatedAt: event.data.deletedAt };
      default:
        return assertNever(event);
    }
  },
};
