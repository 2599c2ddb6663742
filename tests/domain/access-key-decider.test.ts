import { describe, expect, it } from 'vitest';
import type { IssueAccessKey, RecordAccessKeyProvisioned, RevokeAccessKey, RotateAccessKey } from '../../src/domain/access-key/access-key-commands.ts';
import { accessKeyDecider, accessKeyStatusAt } from '../../src/domain/access-key/access-key-decider.ts';
import type { AccessKeyIssued, AccessKeyProvisioned, AccessKeyRevoked, AccessKeyRotated } from '../../src/domain/access-key/access-key-events.ts';
import { describeAccessKeyEvent } from '../../src/presentation/audit/access-key-audit.ts';
import type { SealedSecret } from '../../src/domain/shared/sealed-secret.ts';
import { ConflictError, IllegalStateError, NotFoundError, ValidationError } from '../../src/domain/errors.ts';
import { deciderSpec } from '../support/decider-spec.ts';

const spec = deciderSpec(accessKeyDecider);

const ACCOUNT = 'acc-1';
const KEY = 'key-1';
const BUCKET_A = 'bucket-a';
const BUCKET_B = 'bucket-b';
const AKID = 'AKIAIOSFODNN7EXAMPLE';
const AKID_2 = 'AKIAI44QH8DHBEXAMPLE';
const AKID_3 = 'AKIAZZZZZZZZZZZZZZZ3';
const ISSUED_AT = '2026-03-01T12:00:00.000Z';
const LATER = '2026-03-02T12:00:00.000Z';
const sealed = (dataKeyId: string): SealedSecret => ({ dataKeyId, ciphertext: 'Y2lwaGVy', iv: 'aXZpdml2aXZpdml2', authTag: 'dGFndGFndGFndGFndGFnIQ==' });
const SEALED = sealed('dk-1');
const SEALED_2 = sealed('dk-2');
const SEALED_3 = sealed('dk-3');

const issue = (overrides: Partial<IssueAccessKey['data']> = {}): IssueAccessKey => ({
  type: 'IssueAccessKey',
  data: {
    accountId: ACCOUNT,
    keyId: KEY,
    name: 'backup',
    buckets: [BUCKET_A],
    permission: 'read-write',
    accessKeyId: AKID,
    sealedSecret: SEALED,
    issuedAt: ISSUED_AT,
    accountStatus: 'active',
    usableBucketIds: [BUCKET_A],
    ...overrides,
  },
});
const issued = (overrides: Partial<AccessKeyIssued['data']> = {}): AccessKeyIssued => ({
  type: 'AccessKeyIssued',
  data: {
    accountId: ACCOUNT,
    keyId: KEY,
    name: 'backup',
    accessKeyId: AKID,
    buckets: [BUCKET_A],
    permission: 'read-write',
    expiresAt: null,
    sealedSecret: SEALED,
    issuedAt: ISSUED_AT,
    ...overrides,
  },
});
const rotate = (overrides: Partial<RotateAccessKey['data']> = {}): RotateAccessKey => ({
  type: 'RotateAccessKey',
  data: { accountId: ACCOUNT, keyId: KEY, rotationId: 'rotation-1', accessKeyId: AKID_2, sealedSecret: SEALED_2, rotatedAt: LATER, graceHours: 24, accountStatus: 'active', ...overrides },
});
const rotated = (overrides: Partial<AccessKeyRotated['data']> = {}): AccessKeyRotated => ({
  type: 'AccessKeyRotated',
  data: {
    accountId: ACCOUNT,
    keyId: KEY,
    name: 'backup',
    accessKeyId: AKID_2,
    sealedSecret: SEALED_2,
    previousAccessKeyId: AKID,
    previousSecretValidUntil: '2026-03-03T12:00:00.000Z',
    rotatedAt: LATER,
    rotationId: 'rotation-1',
    ...overrides,
  },
});
const revoke = (overrides: Partial<RevokeAccessKey['data']> = {}): RevokeAccessKey => ({
  type: 'RevokeAccessKey',
  data: { accountId: ACCOUNT, keyId: KEY, revokedAt: LATER, ...overrides },
});
const revoked = (): AccessKeyRevoked => ({ type: 'AccessKeyRevoked', data: { accountId: ACCOUNT, keyId: KEY, name: 'backup', accessKeyId: AKID, revokedAt: LATER } });
const recordProvisioned = (accessKeyId = AKID, overrides: Partial<RecordAccessKeyProvisioned['data']> = {}): RecordAccessKeyProvisioned => ({
  type: 'RecordAccessKeyProvisioned',
  data: { accountId: ACCOUNT, keyId: KEY, accessKeyId, provisionedAt: LATER, ...overrides },
});
const provisioned = (accessKeyId = AKID, dataKeyId = 'dk-1'): AccessKeyProvisioned => ({
  type: 'AccessKeyProvisioned',
  data: { accountId: ACCOUNT, keyId: KEY, name: 'backup', accessKeyId, dataKeyId, provisionedAt: LATER },
});

const paths = (error: unknown) => (error as ValidationError).issues.map((i) => i.path);

describe('IssueAccessKey', () => {
  it('records the key with its scope, permission and sealed secret, name trimmed', () => {
    spec.given().when(issue({ name: '  backup ' })).then(issued());
  });

  it('accepts "all" buckets and an expiry in the future', () => {
    spec
      .given()
      .when(issue({ buckets: 'all', usableBucketIds: [], expiresAt: '2026-04-01T00:00:00.000Z', permission: 'read' }))
      .then(issued({ buckets: 'all', expiresAt: '2026-04-01T00:00:00.000Z', permission: 'read' }));
  });

  it('refuses a second key with the same id', () => {
    spec.given(issued()).when(issue()).thenThrows(ConflictError, 'access_key_exists');
  });

  it('lists every bad field at once: name, scope, permission, access key id, expiry', () => {
    spec
      .given()
      .when(
        issue({
          name: ' ',
          buckets: [],
          permission: 'admin' as never,
          accessKeyId: 'akiaiosfodnn7example',
          expiresAt: '2026-03-01T11:59:59.000Z',
        }),
      )
      .thenThrows(ValidationError, 'validation_failed', (error) => {
        expect(paths(error).sort()).toEqual(['accessKeyId', 'buckets', 'expiresAt', 'name', 'permission']);
      });
  });

  it('refuses a name over 100 characters, an expiry that is not a date, and an expiry equal to the issue time', () => {
    spec.given().when(issue({ name: 'x'.repeat(101) })).thenThrows(ValidationError, 'validation_failed', (e) => expect(paths(e)).toEqual(['name']));
    spec.given().when(issue({ expiresAt: 'tomorrow' })).thenThrows(ValidationError, 'validation_failed', (e) => expect(paths(e)).toEqual(['expiresAt']));
    spec.given().when(issue({ expiresAt: ISSUED_AT })).thenThrows(ValidationError, 'validation_failed', (e) => expect(paths(e)).toEqual(['expiresAt']));
  });

  it('refuses an access key id of the wrong length', () => {
    spec.given().when(issue({ accessKeyId: 'AKIA123' })).thenThrows(ValidationError, 'validation_failed', (e) => expect(paths(e)).toEqual(['accessKeyId']));
  });

  it("refuses buckets that are not the account's (or not usable), naming each, and a bucket listed twice", () => {
    spec
      .given()
      .when(issue({ buckets: [BUCKET_A, BUCKET_B, BUCKET_A], usableBucketIds: [BUCKET_A] }))
      .thenThrows(ValidationError, 'validation_failed', (e) => expect(paths(e).sort()).toEqual(['buckets.1', 'buckets.2']));
  });

  it('refuses new keys for a suspended or closed account', () => {
    spec.given().when(issue({ accountStatus: 'suspended' })).thenThrows(IllegalStateError, 'account_suspended');
    spec.given().when(issue({ accountStatus: 'closed' })).thenThrows(IllegalStateError, 'account_closed');
  });
});

describe('RotateAccessKey', () => {
  it('gives the key new credentials; the old ones stay valid for the grace period', () => {
    spec.given(issued()).when(rotate()).then(rotated());
    const state = spec.given(issued(), rotated()).state();
    expect(state).toMatchObject({
      current: { accessKeyId: AKID_2, dataKeyId: 'dk-2', provisionedAt: null },
      previous: { accessKeyId: AKID, dataKeyId: 'dk-1', validUntil: '2026-03-03T12:00:00.000Z' },
    });
  });

  it('never lets the grace period outlive the key', () => {
    spec
      .given(issued({ expiresAt: '2026-03-02T18:00:00.000Z' }))
      .when(rotate())
      .then(rotated({ previousSecretValidUntil: '2026-03-02T18:00:00.000Z' }));
  });

  it('a second rotation inside the grace period retires the oldest credentials', () => {
    spec
      .given(issued(), rotated())
      .when(rotate({ rotationId: 'rotation-2', accessKeyId: AKID_3, sealedSecret: SEALED_3, rotatedAt: '2026-03-02T13:00:00.000Z' }))
      .then(
        rotated({
          accessKeyId: AKID_3,
          sealedSecret: SEALED_3,
          previousAccessKeyId: AKID_2,
          previousSecretValidUntil: '2026-03-03T13:00:00.000Z',
          rotatedAt: '2026-03-02T13:00:00.000Z',
          rotationId: 'rotation-2',
        }),
      );
  });

  it('a retry of the last rotation records nothing, even once the key is revoked', () => {
    spec.given(issued(), rotated()).when(rotate({ accessKeyId: AKID_3, sealedSecret: SEALED_3 })).then();
    spec.given(issued(), rotated(), revoked()).when(rotate({ accessKeyId: AKID_3, sealedSecret: SEALED_3 })).then();
  });

  it('a rotation recorded before rotation ids still folds, and the next rotation is not taken for its retry', () => {
    const { rotationId: _none, ...older } = rotated().data;
    expect(spec.given(issued(), { type: 'AccessKeyRotated', data: older }).state()).toMatchObject({ lastRotationId: null, current: { accessKeyId: AKID_2 } });
    spec
      .given(issued(), { type: 'AccessKeyRotated', data: older })
      .when(rotate({ accessKeyId: AKID_3, sealedSecret: SEALED_3 }))
      .then(rotated({ accessKeyId: AKID_3, sealedSecret: SEALED_3, previousAccessKeyId: AKID_2 }));
  });

  it('refuses an unknown key, and another account\'s key alike', () => {
    spec.given().when(rotate()).thenThrows(NotFoundError, 'access_key_not_found');
    spec.given(issued()).when(rotate({ accountId: 'acc-2' })).thenThrows(NotFoundError, 'access_key_not_found');
  });

  it('refuses a revoked key', () => {
    spec.given(issued(), revoked()).when(rotate()).thenThrows(IllegalStateError, 'access_key_revoked');
  });

  it('refuses an expired key', () => {
    spec.given(issued({ expiresAt: '2026-03-02T00:00:00.000Z' })).when(rotate()).thenThrows(IllegalStateError, 'access_key_expired');
  });

  it('refuses while the account is suspended or closed', () => {
    spec.given(issued()).when(rotate({ accountStatus: 'suspended' })).thenThrows(IllegalStateError, 'account_suspended');
    spec.given(issued()).when(rotate({ accountStatus: 'closed' })).thenThrows(IllegalStateError, 'account_closed');
  });

  it('refuses a malformed or reused access key id and a negative grace period', () => {
    spec.given(issued()).when(rotate({ accessKeyId: 'short' })).thenThrows(ValidationError, 'validation_failed');
    spec.given(issued()).when(rotate({ graceHours: -1 })).thenThrows(ValidationError, 'validation_failed', (e) => expect(paths(e)).toEqual(['graceHours']));
    spec.given(issued()).when(rotate({ accessKeyId: AKID })).thenThrows(ConflictError, 'access_key_id_reused');
  });
});

describe('RevokeAccessKey', () => {
  it('records the revocation with the key and its credentials', () => {
    spec.given(issued()).when(revoke()).then(revoked());
  });

  it('revoking twice records nothing', () => {
    spec.given(issued(), revoked()).when(revoke()).thenNothing();
  });

  it('revokes an expired key too', () => {
    spec.given(issued({ expiresAt: '2026-03-01T13:00:00.000Z' })).when(revoke()).then(revoked());
  });

  it("refuses an unknown key and another account's key", () => {
    spec.given().when(revoke()).thenThrows(NotFoundError, 'access_key_not_found');
    spec.given(issued()).when(revoke({ accountId: 'acc-2' })).thenThrows(NotFoundError, 'access_key_not_found');
  });
});

describe('RecordAccessKeyProvisioned', () => {
  it("records the credentials as provisioned, naming the data key to destroy", () => {
    spec.given(issued()).when(recordProvisioned()).then(provisioned());
  });

  it('records the previous credentials of a rotated key, and the current ones', () => {
    spec.given(issued(), rotated()).when(recordProvisioned(AKID)).then(provisioned(AKID, 'dk-1'));
    spec.given(issued(), rotated()).when(recordProvisioned(AKID_2)).then(provisioned(AKID_2, 'dk-2'));
  });

  it('records nothing the second time', () => {
    spec.given(issued(), provisioned()).when(recordProvisioned()).thenNothing();
  });

  it('is recorded for a revoked key too: the secret must still be destroyed', () => {
    spec.given(issued(), revoked()).when(recordProvisioned()).then(provisioned());
  });

  it('refuses credentials the key does not have, an unknown key, and another account\'s key', () => {
    spec.given(issued()).when(recordProvisioned(AKID_3)).thenThrows(NotFoundError, 'access_key_credential_not_found');
    spec.given().when(recordProvisioned()).thenThrows(NotFoundError, 'access_key_not_found');
    spec.given(issued()).when(recordProvisioned(AKID, { accountId: 'acc-2' })).thenThrows(NotFoundError, 'access_key_not_found');
  });
});

describe('status and audit', () => {
  it('is expired once expiresAt has passed, revoked once revoked, else active', () => {
    const key = spec.given(issued({ expiresAt: '2026-03-05T00:00:00.000Z' })).state();
    if (key.status === 'none') throw new Error('expected a key');
    expect(accessKeyStatusAt(key, '2026-03-04T23:59:59.999Z')).toBe('active');
    expect(accessKeyStatusAt(key, '2026-03-05T00:00:00.000Z')).toBe('expired');
    const gone = spec.given(issued(), revoked()).state();
    if (gone.status === 'none') throw new Error('expected a key');
    expect(accessKeyStatusAt(gone, ISSUED_AT)).toBe('revoked');
  });

  it('describes every event for the audit log without any part of the sealed secret', () => {
    for (const event of [issued(), rotated(), revoked(), provisioned()]) {
      const description = describeAccessKeyEvent(event.type, event.data);
      expect(description).toMatchObject({ accountId: ACCOUNT, resourceType: 'access_key', resourceId: KEY });
      expect(description!.summary).toContain('backup');
      for (const part of Object.values(SEALED)) expect(description!.summary).not.toContain(part);
    }
    expect(describeAccessKeyEvent('BucketRequested', {})).toBeNull();
  });
});
