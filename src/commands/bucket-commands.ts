import { randomUUID } from 'node:crypto';
import type { BucketCommand, BucketLifecycle, RequestBucket } from '../domain/bucket/bucket-commands.ts';
import { bucketDecider, checkRequestBucket, type BucketState } from '../domain/bucket/bucket-decider.ts';
import type { BucketEvent } from '../domain/bucket/bucket-events.ts';
import type { BucketVersioning } from '../domain/bucket/bucket-rules.ts';
import { BUCKET_NAME_CATEGORY, bucketStream } from '../domain/bucket/bucket-streams.ts';
import { IllegalStateError } from '../domain/errors.ts';
import type { EventStore } from '../ports/event-store.ts';
import { loadAccountStatus } from './account-guard.ts';
import { handleCommand, loadAggregate, type CommandContext, type CommandResult } from './command-handler.ts';
import { releaseName, reserveName } from './name-reservation-commands.ts';

export type BucketCommands = ReturnType<typeof createBucketCommands>;
export type BucketResult = CommandResult<BucketEvent, BucketState>;

export function createBucketCommands(eventStore: EventStore) {
  const run = (command: BucketCommand, context: CommandContext) =>
    handleCommand(eventStore, bucketDecider, bucketStream(command.data.bucketId), command, context);

  return {
    /**
     * Validate, reserve the name platform-wide, then record the request. Of two requests for
     * one name, whichever reserves it first wins; the other gets ConflictError `name_taken`.
     */
    async request(input: { accountId: string; name: string; /** fresh when absent; derived from the Idempotency-Key by the API */ bucketId?: string }, context: CommandContext): Promise<BucketResult> {
      const bucketIdWanted = input.bucketId ?? randomUUID();
      // A retry of this very request finds the bucket its first try recorded.
      const earlier = await loadAggregate(eventStore, bucketDecider, bucketStream(bucketIdWanted));
      if (earlier.state.status !== 'none' && earlier.state.accountId === input.accountId && earlier.state.name === input.name) {
        return { events: [], state: earlier.state, decidedOn: earlier.state, revision: earlier.revision, position: null };
      }
      const accountStatus = await loadAccountStatus(eventStore, input.accountId);
      const command: RequestBucket = {
        type: 'RequestBucket',
        data: { accountId: input.accountId, bucketId: bucketIdWanted, name: input.name, requestedAt: context.occurredAt, accountStatus },
      };
      // Everything that could refuse the request is checked before the name is taken.
      checkRequestBucket(command.data);
      const { bucketId, name } = command.data;
      await reserveName(eventStore, BUCKET_NAME_CATEGORY, name, bucketId, context);
      try {
        return await run(command, context);
      } catch (error) {
        // Give the name back only if the bucket really was not recorded: an append can commit
        // and still fail on the way back, and a recorded bucket must keep its name.
        const recorded = await eventStore.readStream(bucketStream(bucketId), { maxCount: 1 }).catch(() => null);
        if (recorded !== null && recorded.length === 0) {
          await releaseName(eventStore, BUCKET_NAME_CATEGORY, name, bucketId, context).catch(() => undefined);
        }
        throw error;
      }
    },

    async setQuota(input: { accountId: string; bucketId: string; quotaBytes: string | null }, context: CommandContext) {
      const accountStatus = await loadAccountStatus(eventStore, input.accountId);
      return run({ type: 'SetBucketQuota', data: { ...input, changedAt: context.occurredAt, accountStatus } }, context);
    },

    async setVersioning(input: { accountId: string; bucketId: string; versioning: Exclude<BucketVersioning, 'disabled'> }, context: CommandContext) {
      const accountStatus = await loadAccountStatus(eventStore, input.accountId);
      return run({ type: 'SetBucketVersioning', data: { ...input, changedAt: context.occurredAt, accountStatus } }, context);
    },

    async setLifecycle(input: { accountId: string; bucketId: string; lifecycle: BucketLifecycle }, context: CommandContext) {
      const accountStatus = await loadAccountStatus(eventStore, input.accountId);
      return run({ type: 'SetBucketLifecycle', data: { ...input, changedAt: context.occurredAt, accountStatus } }, context);
    },

    delete(input: { accountId: string; bucketId: string }, context: CommandContext) {
      return run({ type: 'DeleteBucket', data: { ...input, requestedAt: context.occurredAt } }, context);
    },

    /** Called by the MinIO reactor (or an operator) once MinIO has the bucket. */
    recordProvisioned(input: { accountId: string; bucketId: string }, context: CommandContext) {
      return run({ type: 'RecordBucketProvisioned', data: { ...input, provisionedAt: context.occurredAt } }, context);
    },

    /** Called by the MinIO reactor (or an operator) when MinIO would not create the bucket. */
    recordProvisioningFailed(input: { accountId: string; bucketId: string; reason: string }, context: CommandContext) {
      return run({ type: 'RecordBucketProvisioningFailed', data: { ...input, failedAt: context.occurredAt } }, context);
    },

    /**
     * Called by the MinIO reactor (or an operator) once the bucket is gone from MinIO; then
     * the name is released, so anyone may create a bucket of that name again, as in S3.
     * Repeating the call after a crash between the two steps releases the name then.
     */
    async recordDeleted(input: { accountId: string; bucketId: string }, context: CommandContext): Promise<BucketResult> {
      const result = await run({ type: 'RecordBucketDeleted', data: { ...input, deletedAt: context.occurredAt } }, context);
      if (result.state.status === 'deleted') {
        try {
          await releaseName(eventStore, BUCKET_NAME_CATEGORY, result.state.name, input.bucketId, context);
        } catch (error) {
          // Released earlier and claimed since by another bucket: nothing left for us to do.
          if (!(error instanceof IllegalStateError && error.code === 'name_held_by_another')) throw error;
        }
      }
      return result;
    },
  };
}
