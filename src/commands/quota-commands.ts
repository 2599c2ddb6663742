import { randomUUID } from 'node:crypto';
import type { QuotaCommand } from '../domain/quota/quota-commands.ts';
import { quotaDecider, type QuotaState } from '../domain/quota/quota-decider.ts';
import type { QuotaEvent } from '../domain/quota/quota-events.ts';
import { quotaStream } from '../domain/quota/quota-streams.ts';
import type { EventStore } from '../ports/event-store.ts';
import { loadAccountStatus } from './account-guard.ts';
import { handleCommand, loadAggregate, type CommandContext, type CommandResult } from './command-handler.ts';

export type QuotaCommands = ReturnType<typeof createQuotaCommands>;
export type QuotaResult = CommandResult<QuotaEvent, QuotaState>;

export function createQuotaCommands(eventStore: EventStore, settings: { defaultQuotaGiB: number }) {
  const run = (command: QuotaCommand, context: CommandContext) =>
    handleCommand(eventStore, quotaDecider, quotaStream(command.data.accountId), command, context);
  const { defaultQuotaGiB } = settings;

  return {
    /** Returns the result and the id made for the request. */
    async requestIncrease(input: { accountId: string; requestedGiB: number; reason: string }, context: CommandContext, requestId: string = randomUUID()) {
      // A retry of this very request (its id derives from the Idempotency-Key) finds the first try's.
      const earlier = await loadAggregate(eventStore, quotaDecider, quotaStream(input.accountId));
      if (earlier.state.requests[requestId]) {
        return { events: [], state: earlier.state, decidedOn: earlier.state, revision: earlier.revision, position: null, requestId };
      }
      const accountStatus = await loadAccountStatus(eventStore, input.accountId);
      const result = await run(
        { type: 'RequestQuotaIncrease', data: { ...input, requestId, requestedAt: context.occurredAt, defaultQuotaGiB, accountStatus } },
        context,
      );
      return { ...result, requestId };
    },

    async approve(input: { accountId: string; requestId: string; note: string }, context: CommandContext): Promise<QuotaResult> {
      const accountStatus = await loadAccountStatus(eventStore, input.accountId);
      return run({ type: 'ApproveQuotaRequest', data: { ...input, approvedAt: context.occurredAt, defaultQuotaGiB, accountStatus } }, context);
    },

    async reject(input: { accountId: string; requestId: string; note: string }, context: CommandContext): Promise<QuotaResult> {
      // An unknown account has no requests; the guard says so with the usual code.
      await loadAccountStatus(eventStore, input.accountId);
      return run({ type: 'RejectQuotaRequest', data: { ...input, rejectedAt: context.occurredAt } }, context);
    },
  };
}
