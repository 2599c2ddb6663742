import type { SealedSecret } from '../shared/sealed-secret.ts';
import type { DomainEvent } from '../decider.ts';
import { eventUnion } from '../shared/event-union.ts';

/** Every SFTP user event names its account and username: the audit log reads them one at a time. */
interface SftpUserRef {
  accountId: string;
  username: string;
}

/** creationId and resetId: the request's id; absent in events recorded before retries were recognised */
export type SftpUserCreated = DomainEvent<'SftpUserCreated', SftpUserRef & { sealedPassword: SealedSecret; createdAt: string; creationId?: string }>;
export type SftpPasswordReset = DomainEvent<'SftpPasswordReset', SftpUserRef & { sealedPassword: SealedSecret; resetAt: string; resetId?: string }>;
export type SftpBucketMapped = DomainEvent<'SftpBucketMapped', SftpUserRef & { bucketId: string; mappedAt: string }>;
export type SftpBucketUnmapped = DomainEvent<'SftpBucketUnmapped', SftpUserRef & { bucketId: string; unmappedAt: string }>;
export type SftpUserDisabled = DomainEvent<'SftpUserDisabled', SftpUserRef & { disabledAt: string }>;
export type SftpUserProvisioned = DomainEvent<
  'SftpUserProvisioned',
  SftpUserRef & {
    /** the data key that sealed the password SFTPGo got: destroyed next */
    dataKeyId: string;
    provisionedAt: string;
  }
>;
/**
 * The MinIO user SFTPGo's S3 folders reach the account's buckets with, and its secret, sealed.
 * Unlike a password it stays openable while the account is open: every sync hands the same
 * secret to MinIO and SFTPGo again. Its data key is destroyed when the account closes.
 */
export type SftpStorageCredentialIssued = DomainEvent<'SftpStorageCredentialIssued', SftpUserRef & { accessKey: string; sealedSecret: SealedSecret; issuedAt: string }>;

export type SftpUserEvent =
  | SftpUserCreated
  | SftpPasswordReset
  | SftpBucketMapped
  | SftpBucketUnmapped
  | SftpUserDisabled
  | SftpUserProvisioned
  | SftpStorageCredentialIssued;

export const sftpUserEvents = eventUnion<SftpUserEvent>({
  SftpUserCreated: true,
  SftpPasswordReset: true,
  SftpBucketMapped: true,
  SftpBucketUnmapped: true,
  SftpUserDisabled: true,
  SftpUserProvisioned: true,
  SftpStorageCredentialIssued: true,
});
export const SFTP_USER_EVENT_TYPES = sftpUserEvents.types;
