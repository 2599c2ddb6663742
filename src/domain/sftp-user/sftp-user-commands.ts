import type { AccountStatus } from '../account/account-decider.ts';
import type { SealedSecret } from '../shared/sealed-secret.ts';

/** The password is drawn outside the domain and arrives sealed; the username comes from the slug. */
export type CreateSftpUser = {
  type: 'CreateSftpUser';
  /** creationId: one per request (derived from its Idempotency-Key), so a retry is recognised */
  data: { accountId: string; creationId: string; accountSlug: string; sealedPassword: SealedSecret; createdAt: string; accountStatus: AccountStatus };
};
export type ResetSftpPassword = {
  type: 'ResetSftpPassword';
  /** resetId: one per request (derived from its Idempotency-Key): a retry of the last reset resets no more */
  data: { accountId: string; resetId: string; sealedPassword: SealedSecret; resetAt: string; accountStatus: AccountStatus };
};
export type MapBucketToSftp = {
  type: 'MapBucketToSftp';
  data: {
    accountId: string;
    bucketId: string;
    /** whether the bucket is the account's and usable (requested or provisioned), as the command layer found it */
    bucketUsable: boolean;
    mappedAt: string;
    accountStatus: AccountStatus;
  };
};
export type UnmapBucketFromSftp = {
  type: 'UnmapBucketFromSftp';
  /** bucketOfAccount: the bucket exists (in any status) and is this account's */
  data: { accountId: string; bucketId: string; bucketOfAccount: boolean; unmappedAt: string };
};
export type DisableSftpUser = { type: 'DisableSftpUser'; data: { accountId: string; disabledAt: string } };
/** SFTPGo now has the user with the password sealed under `dataKeyId` (the SFTPGo reactor, or an operator). */
export type RecordSftpUserProvisioned = { type: 'RecordSftpUserProvisioned'; data: { accountId: string; dataKeyId: string; provisionedAt: string } };
/** The storage credential the SFTP provisioning reactor drew and sealed, recorded before MinIO or SFTPGo get it. */
export type RecordSftpStorageCredential = {
  type: 'RecordSftpStorageCredential';
  data: { accountId: string; accessKey: string; sealedSecret: SealedSecret; issuedAt: string };
};

export type SftpUserCommand =
  | CreateSftpUser
  | ResetSftpPassword
  | MapBucketToSftp
  | UnmapBucketFromSftp
  | DisableSftpUser
  | RecordSftpUserProvisioned
  | RecordSftpStorageCredential;
