import { requireAccountAcceptsWork } from '../account/account-guard.ts';
import { assertNever, type Decider } from '../decider.ts';
import { ConflictError, IllegalStateError, NotFoundError, ValidationError, type FieldIssue } from '../errors.ts';
import type { AccessKeyCommand, IssueAccessKey, RecordAccessKeyProvisioned, RotateAccessKey } from './access-key-commands.ts';
import type { AccessKeyEvent } from './access-key-events.ts';
import {
  checkAccessKeyId,
  checkBucketScope,
  checkExpiry,
  checkKeyName,
  checkPermission,
  isExpired,
  type AccessKeyPermission,
  type BucketScope,
} from './access-key-rules.ts';

/**
 * active ─► revoked            (expired is not a state: it is active past expiresAt, seen at read time)
 *
 * A key is a named grant (scope, permission, expiry) with credentials: an access key id and
 * its secret. Rotation gives the key new credentials, a new id and a new secret, as AWS
 * does: a MinIO service account holds exactly one secret, so old and new can only both work
 * during the grace period as two credentials. At most two are live: rotating again inside
 * the grace period ends the older one at once.
 */
export type AccessKeyStatus = 'active' | 'revoked';

export interface AccessKeyCredential {
  accessKeyId: string;
  /** the data key sealing its secret; shredded once provisioned */
  dataKeyId: string;
  /** when MinIO got them; null while pending */
  provisionedAt: string | null;
}

export type AccessKeyState =
  | { status: 'none' }
  | {
      status: AccessKeyStatus;
      accountId: string;
      keyId: string;
      name: string;
      buckets: BucketScope;
      permission: AccessKeyPermission;
      expiresAt: string | null;
      issuedAt: string;
      rotatedAt: string | null;
      /** the id of the last rotation's request, so its retry is recognised (null if none, or unrecorded) */
      lastRotationId: string | null;
      revokedAt: string | null;
      current: AccessKeyCredential;
      /** the credentials before the last rotation, valid until `validUntil` */
      previous: (AccessKeyCredential & { validUntil: string }) | null;
    };

type ExistingKey = Exclude<AccessKeyState, { status: 'none' }>;

/** What a portal shows: revoked, else expired once expiresAt has passed at `now`, else active. */
export function accessKeyStatusAt(state: ExistingKey, now: string): 'active' | 'expired' | 'revoked' {
  if (state.status === 'revoked') return 'revoked';
  return isExpired(state.expiresAt, now) ? 'expired' : 'active';
}

/** The checks of IssueAccessKey that need no history; exported so the command layer can run them before it seals anything. */
export function validateIssueAccessKey(data: IssueAccessKey['data']): FieldIssue[] {
  const issues: FieldIssue[] = [];
  checkKeyName(data.name, 'name', issues);
  checkBucketScope(data.buckets, 'buckets', issues);
  checkPermission(data.permission, 'permission', issues);
  checkAccessKeyId(data.accessKeyId, 'accessKeyId', issues);
  if (data.expiresAt !== undefined && data.expiresAt !== null) checkExpiry(data.expiresAt, data.issuedAt, 'expiresAt', issues);
  return issues;
}

/** Another account's key is reported exactly like a key that does not exist. */
function requireKey(state: AccessKeyState, accountId: string, keyId: string): ExistingKey {
  if (state.status === 'none' || state.accountId !== accountId) throw new NotFoundError('access_key_not_found', `access key ${keyId} does not exist`);
  return state;
}

const ref = (key: ExistingKey) => ({ accountId: key.accountId, keyId: key.keyId, name: key.name });

const HOUR_MS = 3_600_000;

function issueAccessKey({ data }: IssueAccessKey, state: AccessKeyState): AccessKeyEvent[] {
  if (state.status !== 'none') throw new ConflictError('access_key_exists', `access key ${data.keyId} already exists`);
  const issues = validateIssueAccessKey(data);
  if (data.buckets !== 'all' && Array.isArray(data.buckets)) {
    data.buckets.forEach((bucketId, index) => {
      if (!data.usableBucketIds.includes(bucketId)) issues.push({ path: `buckets.${index}`, message: 'no such bucket in this account (or it is being deleted)' });
    });
  }
  if (issues.length > 0) throw new ValidationError(issues);
  requireAccountAcceptsWork(data.accountStatus, data.accountId);
  return [
    {
      type: 'AccessKeyIssued',
      data: {
        accountId: data.accountId,
        keyId: data.keyId,
        name: data.name.trim(),
        accessKeyId: data.accessKeyId,
        buckets: data.buckets === 'all' ? 'all' : [...data.buckets],
        permission: data.permission,
        expiresAt: data.expiresAt ?? null,
        sealedSecret: data.sealedSecret,
        issuedAt: data.issuedAt,
      },
    },
  ];
}

function rotateAccessKey({ data }: RotateAccessKey, state: AccessKeyState): AccessKeyEvent[] {
  const key = requireKey(state, data.accountId, data.keyId);
  // A retry of the rotation already recorded: its outcome stands, whatever happened since.
  if (key.lastRotationId === data.rotationId) return [];
  if (key.status === 'revoked') throw new IllegalStateError('access_key_revoked', `access key "${key.name}" is revoked`);
  if (isExpired(key.expiresAt, data.rotatedAt)) throw new IllegalStateError('access_key_expired', `access key "${key.name}" expired at ${key.expiresAt}`);
  requireAccountAcceptsWork(data.accountStatus, data.accountId);
  const issues: FieldIssue[] = [];
  checkAccessKeyId(data.accessKeyId, 'accessKeyId', issues);
  if (!Number.isInteger(data.graceHours) || data.graceHours < 0) issues.push({ path: 'graceHours', message: 'must be a whole number of hours, 0 or more' });
  if (issues.length > 0) throw new ValidationError(issues);
  if (data.accessKeyId === key.current.accessKeyId || data.accessKeyId === key.previous?.accessKeyId) {
    throw new ConflictError('access_key_id_reused', 'rotation must give the key a new access key id');
  }
  // The grace period never outlives the key itself.
  const graceEnd = Date.parse(data.rotatedAt) + data.graceHours * HOUR_MS;
  const validUntil = key.expiresAt === null ? graceEnd : Math.min(graceEnd, Date.parse(key.expiresAt));
  return [
    {
      type: 'AccessKeyRotated',
      data: {
        ...ref(key),
        accessKeyId: data.accessKeyId,
        sealedSecret: data.sealedSecret,
        previousAccessKeyId: key.current.accessKeyId,
        previousSecretValidUntil: new Date(validUntil).toISOString(),
        rotatedAt: data.rotatedAt,
        rotationId: data.rotationId,
      },
    },
  ];
}

function recordProvisioned({ data }: RecordAccessKeyProvisioned, state: AccessKeyState): AccessKeyEvent[] {
  const key = requireKey(state, data.accountId, data.keyId);
  // Recorded whatever the key's status: MinIO has the credentials either way, and the
  // secret's data key must go. Revocation is MinIO's next step, not a reason to forget this.
  const credential = [key.current, key.previous].find((c) => c?.accessKeyId === data.accessKeyId);
  if (!credential) {
    throw new NotFoundError('access_key_credential_not_found', `access key "${key.name}" has no live credentials ${data.accessKeyId}`);
  }
  if (credential.provisionedAt !== null) return [];
  return [
    {
      type: 'AccessKeyProvisioned',
      data: { ...ref(key), accessKeyId: credential.accessKeyId, dataKeyId: credential.dataKeyId, provisionedAt: data.provisionedAt },
    },
  ];
}

export const accessKeyDecider: Decider<AccessKeyCommand, AccessKeyEvent, AccessKeyState> = {
  initialState: () => ({ status: 'none' }),

  decide(command, state) {
    switch (command.type) {
      case 'IssueAccessKey':
        return issueAccessKey(command, state);
      case 'RotateAccessKey':
        return rotateAccessKey(command, state);
      case 'RevokeAccessKey': {
        // Revoking takes access away, so it is allowed whatever the account's status, and on expired keys.
        const key = requireKey(state, command.data.accountId, command.data.keyId);
        if (key.status === 'revoked') return [];
        return [{ type: 'AccessKeyRevoked', data: { ...ref(key), accessKeyId: key.current.accessKeyId, revokedAt: command.data.revokedAt } }];
      }
      case 'RecordAccessKeyProvisioned':
        return recordProvisioned(command, state);
      default:
        return assertNever(command);
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'AccessKeyIssued': {
        const d = event.data;
        return {
          status: 'active',
          accountId: d.accountId,
          keyId: d.keyId,
          name: d.name,
          buckets: d.buckets,
          permission: d.permission,
          expiresAt: d.expiresAt,
          issuedAt: d.issuedAt,
          rotatedAt: null,
          lastRotationId: null,
          revokedAt: null,
          current: { accessKeyId: d.accessKeyId, dataKeyId: d.sealedSecret.dataKeyId, provisionedAt: null },
          previous: null,
        };
      }
      case 'AccessKeyRotated': {
        if (state.status === 'none') return state;
        const d = event.data;
        return {
          ...state,
          rotatedAt: d.rotatedAt,
          lastRotationId: d.rotationId ?? null,
          current: { accessKeyId: d.accessKeyId, dataKeyId: d.sealedSecret.dataKeyId, provisionedAt: null },
          previous: { ...state.current, validUntil: d.previousSecretValidUntil },
        };
      }
      case 'AccessKeyRevoked':
        if (state.status === 'none') return state;
        return { ...state, status: 'revoked', revokedAt: event.data.revokedAt };
      case 'AccessKeyProvisioned': {
        if (state.status === 'none') return state;
        const { accessKeyId, provisionedAt } = event.data;
        return {
          ...state,
          current: state.current.accessKeyId === accessKeyId ? { ...state.current, provisionedAt } : state.current,
          previous: state.previous?.accessKeyId === accessKeyId ? { ...state.previous, provisionedAt } : state.previous,
        };
      }
      default:
        return assertNever(event);
    }
  },
};
