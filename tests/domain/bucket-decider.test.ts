import { describe, expect, it } from 'vitest';
import type { AccountStatus } from '../../src/domain/account/account-decider.ts';
import { describeBucketEvent } from '../../src/presentation/audit/bucket-audit.ts';
import type {
  DeleteBucket,
  RecordBucketDeleted,
  RecordBucketProvisioned,
  RecordBucketProvisioningFailed,
  RequestBucket,
  SetBucketLifecycle,
  SetBucketQuota,
  SetBucketVersioning,
} from '../../src/domain/bucket/bucket-commands.ts';
import { bucketDecider } from '../../src/domain/bucket/bucket-decider.ts';
import type {
  BucketDeleted,
  BucketDeletionRequested,
  BucketLifecycleSet,
  BucketProvisioned,
  BucketProvisioningFailed,
  BucketQuotaSet,
  BucketRequested,
  BucketVersioningSet,
} from '../../src/domain/bucket/bucket-events.ts';
import { ConflictError, IllegalStateError, NotFoundError, ValidationError, type DomainError } from '../../src/domain/errors.ts';
import { deciderSpec } from '../support/decider-spec.ts';

const spec = deciderSpec(bucketDecider);

const ACCOUNT = 'acc-1';
const OTHER_ACCOUNT = 'acc-2';
const BUCKET = 'bkt-1';
const NAME = 'acme-backups';
const REQUESTED_AT = '2026-03-01T12:00:00.000Z';
const LATER = '2026-03-01T12:00:05.000Z';
const MUCH_LATER = '2026-03-02T08:00:00.000Z';
const ref = { accountId: ACCOUNT, bucketId: BUCKET, name: NAME };

// ---- commands ---------------------------------------------------------------------------

const request = (overrides: Partial<RequestBucket['data']> = {}): RequestBucket => ({
  type: 'RequestBucket',
  data: { accountId: ACCOUNT, bucketId: BUCKET, name: NAME, requestedAt: REQUESTED_AT, accountStatus: 'active', ...overrides },
});
const provision = (accountId = ACCOUNT): RecordBucketProvisioned => ({
  type: 'RecordBucketProvisioned',
  data: { accountId, bucketId: BUCKET, provisionedAt: LATER },
});
const fail = (reason = 'BucketAlreadyExists', accountId = ACCOUNT): RecordBucketProvisioningFailed => ({
  type: 'RecordBucketProvisioningFailed',
  data: { accountId, bucketId: BUCKET, reason, failedAt: LATER },
});
const setQuota = (quotaBytes: string | null, accountStatus: AccountStatus = 'active', accountId = ACCOUNT): SetBucketQuota => ({
  type: 'SetBucketQuota',
  data: { accountId, bucketId: BUCKET, quotaBytes, changedAt: MUCH_LATER, accountStatus },
});
const setVersioning = (versioning: 'enabled' | 'suspended', accountStatus: AccountStatus = 'active'): SetBucketVersioning => ({
  type: 'SetBucketVersioning',
  data: { accountId: ACCOUNT, bucketId: BUCKET, versioning, changedAt: MUCH_LATER, accountStatus },
});
const setLifecycle = (
  expirationDays: number | null,
  noncurrentVersionExpirationDays: number | null,
  accountStatus: AccountStatus = 'active',
): SetBucketLifecycle => ({
  type: 'SetBucketLifecycle',
  data: { accountId: ACCOUNT, bucketId: BUCKET, lifecycle: { expirationDays, noncurrentVersionExpirationDays }, changedAt: MUCH_LATER, accountStatus },
});
const remove = (accountId = ACCOUNT): DeleteBucket => ({ type: 'DeleteBucket', data: { accountId, bucketId: BUCKET, requestedAt: MUCH_LATER } });
const recordDeleted = (accountId = ACCOUNT): RecordBucketDeleted => ({
  type: 'RecordBucketDeleted',
  data: { accountId, bucketId: BUCKET, deletedAt: MUCH_LATER },
});

// ---- events, written out by hand --------------------------------------------------------

const requested: BucketRequested = { type: 'BucketRequested', data: { ...ref, requestedAt: REQUESTED_AT } };
const provisioned: BucketProvisioned = { type: 'BucketProvisioned', data: { ...ref, provisionedAt: LATER } };
const failed: BucketProvisioningFailed = { type: 'BucketProvisioningFailed', data: { ...ref, reason: 'BucketAlreadyExists', failedAt: LATER } };
const quotaSet = (quotaBytes: string | null): BucketQuotaSet => ({ type: 'BucketQuotaSet', data: { ...ref, quotaBytes, changedAt: MUCH_LATER } });
const versioningSet = (versioning: 'enabled' | 'suspended'): BucketVersioningSet => ({
  type: 'BucketVersioningSet',
  data: { ...ref, versioning, changedAt: MUCH_LATER },
});
const lifecycleSet = (expirationDays: number | null, noncurrentVersionExpirationDays: number | null): BucketLifecycleSet => ({
  type: 'BucketLifecycleSet',
  data: { ...ref, expirationDays, noncurrentVersionExpirationDays, changedAt: MUCH_LATER },
});
const deletionRequested: BucketDeletionRequested = { type: 'BucketDeletionRequested', data: { ...ref, requestedAt: MUCH_LATER } };
const deleted: BucketDeleted = { type: 'BucketDeleted', data: { ...ref, deletedAt: MUCH_LATER } };

const issuesOf = (error: DomainError) => (error as ValidationError).issues;

describe('RequestBucket', () => {
  it('records the request', () => {
    spec.given().when(request()).then(requested);
  });

  it('refuses a name that breaks the S3 rules, naming the field and every broken rule', () => {
    spec
      .given()
      .when(request({ name: 'xn--My..Bucket' }))
      .thenThrows(ValidationError, 'validation_failed', (error) => {
        expect(issuesOf(error)).toEqual([
          { path: 'name', message: 'may contain only lowercase letters (a-z), digits, hyphens and dots' },
          { path: 'name', message: 'must not contain two dots in a row' },
          { path: 'name', message: 'must not start with "xn--" (reserved for internationalized domain names)' },
        ]);
      });
  });

  it('refuses new buckets for a suspended account', () => {
    spec.given().when(request({ accountStatus: 'suspended' })).thenThrows(IllegalStateError, 'account_suspended');
  });

  it('refuses new buckets for a closed account', () => {
    spec.given().when(request({ accountStatus: 'closed' })).thenThrows(IllegalStateError, 'account_closed');
  });

  it('records nothing when the same request is repeated', () => {
    spec.given(requested).when(request()).thenNothing();
  });

  it('refuses another bucket under an id already used', () => {
    spec.given(requested).when(request({ name: 'other-name' })).thenThrows(ConflictError, 'bucket_exists');
  });
});

describe('RecordBucketProvisioned', () => {
  it('moves a requested bucket to provisioned', () => {
    spec.given(requested).when(provision()).then(provisioned);
  });

  it('moves a failed bucket to provisioned when a retry succeeded, clearing the failure', () => {
    spec.given(requested, failed).when(provision()).then(provisioned);
    expect(spec.given(requested, failed, provisioned).state()).toMatchObject({ status: 'provisioned', failureReason: null });
  });

  it('records nothing when repeated, or once a deletion was asked for', () => {
    spec.given(requested, provisioned).when(provision()).thenNothing();
    spec.given(requested, deletionRequested).when(provision()).thenNothing();
    spec.given(requested, deletionRequested, deleted).when(provision()).thenNothing();
  });

  it('does not know a bucket that does not exist, or that belongs to another account', () => {
    spec.given().when(provision()).thenThrows(NotFoundError, 'bucket_not_found');
    spec.given(requested).when(provision(OTHER_ACCOUNT)).thenThrows(NotFoundError, 'bucket_not_found');
  });
});

describe('RecordBucketProvisioningFailed', () => {
  it("records the remote's reason, trimmed", () => {
    spec.given(requested).when(fail('  BucketAlreadyExists \n')).then(failed);
    expect(spec.given(requested, failed).state()).toMatchObject({ status: 'failed', failureReason: 'BucketAlreadyExists' });
  });

  it('keeps the first 1000 characters of a very long reason', () => {
    const long = 'x'.repeat(1500);
    spec
      .given(requested)
      .when(fail(long))
      .then({ type: 'BucketProvisioningFailed', data: { ...ref, reason: 'x'.repeat(1000), failedAt: LATER } });
  });

  it('refuses an empty reason', () => {
    spec
      .given(requested)
      .when(fail('   '))
      .thenThrows(ValidationError, 'validation_failed', (error) => expect(issuesOf(error).map((i) => i.path)).toEqual(['reason']));
  });

  it('refuses once the bucket is provisioned', () => {
    spec.given(requested, provisioned).when(fail()).thenThrows(IllegalStateError, 'bucket_provisioned');
  });

  it('records nothing when repeated, or once a deletion was asked for', () => {
    spec.given(requested, failed).when(fail('another reason')).thenNothing();
    spec.given(requested, deletionRequested).when(fail()).thenNothing();
  });

  it('does not know another account’s bucket', () => {
    spec.given(requested).when(fail('x', OTHER_ACCOUNT)).thenThrows(NotFoundError, 'bucket_not_found');
  });
});

describe('SetBucketQuota', () => {
  it('sets a quota on a requested or provisioned bucket, and removes it with null', () => {
    spec.given(requested).when(setQuota('10737418240')).then(quotaSet('10737418240'));
    spec.given(requested, provisioned).when(setQuota('1')).then(quotaSet('1'));
    spec.given(requested, quotaSet('10737418240')).when(setQuota(null)).then(quotaSet(null));
  });

  it('accepts the largest quota a bigint holds', () => {
    spec.given(requested).when(setQuota('9223372036854775807')).then(quotaSet('9223372036854775807'));
  });

  it('records nothing when the quota is already that', () => {
    spec.given(requested, quotaSet('5368709120')).when(setQuota('5368709120')).thenNothing();
    spec.given(requested).when(setQuota(null)).thenNothing();
  });

  it.each(['0', '-1', '01', '1.5', '1e9', '', ' 5', '9223372036854775808'])('refuses %j', (bytes) => {
    spec
      .given(requested)
      .when(setQuota(bytes))
      .thenThrows(ValidationError, 'validation_failed', (error) => expect(issuesOf(error).map((i) => i.path)).toEqual(['quotaBytes']));
  });

  it('refuses on a bucket that failed, is being deleted, or is deleted', () => {
    spec.given(requested, failed).when(setQuota('1')).thenThrows(IllegalStateError, 'bucket_failed');
    spec.given(requested, deletionRequested).when(setQuota('1')).thenThrows(IllegalStateError, 'bucket_being_deleted');
    spec.given(requested, deletionRequested, deleted).when(setQuota('1')).thenThrows(IllegalStateError, 'bucket_deleted');
  });

  it('refuses while the account is suspended or closed', () => {
    spec.given(requested).when(setQuota('1', 'suspended')).thenThrows(IllegalStateError, 'account_suspended');
    spec.given(requested).when(setQuota('1', 'closed')).thenThrows(IllegalStateError, 'account_closed');
  });

  it('does not know a missing bucket or another account’s', () => {
    spec.given().when(setQuota('1')).thenThrows(NotFoundError, 'bucket_not_found');
    spec.given(requested).when(setQuota('1', 'active', OTHER_ACCOUNT)).thenThrows(NotFoundError, 'bucket_not_found');
  });
});

describe('SetBucketVersioning', () => {
  it('enables, then suspends', () => {
    spec.given(requested).when(setVersioning('enabled')).then(versioningSet('enabled'));
    spec.given(requested, versioningSet('enabled')).when(setVersioning('suspended')).then(versioningSet('suspended'));
    spec.given(requested, versioningSet('enabled'), versioningSet('suspended')).when(setVersioning('enabled')).then(versioningSet('enabled'));
  });

  it('records nothing when it is already so', () => {
    spec.given(requested, versioningSet('enabled')).when(setVersioning('enabled')).thenNothing();
  });

  it('refuses "disabled": a versioned bucket can only be suspended, as in S3', () => {
    const command = setVersioning('enabled');
    (command.data as { versioning: string }).versioning = 'disabled';
    spec.given(requested, versioningSet('enabled')).when(command).thenThrows(ValidationError, 'validation_failed', (error) => {
      expect(issuesOf(error)).toEqual([{ path: 'versioning', message: 'must be "enabled" or "suspended"' }]);
    });
  });

  it('refuses on a bucket being deleted, and while the account is suspended', () => {
    spec.given(requested, deletionRequested).when(setVersioning('enabled')).thenThrows(IllegalStateError, 'bucket_being_deleted');
    spec.given(requested).when(setVersioning('enabled', 'suspended')).thenThrows(IllegalStateError, 'account_suspended');
  });
});

describe('SetBucketLifecycle', () => {
  it('sets both rules, one of them, then clears them', () => {
    spec.given(requested).when(setLifecycle(30, 7)).then(lifecycleSet(30, 7));
    spec.given(requested, lifecycleSet(30, 7)).when(setLifecycle(null, 7)).then(lifecycleSet(null, 7));
    spec.given(requested, lifecycleSet(30, 7)).when(setLifecycle(null, null)).then(lifecycleSet(null, null));
  });

  it('records nothing when the rules are already those', () => {
    spec.given(requested, lifecycleSet(30, 7)).when(setLifecycle(30, 7)).thenNothing();
    spec.given(requested).when(setLifecycle(null, null)).thenNothing();
  });

  it('lists every bad field: zero, fractions and more than a century of days', () => {
    spec
      .given(requested)
      .when(setLifecycle(0, 1.5))
      .thenThrows(ValidationError, 'validation_failed', (error) =>
        expect(issuesOf(error).map((i) => i.path)).toEqual(['expirationDays', 'noncurrentVersionExpirationDays']),
      );
    spec.given(requested).when(setLifecycle(36_501, null)).thenThrows(ValidationError, 'validation_failed');
    spec.given(requested).when(setLifecycle(36_500, 1)).then(lifecycleSet(36_500, 1));
  });

  it('refuses on a deleted bucket, and while the account is closed', () => {
    spec.given(requested, deletionRequested, deleted).when(setLifecycle(1, 1)).thenThrows(IllegalStateError, 'bucket_deleted');
    spec.given(requested).when(setLifecycle(1, 1, 'closed')).thenThrows(IllegalStateError, 'account_closed');
  });
});

describe('DeleteBucket and RecordBucketDeleted', () => {
  it('asks for the deletion of a requested, provisioned or failed bucket', () => {
    spec.given(requested).when(remove()).then(deletionRequested);
    spec.given(requested, provisioned).when(remove()).then(deletionRequested);
    spec.given(requested, failed).when(remove()).then(deletionRequested);
  });

  it('records nothing when the deletion was already asked for, or done', () => {
    spec.given(requested, deletionRequested).when(remove()).thenNothing();
    spec.given(requested, deletionRequested, deleted).when(remove()).thenNothing();
  });

  it('does not know another account’s bucket', () => {
    spec.given(requested).when(remove(OTHER_ACCOUNT)).thenThrows(NotFoundError, 'bucket_not_found');
    spec.given(requested, deletionRequested).when(recordDeleted(OTHER_ACCOUNT)).thenThrows(NotFoundError, 'bucket_not_found');
  });

  it('records the deletion once asked for, and only then', () => {
    spec.given(requested, provisioned, deletionRequested).when(recordDeleted()).then(deleted);
    spec.given(requested, provisioned).when(recordDeleted()).thenThrows(IllegalStateError, 'bucket_deletion_not_requested');
    spec.given(requested, deletionRequested, deleted).when(recordDeleted()).thenNothing();
    spec.given().when(recordDeleted()).thenThrows(NotFoundError, 'bucket_not_found');
  });
});

describe('the bucket as its events fold', () => {
  it('keeps every setting and the latest time', () => {
    const state = spec.given(requested, provisioned, quotaSet('1073741824'), versioningSet('enabled'), lifecycleSet(90, null), deletionRequested).state();
    expect(state).toEqual({
      status: 'deleting',
      accountId: ACCOUNT,
      bucketId: BUCKET,
      name: NAME,
      failureReason: null,
      quotaBytes: '1073741824',
      versioning: 'enabled',
      lifecycle: { expirationDays: 90, noncurrentVersionExpirationDays: null },
      requestedAt: REQUESTED_AT,
      updatedAt: MUCH_LATER,
    });
  });
});

describe('bucket events in the audit log', () => {
  it('name the account, the bucket and what happened', () => {
    expect(describeBucketEvent('BucketRequested', requested.data)).toEqual({
      accountId: ACCOUNT,
      resourceType: 'bucket',
      resourceId: BUCKET,
      summary: 'Bucket "acme-backups" requested',
    });
    expect(describeBucketEvent('BucketQuotaSet', quotaSet('10737418240').data)?.summary).toBe('Quota of bucket "acme-backups" set to 10 GiB');
    expect(describeBucketEvent('BucketQuotaSet', quotaSet('1000').data)?.summary).toBe('Quota of bucket "acme-backups" set to 1000 bytes');
    expect(describeBucketEvent('BucketLifecycleSet', lifecycleSet(1, null).data)?.summary).toBe(
      'Lifecycle of bucket "acme-backups" set: objects expire after 1 day, noncurrent versions never expire',
    );
    expect(describeBucketEvent('AccountOpened', {})).toBeNull();
  });
});
