import { randomBytes } from 'node:crypto';
import { loadAccountStatus } from '../commands/account-guard.ts';
import { loadAggregate, type CommandContext } from '../commands/command-handler.ts';
import type { SftpUserCommands } from '../commands/sftp-user-commands.ts';
import type { AccountEvent } from '../domain/account/account-events.ts';
import { keyPolicy } from '../domain/access-key/access-key-policy.ts';
import { bucketDecider } from '../domain/bucket/bucket-decider.ts';
import type { BucketEvent } from '../domain/bucket/bucket-events.ts';
import { bucketStream } from '../domain/bucket/bucket-streams.ts';
import { DomainError, IllegalStateError } from '../domain/errors.ts';
import type { SealedSecret } from '../domain/shared/sealed-secret.ts';
import { sftpUserDecider, type StorageCredential } from '../domain/sftp-user/sftp-user-decider.ts';
import { sftpUserEvents, type SftpUserEvent } from '../domain/sftp-user/sftp-user-events.ts';
import { eventUnion } from '../domain/shared/event-union.ts';
import { sftpUserStream } from '../domain/sftp-user/sftp-user-streams.ts';
import type { EventStore } from '../ports/event-store.ts';
import { SecretShreddedError, type SecretSealer } from '../ports/secret-sealer.ts';
import type { SftpServer } from '../ports/sftp-server.ts';
import type { StorageAdmin } from '../ports/storage-admin.ts';
import type { Reactor } from './reactor.ts';

export interface SftpProvisioningDeps {
  sftpServer: SftpServer | null;
  storageAdmin: StorageAdmin | null;
  /** the S3 endpoint as SFTPGo reaches it, and its region */
  s3: { endpoint: string; region: string } | null;
  secrets: SecretSealer;
  sftpUsers: SftpUserCommands;
  eventStore: EventStore;
}

type Handled =
  | SftpUserEvent
  | Extract<AccountEvent, { type: 'AccountSuspended' | 'AccountReactivated' | 'AccountClosed' }>
  // a mapped bucket becomes reachable once provisioned, and is dropped once deleted
  | Extract<BucketEvent, { type: 'BucketProvisioned' | 'BucketDeleted' }>;
const handledEvents = eventUnion<Handled>({
  SftpUserCreated: true,
  SftpPasswordReset: true,
  SftpBucketMapped: true,
  SftpBucketUnmapped: true,
  SftpUserDisabled: true,
  SftpUserProvisioned: true,
  SftpStorageCredentialIssued: true,
  AccountSuspended: true,
  AccountReactivated: true,
  AccountClosed: true,
  BucketProvisioned: true,
  BucketDeleted: true,
});
/** The reactor's own outcomes: they ask for no sync. */
const OUTCOMES: ReadonlySet<string> = new Set<Handled['type']>(['SftpUserProvisioned', 'SftpStorageCredentialIssued']);

/** Every job is the same: make SFTPGo and MinIO agree with the account's streams (a bucket's event names the bucket). */
type SyncJob = { kind: 'sync'; payload: { accountId: string; bucketId: string | null } };

/**
 * The MinIO user SFTPGo reaches the account's buckets with. Its secret is drawn once, by the
 * first sync, and kept sealed in the SFTP user's stream (SftpStorageCredentialIssued); every
 * sync hands that same secret to MinIO and SFTPGo, so a sync that fails half-way leaves them
 * agreeing. Its data key is destroyed when the account closes.
 */
export const sftpStorageUser = (accountId: string) => `sftp-${accountId}`;
const sftpPolicyName = (accountId: string) => `cloudpro-sftp-${accountId}`;

/**
 * The account's SFTP user in SFTPGo, kept equal to its stream: every change is one "sync"
 * job that reads the user's and the account's state from their streams (no read-model lag)
 * and puts the whole description, so a repeated sync changes nothing.
 */
export function sftpProvisioningReactor(deps: SftpProvisioningDeps): Reactor {
  const { sftpServer, storageAdmin, s3, secrets, sftpUsers, eventStore } = deps;

  /** The sealed password with this data key, from the user's events (its state keeps only the key's id). */
  function sealedPasswordIn(events: readonly SftpUserEvent[], dataKeyId: string): SealedSecret | null {
    for (const event of [...events].reverse()) {
      if ((event.type === 'SftpUserCreated' || event.type === 'SftpPasswordReset') && event.data.sealedPassword.dataKeyId === dataKeyId) return event.data.sealedPassword;
    }
    return null;
  }

  /**
   * The account's storage secret in clear. The first sync draws it and records it sealed
   * before MinIO or SFTPGo see it; if another sync recorded one meanwhile, that one wins.
   */
  async function storageSecretFor(accountId: string, credential: StorageCredential | null, context: CommandContext): Promise<string> {
    if (credential) return secrets.open(credential.sealedSecret);
    const secret = randomBytes(30).toString('base64url');
    const sealedSecret = await secrets.seal(secret);
    try {
      await sftpUsers.recordStorageCredential({ accountId, accessKey: sftpStorageUser(accountId), sealedSecret }, context);
      return secret;
    } catch (error) {
      // Shredded only on a refusal, when it surely is in no event: after an error whose
      // outcome is unknown it may be the recorded one, and without its data key the account's
      // SFTP storage could never be reached again.
      if (!(error instanceof DomainError)) throw error;
      await secrets.shred(sealedSecret.dataKeyId);
      if (!(error instanceof IllegalStateError && error.code === 'storage_credential_exists')) throw error;
    }
    const { state: user } = await loadAggregate(eventStore, sftpUserDecider, sftpUserStream(accountId));
    if (user.status === 'none' || !user.storageCredential) throw new Error(`the storage credential of account ${accountId} was refused as existing but is not in its stream`);
    return secrets.open(user.storageCredential.sealedSecret);
  }

  const reactor: Reactor<SyncJob> = {
    name: 'sftpgo-users',
    eventTypes: new Set(handledEvents.types.filter((type) => !OUTCOMES.has(type))),
    jobsFor(event) {
      if (!handledEvents.is(event)) return [];
      const bucketId = event.type === 'BucketProvisioned' || event.type === 'BucketDeleted' ? event.data.bucketId : null;
      const { accountId } = event.data;
      return [{ jobId: event.eventId, subject: `sftp:${accountId}`, accountId, kind: 'sync', payload: { accountId, bucketId } }];
    },
    unavailable() {
      if (!sftpServer) return 'SFTPGo not configured (SFTPGO_URL, SFTPGO_ADMIN_USER, SFTPGO_ADMIN_PASSWORD)';
      if (!storageAdmin || !s3) return 'MinIO admin API not configured: SFTP users reach their buckets with MinIO credentials';
      return null;
    },
    async perform(job, context) {
      const { accountId, bucketId } = job.payload;
      // Read once: the state decides, and the events hold the sealed password the state does not.
      const events = (await eventStore.readStream(sftpUserStream(accountId))).map((event) => sftpUserEvents.narrow(event));
      const user = events.reduce(sftpUserDecider.evolve, sftpUserDecider.initialState());
      if (user.status === 'none') return;
      // A bucket event matters only for a bucket the SFTP user has mapped.
      if (bucketId !== null && !user.bucketIds.includes(bucketId)) return;
      const accountStatus = await loadAccountStatus(eventStore, accountId);
      if (accountStatus === 'closed') {
        await sftpServer!.deleteUser(user.username);
        await storageAdmin!.removeUser(sftpStorageUser(accountId));
        await storageAdmin!.removePolicy(sftpPolicyName(accountId));
        // Only now: a close that fails half-way is retried, and the users are gone whatever it opens.
        if (user.storageCredential) await secrets.shred(user.storageCredential.sealedSecret.dataKeyId);
        return;
      }

      // From the buckets' own streams: the read model may not have the provisioning that
      // triggered this very job yet.
      const bucketNames: string[] = [];
      for (const mappedId of user.bucketIds) {
        const { state: bucket } = await loadAggregate(eventStore, bucketDecider, bucketStream(mappedId));
        if (bucket.status === 'provisioned') bucketNames.push(bucket.name);
      }

      // The same secret every time: MinIO's add-user is an upsert, so this changes nothing
      // once MinIO has it, and SFTPGo's folders hold the secret MinIO has.
      const storageUser = sftpStorageUser(accountId);
      const storageSecret = await storageSecretFor(accountId, user.storageCredential, context.command);
      await storageAdmin!.putUser(storageUser, storageSecret);
      const policy = keyPolicy('read-write', bucketNames);
      if (policy) await storageAdmin!.putPolicy(sftpPolicyName(accountId), policy);
      await storageAdmin!.setUserPolicies(storageUser, policy ? [sftpPolicyName(accountId)] : []);

      // The password SFTPGo has not got yet, whichever job gets there first (the stream, not
      // the job's own event, says which password is current).
      let password: string | undefined;
      const sealedPassword = user.password.provisionedAt === null ? sealedPasswordIn(events, user.password.dataKeyId) : null;
      if (sealedPassword) {
        try {
          password = await secrets.open(sealedPassword);
        } catch (error) {
          // Destroyed by an earlier try that got through: SFTPGo has it already.
          if (!(error instanceof SecretShreddedError)) throw error;
        }
      }
      const enabled = user.status === 'active' && accountStatus === 'active';
      // MinIO's add-user leaves a user enabled: a suspended account's storage user goes back off.
      if (!enabled) await storageAdmin!.setUserStatus(storageUser, 'disabled');
      await sftpServer!.putUser({
        username: user.username,
        ...(password ? { password } : {}),
        status: enabled ? 'enabled' : 'disabled',
        s3: { endpoint: s3!.endpoint, region: s3!.region, accessKey: storageUser, secretKey: storageSecret },
        buckets: bucketNames,
      });
      if (password) await sftpUsers.recordProvisioned({ accountId, dataKeyId: sealedPassword!.dataKeyId }, context.command);
    },
    async giveUp() {},
  };
  return reactor;
}
