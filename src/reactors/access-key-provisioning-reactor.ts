import type { AccessKeyCommands } from '../commands/access-key-commands.ts';
import type { AccountEvent } from '../domain/account/account-events.ts';
import type { AccessKeyEvent } from '../domain/access-key/access-key-events.ts';
import { eventUnion } from '../domain/shared/event-union.ts';
import { keyPolicy, keyPolicyName } from '../domain/access-key/access-key-policy.ts';
import type { BucketEvent } from '../domain/bucket/bucket-events.ts';
import type { SealedSecret } from '../domain/shared/sealed-secret.ts';
import { RemoteError } from '../ports/remote-error.ts';
import { SecretShreddedError, type SecretSealer } from '../ports/secret-sealer.ts';
import type { StorageAdmin } from '../ports/storage-admin.ts';
import { ReactorWaiting, type Reactor, type ReactorJobRequest } from './reactor.ts';
import { loadAccountStatus } from '../commands/account-guard.ts';
import { loadAggregate } from '../commands/command-handler.ts';
import { accessKeyDecider, type AccessKeyState } from '../domain/access-key/access-key-decider.ts';
import { accessKeyStream } from '../domain/access-key/access-key-streams.ts';
import { bucketDecider } from '../domain/bucket/bucket-decider.ts';
import { bucketStream } from '../domain/bucket/bucket-streams.ts';
import type { EventStore } from '../ports/event-store.ts';

export interface AccessKeyProvisioningDeps {
  /** null: MinIO's admin API is not configured; key work waits */
  storageAdmin: StorageAdmin | null;
  secrets: SecretSealer;
  accessKeys: AccessKeyCommands;
  eventStore: EventStore;
  /** the S3 names of the account's buckets storage holds now, from the buckets read model */
  accountStoredBucketNames(accountId: string): Promise<string[]>;
  /** the ids of the account's keys, from the access-keys read model */
  accountKeyIds(accountId: string): Promise<string[]>;
  /** events a projection has still to apply: its read model is read only once this is 0 */
  projectionLag: (projection: string) => Promise<bigint>;
}

type KeyJob =
  | { kind: 'provision'; payload: { accountId: string; keyId: string; accessKeyId: string; sealedSecret: SealedSecret } }
  | { kind: 'disable'; payload: { accountId: string; keyId: string } }
  | { kind: 'remove-credential'; payload: { accountId: string; keyId: string; accessKeyId: string } }
  | { kind: 'expire'; payload: { accountId: string; keyId: string } }
  | { kind: 'suspend-account' | 'reactivate-account' | 'close-account' | 'refresh-policies'; payload: { accountId: string } };

const accountSubject = (accountId: string) => `account:${accountId}`;

type Handled = AccessKeyEvent | Extract<AccountEvent, { type: 'AccountSuspended' | 'AccountReactivated' | 'AccountClosed' }> | Extract<BucketEvent, { type: 'BucketProvisioned' | 'BucketDeleted' }>;
const handledEvents = eventUnion<Handled>({
  AccessKeyIssued: true,
  AccessKeyRotated: true,
  AccessKeyRevoked: true,
  AccessKeyProvisioned: true,
  AccountSuspended: true,
  AccountReactivated: true,
  AccountClosed: true,
  BucketProvisioned: true,
  BucketDeleted: true,
});

function jobsOf(event: Handled, eventId: string): ReactorJobRequest<KeyJob>[] {
  const job = (subject: string, accountId: string, spec: KeyJob, suffix = '', notBefore?: string): ReactorJobRequest<KeyJob> => ({
    jobId: `${eventId}${suffix}`,
    subject,
    accountId,
    ...spec,
    ...(notBefore ? { notBefore } : {}),
  });
  switch (event.type) {
    case 'AccessKeyIssued': {
      const { accountId, keyId, accessKeyId, sealedSecret, expiresAt } = event.data;
      const jobs = [job(keyId, accountId, { kind: 'provision', payload: { accountId, keyId, accessKeyId, sealedSecret } })];
      // Expiry is a job that waits: MinIO has no expiry of its own for users.
      // A subject of its own: waiting for its time, it must not hold back the key's other jobs.
      if (expiresAt) jobs.push(job(`${keyId}:expire`, accountId, { kind: 'expire', payload: { accountId, keyId } }, ':expire', expiresAt));
      return jobs;
    }
    case 'AccessKeyRotated': {
      const { accountId, keyId, accessKeyId, sealedSecret, previousAccessKeyId, previousSecretValidUntil } = event.data;
      return [
        job(keyId, accountId, { kind: 'provision', payload: { accountId, keyId, accessKeyId, sealedSecret } }),
        // Runs after the grace, so the old credentials keep working until then.
        job(`${keyId}:${previousAccessKeyId}`, accountId, { kind: 'remove-credential', payload: { accountId, keyId, accessKeyId: previousAccessKeyId } }, ':previous', previousSecretValidUntil),
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
export function accessKeyProvisioningReactor({ storageAdmin, secrets, accessKeys, eventStore, accountStoredBucketNames, accountKeyIds, projectionLag }: AccessKeyProvisioningDeps): Reactor {
  // Decisions come from the streams (no read-model lag); a read model is used only for
  // what no stream lists (an account's keys, an account's buckets), and only once current.
  async function keyState(keyId: string): Promise<AccessKeyState> {
    return (await loadAggregate(eventStore, accessKeyDecider, accessKeyStream(keyId))).state;
  }

  async function current(projection: string): Promise<void> {
    const lag = await projectionLag(projection);
    if (lag > 0n) throw new ReactorWaiting(`the ${projection} read model is ${lag} events behind`, 1_000);
  }

  /** The S3 names of the buckets the key reaches now. */
  async function bucketNames(key: Exclude<AccessKeyState, { status: 'none' }>): Promise<string[]> {
    if (key.buckets === 'all') {
      await current('buckets');
      return accountStoredBucketNames(key.accountId);
    }
    const names: string[] = [];
    for (const bucketId of key.buckets) {
      const { state } = await loadAggregate(eventStore, bucketDecider, bucketStream(bucketId));
      if (state.status === 'provisioned' || state.status === 'deleting') names.push(state.name);
    }
    return names;
  }

  /** The key's policy from its buckets as they are now; the listed users get exactly it (or none). */
  async function applyPolicy(admin: StorageAdmin, key: Exclude<AccessKeyState, { status: 'none' }>, accessKeyIds: readonly string[]): Promise<void> {
    const policy = keyPolicy(key.permission, await bucketNames(key));
    const name = keyPolicyName(key.keyId);
    if (policy) await admin.putPolicy(name, policy);
    for (const accessKeyId of accessKeyIds) await admin.setUserPolicies(accessKeyId, policy ? [name] : []);
    if (!policy) await admin.removePolicy(name);
  }

  const credentialIds = (key: Exclude<AccessKeyState, { status: 'none' }>) => [key.current.accessKeyId, ...(key.previous ? [key.previous.accessKeyId] : [])];
  const expired = (key: Exclude<AccessKeyState, { status: 'none' }>, now: Date) => key.expiresAt !== null && Date.parse(key.expiresAt) <= now.getTime();

  /** Every key of the account as its stream has it (the read model only lists them). */
  async function accountKeys(accountId: string) {
    await current('access-keys');
    const keys = [];
    for (const keyId of await accountKeyIds(accountId)) {
      const key = await keyState(keyId);
      if (key.status !== 'none') keys.push(key);
    }
    return keys;
  }

  const reactor: Reactor<KeyJob> = {
    name: 'minio-access-keys',
    // AccessKeyProvisioned asks for nothing: the store need not hand it over.
    eventTypes: new Set(handledEvents.types.filter((type) => type !== 'AccessKeyProvisioned')),
    jobsFor: (event) => (handledEvents.is(event) ? jobsOf(event, event.eventId) : []),
    unavailable: () => (storageAdmin ? null : 'MinIO admin API not configured (MINIO_ENDPOINT, MINIO_ACCESS_KEY, MINIO_SECRET_KEY)'),
    async perform(job, context) {
      const admin = storageAdmin!;
      switch (job.kind) {
        case 'provision': {
          const { accountId, keyId, accessKeyId, sealedSecret } = job.payload;
          const key = await keyState(keyId);
          if (key.status === 'none') return;
          // Nothing is owed for credentials rotated away, or a key revoked or expired before
          // MinIO got it: creating the user now would only open a door to close again.
          if (!credentialIds(key).includes(accessKeyId) || key.status === 'revoked' || expired(key, context.now)) return;
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
          await applyPolicy(admin, key, [accessKeyId]);
          const accountActive = (await loadAccountStatus(eventStore, accountId)) === 'active';
          await admin.setUserStatus(accessKeyId, accountActive ? 'enabled' : 'disabled');
          await accessKeys.recordProvisioned({ accountId, keyId, accessKeyId }, context.command);
          return;
        }
        case 'disable': {
          const key = await keyState(job.payload.keyId);
          if (key.status === 'none') return;
          for (const accessKeyId of credentialIds(key)) if (await admin.getUser(accessKeyId)) await admin.setUserStatus(accessKeyId, 'disabled');
          return;
        }
        case 'remove-credential':
          await admin.removeUser(job.payload.accessKeyId);
          return;
        case 'expire': {
          const key = await keyState(job.payload.keyId);
          if (key.status === 'none') return;
          for (const accessKeyId of credentialIds(key)) await admin.removeUser(accessKeyId);
          await admin.removePolicy(keyPolicyName(key.keyId));
          return;
        }
        case 'suspend-account':
        case 'reactivate-account': {
          // The account's status now, from its stream: a suspension undone meanwhile is not redone.
          const active = (await loadAccountStatus(eventStore, job.payload.accountId)) === 'active';
          for (const key of await accountKeys(job.payload.accountId)) {
            if (key.status === 'revoked' || expired(key, context.now)) continue;
            for (const accessKeyId of credentialIds(key)) if (await admin.getUser(accessKeyId)) await admin.setUserStatus(accessKeyId, active ? 'enabled' : 'disabled');
          }
          return;
        }
        case 'close-account':
          for (const key of await accountKeys(job.payload.accountId)) {
            for (const accessKeyId of credentialIds(key)) await admin.removeUser(accessKeyId);
            await admin.removePolicy(keyPolicyName(key.keyId));
          }
          return;
        case 'refresh-policies':
          for (const key of await accountKeys(job.payload.accountId)) {
            if (key.status === 'revoked' || expired(key, context.now)) continue;
            const present = [];
            for (const accessKeyId of credentialIds(key)) if (await admin.getUser(accessKeyId)) present.push(accessKeyId);
            if (present.length > 0) await applyPolicy(admin, key, present);
          }
          return;
        default: {
          const unknown: never = job;
          throw new Error(`unknown access key job ${JSON.stringify(unknown)}`);
        }
      }
    },
    // The key's state does not change on a failure; ops status shows it with MinIO's reason.
    async giveUp() {},
  };
  return reactor;
}
