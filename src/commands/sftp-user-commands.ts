import { randomUUID } from 'node:crypto';
import { accountDecider } from '../domain/account/account-decider.ts';
import { accountStream } from '../domain/account/account-streams.ts';
import { bucketDecider } from '../domain/bucket/bucket-decider.ts';
import { bucketStream } from '../domain/bucket/bucket-streams.ts';
import type { SftpUserCommand } from '../domain/sftp-user/sftp-user-commands.ts';
import { sftpUserDecider, type SftpUserState } from '../domain/sftp-user/sftp-user-decider.ts';
import type { SftpUserEvent } from '../domain/sftp-user/sftp-user-events.ts';
import { sftpUserStream } from '../domain/sftp-user/sftp-user-streams.ts';
import { NotFoundError } from '../domain/errors.ts';
import type { EventStore } from '../ports/event-store.ts';
import type { SealedSecret, SecretSealer } from '../ports/secret-sealer.ts';
import { usableBucketIds } from './access-key-commands.ts';
import { loadAccountStatus } from './account-guard.ts';
import { handleCommand, loadAggregate, type CommandContext, type CommandResult } from './command-handler.ts';
import { ALPHANUMERIC, randomString, withSealedSecret } from './random-secrets.ts';

export type SftpUserCommands = ReturnType<typeof createSftpUserCommands>;
export type SftpUserResult = CommandResult<SftpUserEvent, SftpUserState>;

/** 24 letters and digits from the CSPRNG (about 143 bits): typed into SFTP clients, so nothing that needs quoting. */
export const newSftpPassword = () => randomString(ALPHANUMERIC, 24);

/** The password as the caller sees it once: it is in no event, row or log. */
export interface SftpUserWithPassword {
  result: SftpUserResult;
  /** null when a retry found what its first try recorded: that password is not shown then */
  password: string | null;
}

export function createSftpUserCommands({ eventStore, secrets }: { eventStore: EventStore; secrets: SecretSealer }) {
  const run = (command: SftpUserCommand, context: CommandContext) =>
    handleCommand(eventStore, sftpUserDecider, sftpUserStream(command.data.accountId), command, context);

  /**
   * A fresh password, sealed for `record` (see withSealedSecret). When the command recorded
   * nothing (its first try landed meanwhile) the password is in no event: its data key goes.
   */
  async function withNewPassword(record: (sealed: SealedSecret) => Promise<SftpUserResult>): Promise<SftpUserWithPassword> {
    const password = newSftpPassword();
    let sealedUnder = '';
    const result = await withSealedSecret(secrets, password, (sealed) => {
      sealedUnder = sealed.dataKeyId;
      return record(sealed);
    });
    if (result.events.length > 0) return { result, password };
    await secrets.shred(sealedUnder);
    return { result, password: null };
  }

  /** The answer a retry gets when it finds what its first try recorded: the state, no password. */
  function firstOutcome(loaded: { state: SftpUserState; revision: bigint | null }): SftpUserWithPassword {
    return { result: { events: [], state: loaded.state, decidedOn: loaded.state, revision: loaded.revision, position: null }, password: null };
  }

  /** A password nobody will ever hand to SFTPGo (replaced, or its user disabled) loses its data key. */
  async function shredUnprovisioned(password: { dataKeyId: string; provisionedAt: string | null } | undefined) {
    if (password && password.provisionedAt === null) await secrets.shred(password.dataKeyId);
  }

  return {
    /** The username comes from the account's slug, read from the account's own stream (no read-model lag). */
    async create(
      accountId: string,
      context: CommandContext,
      /** fresh when absent; the API derives it from the Idempotency-Key */
      creationId: string = randomUUID(),
    ): Promise<SftpUserWithPassword> {
      // A retry of this very request finds the user its first try created, and answers it
      // without the password (never shown, and not shown now: reset it to get one).
      const earlier = await loadAggregate(eventStore, sftpUserDecider, sftpUserStream(accountId));
      if (earlier.state.status !== 'none' && earlier.state.creationId === creationId) return firstOutcome(earlier);
      const { state: account } = await loadAggregate(eventStore, accountDecider, accountStream(accountId));
      if (account.status === 'none') throw new NotFoundError('account_not_found', `account ${accountId} does not exist`);
      return withNewPassword((sealedPassword) =>
        run(
          { type: 'CreateSftpUser', data: { accountId, creationId, accountSlug: account.slug, sealedPassword, createdAt: context.occurredAt, accountStatus: account.status } },
          context,
        ),
      );
    },

    async resetPassword(
      accountId: string,
      context: CommandContext,
      /** fresh when absent; the API derives it from the Idempotency-Key */
      resetId: string = randomUUID(),
    ): Promise<SftpUserWithPassword> {
      // A retry of the last reset answers it: resetting again would replace the password its
      // first try made before anyone saw it (it is not shown now either: reset again to get one).
      const earlier = await loadAggregate(eventStore, sftpUserDecider, sftpUserStream(accountId));
      if (earlier.state.status !== 'none' && earlier.state.lastPasswordResetId === resetId) return firstOutcome(earlier);
      const accountStatus = await loadAccountStatus(eventStore, accountId);
      const reset = await withNewPassword((sealedPassword) =>
        run({ type: 'ResetSftpPassword', data: { accountId, resetId, sealedPassword, resetAt: context.occurredAt, accountStatus } }, context),
      );
      // The password replaced, as of the state the reset was decided on (retries included);
      // none when this reset recorded nothing.
      const before = reset.result.decidedOn;
      if (reset.result.events.length > 0) await shredUnprovisioned(before.status === 'none' ? undefined : before.password);
      return reset;
    },

    async mapBucket(input: { accountId: string; bucketId: string }, context: CommandContext): Promise<SftpUserResult> {
      const accountStatus = await loadAccountStatus(eventStore, input.accountId);
      const usable = await usableBucketIds(eventStore, input.accountId, [input.bucketId]);
      return run({ type: 'MapBucketToSftp', data: { ...input, bucketUsable: usable.length === 1, mappedAt: context.occurredAt, accountStatus } }, context);
    },

    async unmapBucket(input: { accountId: string; bucketId: string }, context: CommandContext): Promise<SftpUserResult> {
      const { state: bucket } = await loadAggregate(eventStore, bucketDecider, bucketStream(input.bucketId));
      const bucketOfAccount = bucket.status !== 'none' && bucket.accountId === input.accountId;
      return run({ type: 'UnmapBucketFromSftp', data: { ...input, bucketOfAccount, unmappedAt: context.occurredAt } }, context);
    },

    async disable(accountId: string, context: CommandContext): Promise<SftpUserResult> {
      const result = await run({ type: 'DisableSftpUser', data: { accountId, disabledAt: context.occurredAt } }, context);
      if (result.state.status === 'disabled') await shredUnprovisioned(result.state.password);
      return result;
    },

    /**
     * Called by the SFTPGo reactor (or an operator) once SFTPGo has the user with this
     * password; then its data key is destroyed, so the event log alone can never reveal it.
     * Repeating the call after a crash between the two steps records nothing and shreds then.
     */
    async recordProvisioned(input: { accountId: string; dataKeyId: string }, context: CommandContext): Promise<SftpUserResult> {
      const result = await run({ type: 'RecordSftpUserProvisioned', data: { ...input, provisionedAt: context.occurredAt } }, context);
      if (result.state.status !== 'none' && result.state.password.dataKeyId === input.dataKeyId && result.state.password.provisionedAt !== null) {
        await secrets.shred(input.dataKeyId);
      }
      return result;
    },

    /**
     * The storage credential the SFTP reactor drew and sealed, recorded before MinIO or SFTPGo
     * get it. Refused (IllegalStateError 'storage_credential_exists') once the user has a
     * different one: the caller then uses that one. Its data key is the caller's to keep.
     */
    recordStorageCredential(input: { accountId: string; accessKey: string; sealedSecret: SealedSecret }, context: CommandContext): Promise<SftpUserResult> {
      return run({ type: 'RecordSftpStorageCredential', data: { ...input, issuedAt: context.occurredAt } }, context);
    },
  };
}
