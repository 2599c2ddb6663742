import type { DomainEvent } from '../decider.ts';
import type { AccessKeyPermission, BucketScope } from './access-key-rules.ts';
import type { SealedSecret } from '../shared/sealed-secret.ts';
import { eventUnion } from '../shared/event-union.ts';

/** Every access key event names its account, key and the key's name: the audit log reads them one at a time. */
interface AccessKeyRef {
  accountId: string;
  keyId: string;
  name: string;
}

export type AccessKeyIssued = DomainEvent<
  'AccessKeyIssued',
  AccessKeyRef & {
    accessKeyId: string;
    buckets: BucketScope;
    permission: AccessKeyPermission;
    expiresAt: string | null;
    /** the secret, sealed; unreadable once its data key is shredded after provisioning */
    sealedSecret: SealedSecret;
    issuedAt: string;
  }
>;
export type AccessKeyRotated = DomainEvent<
  'AccessKeyRotated',
  AccessKeyRef & {
    accessKeyId: string;
    sealedSecret: SealedSecret;
    previousAccessKeyId: string;
    /** the old credentials work until this instant (rotatedAt + the grace period) */
    previousSecretValidUntil: string;
    rotatedAt: string;
    /** the request's rotation id; absent in events recorded before retries were recognised */
    rotationId?: string;
  }
>;
export type AccessKeyRevoked = DomainEvent<'AccessKeyRevoked', AccessKeyRef & { accessKeyId: string; revokedAt: string }>;
export type AccessKeyProvisioned = DomainEvent<
  'AccessKeyProvisioned',
  AccessKeyRef & {
    accessKeyId: string;
    /** the data key that sealed this credential's secret: destroyed next, it is no longer needed */
    dataKeyId: string;
    provisionedAt: string;
  }
>;

export type AccessKeyEvent = AccessKeyIssued | AccessKeyRotated | AccessKeyRevoked | AccessKeyProvisioned;

export const accessKeyEvents = eventUnion<AccessKeyEvent>({ AccessKeyIssued: true, AccessKeyRotated: true, AccessKeyRevoked: true, AccessKeyProvisioned: true });
export const ACCESS_KEY_EVENT_TYPES = accessKeyEvents.types;
