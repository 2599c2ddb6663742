import type { AccountStatus } from '../account/account-decider.ts';
import type { AccessKeyPermission, BucketScope } from './access-key-rules.ts';
import type { SealedSecret } from '../shared/sealed-secret.ts';

/**
 * The access key id and the secret are drawn outside the domain (a CSPRNG in the command
 * layer); the secret arrives already sealed, so its plain text never reaches a decider.
 */
export type IssueAccessKey = {
  type: 'IssueAccessKey';
  data: {
    accountId: string;
    keyId: string;
    name: string;
    buckets: BucketScope;
    permission: AccessKeyPermission;
    /** ISO-8601; absent or null: never expires */
    expiresAt?: string | null;
    accessKeyId: string;
    sealedSecret: SealedSecret;
    issuedAt: string;
    accountStatus: AccountStatus;
    /** which of the listed buckets are the account's and usable, as the command layer found them */
    usableBucketIds: readonly string[];
  };
};

export type RevokeAccessKey = { type: 'RevokeAccessKey'; data: { accountId: string; keyId: string; revokedAt: string } };

/** New credentials (id and secret); the old ones keep working for `graceHours`. */
export type RotateAccessKey = {
  type: 'RotateAccessKey';
  data: {
    accountId: string;
    keyId: string;
    /** one per request (derived from its Idempotency-Key): a retry of the last rotation rotates no more */
    rotationId: string;
    accessKeyId: string;
    sealedSecret: SealedSecret;
    rotatedAt: string;
    graceHours: number;
    accountStatus: AccountStatus;
  };
};

/** MinIO now has these credentials (recorded by the MinIO reactor, or an operator). */
export type RecordAccessKeyProvisioned = {
  type: 'RecordAccessKeyProvisioned';
  data: { accountId: string; keyId: string; accessKeyId: string; provisionedAt: string };
};

export type AccessKeyCommand = IssueAccessKey | RevokeAccessKey | RotateAccessKey | RecordAccessKeyProvisioned;
