import { describe, expect, it } from 'vitest';
import type { SealedSecret } from '../../src/domain/shared/sealed-secret.ts';
import { ConflictError, IllegalStateError, NotFoundError } from '../../src/domain/errors.ts';
import { describeSftpUserEvent } from '../../src/presentation/audit/sftp-user-audit.ts';
import type { SftpUserCommand } from '../../src/domain/sftp-user/sftp-user-commands.ts';
import { sftpUserDecider } from '../../src/domain/sftp-user/sftp-user-decider.ts';
import type { SftpUserEvent } from '../../src/domain/sftp-user/sftp-user-events.ts';
import { sftpUsernameFor } from '../../src/domain/sftp-user/sftp-user-rules.ts';
import { deciderSpec } from '../support/decider-spec.ts';

const spec = deciderSpec(sftpUserDecider);

const ACCOUNT = 'acc-1';
const USERNAME = 'cp-acme';
const BUCKET = 'bucket-a';
const AT = '2026-03-01T12:00:00.000Z';
const LATER = '2026-03-02T12:00:00.000Z';
const sealed = (dataKeyId: string): SealedSecret => ({ dataKeyId, ciphertext: 'Y2lwaGVy', iv: 'aXZpdml2aXZpdml2', authTag: 'dGFndGFndGFndGFndGFnIQ==' });

const create = (accountStatus: 'active' | 'suspended' | 'closed' = 'active', creationId = 'creation-1'): SftpUserCommand => ({
  type: 'CreateSftpUser',
  data: { accountId: ACCOUNT, creationId, accountSlug: 'acme', sealedPassword: sealed('dk-1'), createdAt: AT, accountStatus },
});
const reset = (accountStatus: 'active' | 'suspended' | 'closed' = 'active', resetId = 'reset-1'): SftpUserCommand => ({
  type: 'ResetSftpPassword',
  data: { accountId: ACCOUNT, resetId, sealedPassword: sealed('dk-2'), resetAt: LATER, accountStatus },
});
const map = (overrides: { bucketUsable?: boolean; accountStatus?: 'active' | 'suspended' | 'closed' } = {}): SftpUserCommand => ({
  type: 'MapBucketToSftp',
  data: { accountId: ACCOUNT, bucketId: BUCKET, bucketUsable: true, mappedAt: LATER, accountStatus: 'active', ...overrides },
});
const unmap = (bucketOfAccount = true): SftpUserCommand => ({ type: 'UnmapBucketFromSftp', data: { accountId: ACCOUNT, bucketId: BUCKET, bucketOfAccount, unmappedAt: LATER } });
const disable = (): SftpUserCommand => ({ type: 'DisableSftpUser', data: { accountId: ACCOUNT, disabledAt: LATER } });
const recordProvisioned = (dataKeyId = 'dk-1'): SftpUserCommand => ({ type: 'RecordSftpUserProvisioned', data: { accountId: ACCOUNT, dataKeyId, provisionedAt: LATER } });

const created: SftpUserEvent = { type: 'SftpUserCreated', data: { accountId: ACCOUNT, username: USERNAME, sealedPassword: sealed('dk-1'), createdAt: AT, creationId: 'creation-1' } };
const wasReset: SftpUserEvent = { type: 'SftpPasswordReset', data: { accountId: ACCOUNT, username: USERNAME, sealedPassword: sealed('dk-2'), resetAt: LATER, resetId: 'reset-1' } };
const mapped: SftpUserEvent = { type: 'SftpBucketMapped', data: { accountId: ACCOUNT, username: USERNAME, bucketId: BUCKET, mappedAt: LATER } };
const unmapped: SftpUserEvent = { type: 'SftpBucketUnmapped', data: { accountId: ACCOUNT, username: USERNAME, bucketId: BUCKET, unmappedAt: LATER } };
const disabled: SftpUserEvent = { type: 'SftpUserDisabled', data: { accountId: ACCOUNT, username: USERNAME, disabledAt: LATER } };
const provisioned = (dataKeyId = 'dk-1'): SftpUserEvent => ({
  type: 'SftpUserProvisioned',
  data: { accountId: ACCOUNT, username: USERNAME, dataKeyId, provisionedAt: LATER },
});
const STORAGE_USER = 'sftp-acc-1';
const recordCredential = (dataKeyId = 'dk-s1', accessKey = STORAGE_USER): SftpUserCommand => ({
  type: 'RecordSftpStorageCredential',
  data: { accountId: ACCOUNT, accessKey, sealedSecret: sealed(dataKeyId), issuedAt: LATER },
});
const credentialIssued = (dataKeyId = 'dk-s1'): SftpUserEvent => ({
  type: 'SftpStorageCredentialIssued',
  data: { accountId: ACCOUNT, username: USERNAME, accessKey: STORAGE_USER, sealedSecret: sealed(dataKeyId), issuedAt: LATER },
});

describe('CreateSftpUser', () => {
  it('creates cp-<slug> with the sealed password', () => {
    expect(sftpUsernameFor('acme')).toBe('cp-acme');
    spec.given().when(create()).then(created);
  });
  it('refuses a second user for the account, even a disabled one', () => {
    spec.given(created).when(create('active', 'creation-2')).thenThrows(ConflictError, 'sftp_user_exists');
    spec.given(created, disabled).when(create('active', 'creation-2')).thenThrows(ConflictError, 'sftp_user_exists');
  });
  it('refuses while the account is suspended or closed', () => {
    spec.given().when(create('suspended')).thenThrows(IllegalStateError, 'account_suspended');
    spec.given().when(create('closed')).thenThrows(IllegalStateError, 'account_closed');
  });
  it('a retry of the creating request records nothing, even once the user is disabled', () => {
    spec.given(created).when(create()).thenNothing();
    spec.given(created, disabled).when(create()).thenNothing();
  });
  it('a user created before creation ids folds, and no request is taken for its retry', () => {
    const { creationId: _none, ...older } = (created as Extract<SftpUserEvent, { type: 'SftpUserCreated' }>).data;
    expect(spec.given({ type: 'SftpUserCreated', data: older }).state()).toMatchObject({ creationId: null, lastPasswordResetId: null });
    spec.given({ type: 'SftpUserCreated', data: older }).when(create()).thenThrows(ConflictError, 'sftp_user_exists');
  });
});

describe('ResetSftpPassword', () => {
  it('records the new sealed password; it is pending provisioning again', () => {
    spec.given(created, provisioned()).when(reset()).then(wasReset);
    expect(spec.given(created, provisioned(), wasReset).state()).toMatchObject({ password: { dataKeyId: 'dk-2', provisionedAt: null }, passwordResetAt: LATER });
  });
  it('refuses without a user, for a disabled user, and while the account is suspended or closed', () => {
    spec.given().when(reset()).thenThrows(NotFoundError, 'sftp_user_not_found');
    spec.given(created, disabled).when(reset()).thenThrows(IllegalStateError, 'sftp_user_disabled');
    spec.given(created).when(reset('suspended')).thenThrows(IllegalStateError, 'account_suspended');
    spec.given(created).when(reset('closed')).thenThrows(IllegalStateError, 'account_closed');
  });
  it('a retry of the last reset records nothing, even once the user is disabled; another request resets again', () => {
    spec.given(created, wasReset).when(reset()).thenNothing();
    spec.given(created, wasReset, disabled).when(reset()).thenNothing();
    spec
      .given(created, wasReset)
      .when(reset('active', 'reset-2'))
      .then({ type: 'SftpPasswordReset', data: { accountId: ACCOUNT, username: USERNAME, sealedPassword: sealed('dk-2'), resetAt: LATER, resetId: 'reset-2' } });
  });
  it('a reset recorded before reset ids folds with no id', () => {
    const { resetId: _none, ...older } = (wasReset as Extract<SftpUserEvent, { type: 'SftpPasswordReset' }>).data;
    expect(spec.given(created, { type: 'SftpPasswordReset', data: older }).state()).toMatchObject({ lastPasswordResetId: null, password: { dataKeyId: 'dk-2' } });
  });
});

describe('MapBucketToSftp / UnmapBucketFromSftp', () => {
  it('maps a bucket once; mapping it again records nothing', () => {
    spec.given(created).when(map()).then(mapped);
    spec.given(created, mapped).when(map()).thenNothing();
    expect(spec.given(created, mapped).state()).toMatchObject({ bucketIds: [BUCKET] });
  });
  it("refuses a bucket that is not the account's, a missing or disabled user, and a suspended account", () => {
    spec.given(created).when(map({ bucketUsable: false })).thenThrows(NotFoundError, 'bucket_not_found');
    spec.given().when(map()).thenThrows(NotFoundError, 'sftp_user_not_found');
    spec.given(created, disabled).when(map()).thenThrows(IllegalStateError, 'sftp_user_disabled');
    spec.given(created).when(map({ accountStatus: 'suspended' })).thenThrows(IllegalStateError, 'account_suspended');
  });
  it('unmaps a mapped bucket, also for a disabled user; unmapping one not mapped records nothing', () => {
    spec.given(created, mapped).when(unmap()).then(unmapped);
    spec.given(created, mapped, disabled).when(unmap()).then(unmapped);
    spec.given(created).when(unmap()).thenNothing();
    expect(spec.given(created, mapped, unmapped).state()).toMatchObject({ bucketIds: [] });
  });
  it("refuses to unmap a bucket that is not mapped and not the account's (another account's, or none)", () => {
    spec.given(created).when(unmap(false)).thenThrows(NotFoundError, 'bucket_not_found');
  });
  it('refuses to unmap without a user', () => {
    spec.given().when(unmap()).thenThrows(NotFoundError, 'sftp_user_not_found');
  });
});

describe('DisableSftpUser', () => {
  it('disables once; again records nothing', () => {
    spec.given(created).when(disable()).then(disabled);
    spec.given(created, disabled).when(disable()).thenNothing();
  });
  it('refuses without a user', () => {
    spec.given().when(disable()).thenThrows(NotFoundError, 'sftp_user_not_found');
  });
});

describe('RecordSftpUserProvisioned', () => {
  it('records the current password as provisioned, once', () => {
    spec.given(created).when(recordProvisioned()).then(provisioned());
    spec.given(created, provisioned()).when(recordProvisioned()).thenNothing();
    spec.given(created, wasReset).when(recordProvisioned('dk-2')).then(provisioned('dk-2'));
  });
  it('refuses a password a reset has replaced, and a missing user', () => {
    spec.given(created, wasReset).when(recordProvisioned('dk-1')).thenThrows(ConflictError, 'sftp_password_superseded');
    spec.given().when(recordProvisioned()).thenThrows(NotFoundError, 'sftp_user_not_found');
  });
});

describe('RecordSftpStorageCredential', () => {
  it('records the first storage credential; the state keeps it sealed (none in a history without it)', () => {
    expect(spec.given(created, mapped, provisioned()).state()).toMatchObject({ storageCredential: null });
    spec.given(created).when(recordCredential()).then(credentialIssued());
    expect(spec.given(created, credentialIssued(), mapped).state()).toMatchObject({
      storageCredential: { accessKey: STORAGE_USER, sealedSecret: sealed('dk-s1') },
      bucketIds: [BUCKET],
    });
  });
  it('records it for a disabled user too: its sync still describes the S3 folders', () => {
    spec.given(created, disabled).when(recordCredential()).then(credentialIssued());
  });
  it('records nothing for the very same sealed value again, and refuses any other one', () => {
    spec.given(created, credentialIssued()).when(recordCredential()).thenNothing();
    spec.given(created, credentialIssued()).when(recordCredential('dk-s2')).thenThrows(IllegalStateError, 'storage_credential_exists');
    spec.given(created, credentialIssued()).when(recordCredential('dk-s1', 'sftp-other')).thenThrows(IllegalStateError, 'storage_credential_exists');
    // a password reset leaves the storage credential alone
    expect(spec.given(created, credentialIssued(), wasReset).state()).toMatchObject({ storageCredential: { sealedSecret: { dataKeyId: 'dk-s1' } } });
  });
  it('refuses without a user', () => {
    spec.given().when(recordCredential()).thenThrows(NotFoundError, 'sftp_user_not_found');
  });
});

describe('audit', () => {
  it('describes every event without any part of the sealed password or storage secret', () => {
    for (const event of [created, wasReset, mapped, unmapped, disabled, provisioned(), credentialIssued('dk-1')]) {
      const description = describeSftpUserEvent(event.type, event.data);
      expect(description).toMatchObject({ accountId: ACCOUNT, resourceType: 'sftp_user', resourceId: USERNAME });
      expect(description!.summary).toContain(USERNAME);
      for (const part of Object.values(sealed('dk-1'))) expect(description!.summary).not.toContain(part);
    }
    expect(describeSftpUserEvent(credentialIssued().type, credentialIssued().data)!.summary).toBe(`Storage credential ${STORAGE_USER} issued for SFTP user ${USERNAME}`);
    expect(describeSftpUserEvent('AccessKeyIssued', {})).toBeNull();
  });
});
