import { randomUUID } from 'node:crypto';
import type { AccessKeyPermission, BucketScope } from '../domain/access-key/access-key-rules.ts';
import type { AccessKeyEvent } from '../domain/access-key/access-key-events.ts';
import { accessKeyDecider, validateIssueAccessKey, type AccessKeyState } from '../domain/access-key/access-key-decider.ts';
import { requireAccountAcceptsWork } from '../domain/account/account-guard.ts';
import { accessKeyStream } from '../domain/access-key/access-key-streams.ts';
import { bucketDecider } from '../domain/bucket/bucket-decider.ts';
import { bucketStream } from '../domain/bucket/bucket-streams.ts';
import { ValidationError } from '../domain/errors.ts';
import type { EventStore } from '../ports/event-store.ts';
import type { SecretSealer } from '../ports/secret-sealer.ts';
import { loadAccountStatus } from './account-guard.ts';
import { handleCommand, loadAggregate, type CommandContext, type CommandResult } from './command-handler.ts';
import { ALPHANUMERIC, randomString, withSealedSecret } from './random-secrets.ts';

export type AccessKeyCommands = ReturnType<typeof createAccessKeyCommands>;
export type AccessKeyResult = CommandResult<AccessKeyEvent, AccessKeyState>;

const UPPERCASE_ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** 20 uppercase letters and digits, the shape S3 clients expect of an access key id. */
export const newAccessKeyId = () => randomString(UPPERCASE_ALPHANUMERIC, 20);
/** 40 letters and digits: about 238 bits, shell- and URL-safe. */
export const newSecretAccessKey = () => randomString(ALPHANUMERIC, 40);

/** The credentials as the caller sees them once: the secret is in no event, row or log. */
export interface IssuedCredentials {
  result: AccessKeyResult;
  accessKeyId: string;
  /** null when a retry found the key its first try issued: the secret is not shown then */
  secretAccessKey: string | null;
}

export interface AccessKeyCommandDeps {
  eventStore: EventStore;
  secrets: SecretSealer;
  /** how long a rotated key's old credentials keep working */
  keyRotationGraceHours: number;
}

/**
 * Which of `bucketIds` are this account's and usable (requested or provisioned), read from
 * each bucket's own stream: a bucket created a moment ago counts, with no read-model lag.
 */
export async function usableBucketIds(eventStore: EventStore, accountId: string, bucketIds: readonly string[]): Promise<string[]> {
  const usable: string[] = [];
  for (const bucketId of new Set(bucketIds)) {
    const { state } = await loadAggregate(eventStore, bucketDecider, bucketStream(bucketId));
    if (state.status !== 'none' && state.accountId === accountId && (state.status === 'requested' || state.status === 'provisioned')) usable.push(bucketId);
  }
  return usable;
}

export function createAccessKeyCommands({ eventStore, secrets, keyRotationGraceHours }: AccessKeyCommandDeps) {
  const run = (command: Parameters<typeof accessKeyDecider.decide>[0], context: CommandContext) =>
    handleCommand(eventStore, accessKeyDecider, accessKeyStream(command.data.keyId), command, context);

  return {
    async issue(
      input: { accountId: string; name: string; buckets: BucketScope; permission: AccessKeyPermission; expiresAt?: string | null },
      context: CommandContext,
      /** fresh when absent; the API derives it from the Idempotency-Key */
      keyId: string = randomUUID(),
    ): Promise<IssuedCredentials> {
      // A retry of this very request finds the key its first try recorded. Its secret was never
      // shown (that answer was lost), and it is not shown now: rotate the key to get one.
      const earlier = await loadAggregate(eventStore, accessKeyDecider, accessKeyStream(keyId));
      if (earlier.state.status !== 'none' && earlier.state.accountId === input.accountId) {
        const result = { events: [], state: earlier.state, decidedOn: earlier.state, revision: earlier.revision, position: null };
        return { result, accessKeyId: earlier.state.current.accessKeyId, secretAccessKey: null };
      }
      const accountStatus = await loadAccountStatus(eventStore, input.accountId);
      const usable = input.buckets === 'all' ? [] : await usableBucketIds(eventStore, input.accountId, input.buckets);
      const accessKeyId = newAccessKeyId();
      const secretAccessKey = newSecretAccessKey();
      const data = {
        ...input,
        keyId,
        accessKeyId,
        issuedAt: context.occurredAt,
        accountStatus,
        usableBucketIds: usable,
      };
      // Refuse what the decider would refuse before a data key is made for nothing.
      const issues = validateIssueAccessKey({ ...data, sealedSecret: { dataKeyId: '', ciphertext: '', iv: '', authTag: '' } });
      if (issues.length > 0) throw new ValidationError(issues);
      requireAccountAcceptsWork(accountStatus, input.accountId);
      const result = await withSealedSecret(secrets, secretAccessKey, (sealedSecret) => run({ type: 'IssueAccessKey', data: { ...data, sealedSecret } }, context));
      return { result, accessKeyId, secretAccessKey };
    },

    /**
     * New credentials; the old ones work for `keyRotationGraceHours` more (recorded in the
     * event as previousSecretValidUntil), so clients can switch without an outage.
     */
    async rotate(
      input: { accountId: string; keyId: string },
      context: CommandContext,
      /** fresh when absent; the API derives it from the Idempotency-Key */
      rotationId: string = randomUUID(),
    ): Promise<IssuedCredentials> {
      // A retry of this very request finds the rotation its first try recorded, and answers it
      // without the secret (never shown, and not shown now): rotating again would strand the
      // credentials the first try made, and the client would hold neither.
      const earlier = await loadAggregate(eventStore, accessKeyDecider, accessKeyStream(input.keyId));
      if (earlier.state.status !== 'none' && earlier.state.accountId === input.accountId && earlier.state.lastRotationId === rotationId) {
        const result = { events: [], state: earlier.state, decidedOn: earlier.state, revision: earlier.revision, position: null };
        return { result, accessKeyId: earlier.state.current.accessKeyId, secretAccessKey: null };
      }
      const accountStatus = await loadAccountStatus(eventStore, input.accountId);
      const accessKeyId = newAccessKeyId();
      const secretAccessKey = newSecretAccessKey();
      let sealedUnder = '';
      const result = await withSealedSecret(secrets, secretAccessKey, (sealedSecret) => {
        sealedUnder = sealedSecret.dataKeyId;
        return run(
          {
            type: 'RotateAccessKey',
            data: { ...input, rotationId, accessKeyId, sealedSecret, rotatedAt: context.occurredAt, graceHours: keyRotationGraceHours, accountStatus },
          },
          context,
        );
      });
      if (result.events.length === 0 && result.state.status !== 'none') {
        // The first try landed while this one was on its way: its credentials stand, these were never recorded.
        await secrets.shred(sealedUnder);
        return { result, accessKeyId: result.state.current.accessKeyId, secretAccessKey: null };
      }
      // Credentials that rotation retired will never be handed over. Judged on the state the
      // rotation was decided on, so a concurrent rotation cannot make us miss one.
      const before = result.decidedOn;
      const dropped = before.status === 'none' ? null : before.previous;
      if (dropped && result.state.status !== 'none' && result.state.previous?.accessKeyId !== dropped.accessKeyId) {
        await secrets.shred(dropped.dataKeyId);
      }
      return { result, accessKeyId, secretAccessKey };
    },

    /** Revoked credentials are never handed to MinIO: their sealed secrets are shredded too. */
    async revoke(input: { accountId: string; keyId: string }, context: CommandContext): Promise<AccessKeyResult> {
      const result = await run({ type: 'RevokeAccessKey', data: { ...input, revokedAt: context.occurredAt } }, context);
      if (result.state.status === 'revoked') await shredAll(result.state);
      return result;
    },

    /**
     * Called by the MinIO reactor (or an operator) once MinIO has the credentials; then their
     * data key is destroyed, so the event log alone can never reveal the secret. Repeating the
     * call after a crash between the two steps records nothing and shreds then.
     */
    async recordProvisioned(input: { accountId: string; keyId: string; accessKeyId: string }, context: CommandContext): Promise<AccessKeyResult> {
      const result = await run({ type: 'RecordAccessKeyProvisioned', data: { ...input, provisionedAt: context.occurredAt } }, context);
      if (result.state.status !== 'none') {
        const credential = [result.state.current, result.state.previous].find((c) => c?.accessKeyId === input.accessKeyId);
        if (credential && credential.provisionedAt !== null) await secrets.shred(credential.dataKeyId);
      }
      return result;
    },
  };

  async function shredAll(state: Exclude<AccessKeyState, { status: 'none' }>) {
    for (const credential of [state.current, state.previous]) if (credential) await secrets.shred(credential.dataKeyId);
  }
}
