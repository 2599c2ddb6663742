import type { Kysely } from 'kysely';
import type { AccessKeyCommands } from '../commands/access-key-commands.ts';
import type { AccountEvent } from '../domain/account/account-events.ts';
import type { AccessKeyEvent } from '../domain/access-key/access-key-events.ts';
import { keyPolicy, keyPolicyName } from '../domain/access-key/access-key-policy.ts';
import type { BucketEvent } from '../domain/bucket/bucket-events.ts';
import type { SealedSecret } from '../domain/shared/sealed-secret.ts';
import { RemoteError } from '../ports/remote-error.ts';
import { SecretShreddedError, type SecretSealer } from '../ports/secret-sealer.ts';
import type { StorageAdmin } from '../ports/storage-admin.ts';
import type { ReadModelDatabase } from '../projections/read-model-database.ts';
import type { Reactor, ReactorJobRequest } from './reactor.ts';

export interface AccessKeyProvisioningDeps {
  /** null: MinIO's admin API is not configured; key work waits */
  storageAdmin: StorageAdmin | null;
  secrets: SecretSealer;
  accessKeys: AccessKeyCommands;
  readModels: Kysely<ReadModelDatabase>;
}

type KeyJob =
  | { kind: 'provision'; payload: { accountId: string; keyId: string; accessKeyId: string; sealedSecret: SealedSecret } }
  | { kind: 'disable'; payload: { accountId: string; keyId: string } }
  | { kind: 'remove-credential'; payload: { accountId: string; keyId: string; accessKeyId: string } }
  | { kind: 'expire'; payload: { accountId: string; keyId: string } }
  | { kind: 'suspend-account' | 'reactivate-account' | 'close-account' | 'refresh-policies'; payload: { accountId: string } };

const accountSubject = (accountId: string) => `account:${accountId}`;

type Handled = AccessKeyEvent | Extract<AccountEvent, { type: 'AccountSuspended' | 'AccountReactivated' | 'AccountClosed' }> | Extract<BucketEvent, { type: 'BucketProvisioned' | 'BucketDeleted' }>;

function jobsOf(event: Handled, eventId: string): ReactorJobRequest[] {
  const job = (subject: string, accountId: string, spec: KeyJob, suffix = '', notBefore?: string): ReactorJobRequest => ({
    jobId: `${eventId}${suffix}`,
    subject,
    accountId,
    kind: spec.kind,
    payload: spec.payload,
    ...(notBefore ? { notBefore } : {}),
  });
  switch (event.type) {
    case 'AccessKeyIssued': {
      const { accountId, keyId, accessKeyId, sealedSecret, expiresAt } = event.data;
      const jobs = [job(keyId, accountId, { kind: 'provision', payload: { accountId, keyId, accessKeyId, sealedSecret } })];
      // Expiry is a job that waits: MinIO has no expiry of its own for users.
      if (expiresAt) jobs.push(job(keyId, accountId, { kind: 'expire', payload: { accountId, keyId } }, ':expire', expiresAt));
      return jobs;
    }
    case 'AccessKeyRotated': {
      const { accountId, keyId, accessKeyId, sealedSecret, previousAccessKeyId, previousSecretValidUntil } = event.data;
      return [
        job(keyId, accountId, { kind: 'provision', payload: { accountId, keyId, accessKeyId, sealedSecret } }),
        // Runs after the grace, so the old credentials keep working until then.
        job(keyId, accountId, { kind: 'remove-credential', payload: { accountId, keyId, accessKeyId: previousAccessKeyId } }, ':previous', previousSecretValidUntil),
      ];
    }
    case 'AccessKeyRevoked':
      return [job(event.data.keyId, event.data.accountId, { kind: 'disable', payload: { accountId: event.data.accountId, keyId: event.data.keyId } })];
    case 'AccessKeyProvisioned':
      return [];
    case 'AccountSuspended':
      return [job(accountSubject(event.data.accountId), event.data.accountId, { kind: 'suspend-account', payload: { accountId: event.data.accountId } })];
    case 'AccountReactivated':
      return [job(accountSubject(event.data.accountId), event.data.accountId, { kind: 'reactivate-account', payload: { accountId: event.data.accountId } })];
    case 'AccountClosed':
      return [job(accountSubject(event.data.accountId), event.data.accountId, { kind: 'close-account', payload: { accountId: event.data.accountId } })];
    case 'BucketProvisioned':
    case 'BucketDeleted':
      return [job(accountSubject(event.data.accountId), event.data.accountId, { kind: 'refresh-policies', payload: { accountId: event.data.accountId } })];
    default: {
      const unhandled: never = event;
      return unhandled;
    }
  }
}

/**
 * Access keys as MinIO users: created with their secret (opened once, its data key then
 * destroyed), limited by a policy to the key's buckets and permission, disabled on revoke
 * and while the account is suspended, removed when they expire or are rotated out.
 */
export function accessKeyProvisioningReactor({ storageAdmin, secrets, accessKeys, readModels }: AccessKeyProvisioningDeps): Reactor {
  async function keyRow(keyId: string) {
    return readModels.selectFrom('access_keys').selectAll().where('key_id', '=', keyId).executeTakeFirst();
  }

  async function accountStatus(accountId: string) {
    const row = await readModels.selectFrom('accounts').select('status').where('account_id', '=', accountId).executeTakeFirst();
    return row?.status ?? 'active';
  }

  /** The key's policy from its buckets as they are now; the user gets exactly it (or none). */
  async function applyPolicy(admin: StorageAdmin, keyId: string, accessKeyIds: readonly string[]): Promise<void> {
    const key = await keyRow(keyId);
    if (!key) return;
    const buckets = await readModels
      .selectFrom('buckets')
      .select('name')
      .where('account_id', '=', key.account_id)
      .where('status', '=', 'provisioned')
      .$if(key.bucket_scope === 'listed', (qb) => qb.where('bucket_id', 'in', key.bucket_ids.length > 0 ? key.bucket_ids : ['00000000-0000-0000-0000-000000000000']))
      .execute();
    const policy = keyPolicy(key.permission, buckets.map((b) => b.name));
    const name = keyPolicyName(keyId);
    if (policy) await admin.putPolicy(name, policy);
    for (const accessKeyId of accessKeyIds) await admin.setUserPolicies(accessKeyId, policy ? [name] : []);
    if (!policy) await admin.removePolicy(name);
  }

  /** Current and (within its grace) previous credentials of every key of the account still active. */
  async function liveCredentials(accountId: string) {
    const keys = await readModels.selectFrom('access_keys').selectAll().where('account_id', '=', accountId).where('status', '=', 'active').execute();
    return keys.map((key) => ({ keyId: key.key_id, accessKeyIds: [key.access_key_id, ...(key.previous_access_key_id ? [key.previous_access_key_id] : [])] }));
  }

  return {
    name: 'minio-access-keys',
    eventTypes: new Set([
      'AccessKeyIssued',
      'AccessKeyRotated',
      'AccessKeyRevoked',
      'AccountSuspended',
      'AccountReactivated',
      'AccountClosed',
      'BucketProvisioned',
      'BucketDeleted',
    ] satisfies Handled['type'][]),
    jobsFor: (event) => jobsOf(event as unknown as Handled, event.eventId),
    unavailable: () => (storageAdmin ? null : 'MinIO admin API not configured (MINIO_ENDPOINT, MINIO_ACCESS_KEY, MINIO_SECRET_KEY)'),
    async perform(job, context) {
      const admin = storageAdmin!;
      const { kind, payload } = job as unknown as KeyJob;
      switch (kind) {
        case 'provision': {
          const { accountId, keyId, accessKeyId, sealedSecret } = payload as Extract<KeyJob, { kind: 'provision' }>['payload'];
          // A user already there was created by an earlier try: its secret is the one we sealed.
          if (!(await admin.getUser(accessKeyId))) {
            let secret: string;
            try {
              secret = await secrets.open(sealedSecret);
            } catch (error) {
              if (error instanceof SecretShreddedError) throw new RemoteError('minio', `the secret of ${accessKeyId} was destroyed before MinIO got it; rotate the key`, false);
              throw error;
            }
            await admin.putUser(accessKeyId, secret);
          }
          await applyPolicy(admin, keyId, [accessKeyId]);
          const key = await keyRow(keyId);
          const disabled = key?.status === 'revoked' || (await accountStatus(accountId)) !== 'active';
          await admin.setUserStatus(accessKeyId, disabled ? 'disabled' : 'enabled');
          await accessKeys.recordProvisioned({ accountId, keyId, accessKeyId }, context.command);
          return;
        }
        case 'disable': {
          const key = await keyRow(payload.keyId as string);
          for (const accessKeyId of [key?.access_key_id, key?.previous_access_key_id]) {
            if (accessKeyId && (await admin.getUser(accessKeyId))) await admin.setUserStatus(accessKeyId, 'disabled');
          }
          return;
        }
        case 'remove-credential':
          await admin.removeUser(payload.accessKeyId as string);
          return;
        case 'expire': {
          const key = await keyRow(payload.keyId as string);
          for (const accessKeyId of [key?.access_key_id, key?.previous_access_key_id]) if (accessKeyId) await admin.removeUser(accessKeyId);
          await admin.removePolicy(keyPolicyName(payload.keyId as string));
          return;
        }
        case 'suspend-account':
        case 'reactivate-account': {
          const status = kind === 'suspend-account' ? 'disabled' : 'enabled';
          for (const { accessKeyIds } of await liveCredentials(payload.accountId)) {
            for (const accessKeyId of accessKeyIds) if (await admin.getUser(accessKeyId)) await admin.setUserStatus(accessKeyId, status);
          }
          return;
        }
        case 'close-account': {
          const keys = await readModels.selectFrom('access_keys').selectAll().where('account_id', '=', payload.accountId).execute();
          for (const key of keys) {
            for (const accessKeyId of [key.access_key_id, key.previous_access_key_id]) if (accessKeyId) await admin.removeUser(accessKeyId);
            await admin.removePolicy(keyPolicyName(key.key_id));
          }
          return;
        }
        case 'refresh-policies':
          for (const { keyId, accessKeyIds } of await liveCredentials(payload.accountId)) {
            const present = [];
            for (const accessKeyId of accessKeyIds) if (await admin.getUser(accessKeyId)) present.push(accessKeyId);
            if (present.length > 0) await applyPolicy(admin, keyId, present);
          }
          return;
        default: {
          const unknown: never = kind;
          throw new Error(`unknown access key job kind ${String(unknown)}`);
        }
      }
    },
    // The key's state does not change on a failure; ops status shows it with MinIO's reason.
    async giveUp() {},
  };
}
