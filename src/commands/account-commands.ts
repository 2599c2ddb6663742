import type { AccountCommand } from '../domain/account/account-commands.ts';
import { accountDecider, slugReservationDecider, validateOpenAccount } from '../domain/account/account-decider.ts';
import { accountSlugStream, accountStream } from '../domain/account/account-streams.ts';
import { ConflictError, ValidationError } from '../domain/errors.ts';
import type { EventStore } from '../ports/event-store.ts';
import type { MemberRoleLookup } from './api-token-commands.ts';
import { handleCommand, loadAggregate, type CommandContext } from './command-handler.ts';

export type AccountCommands = ReturnType<typeof createAccountCommands>;

export function createAccountCommands(eventStore: EventStore) {
  return {
    eventStore,
    async execute(command: AccountCommand, context: CommandContext) {
      if (command.type === 'OpenAccount') {
        // Validate before reserving, so bad input never leaves a slug taken.
        const issues = validateOpenAccount(command.data);
        if (issues.length > 0) throw new ValidationError(issues);
        const { slug, accountId, openedAt } = command.data;
        // Decide the opening before the slug is reserved: whatever refuses it (an account that
        // exists already, any rule of the decider) must not leave a slug taken on its way.
        const { state, revision } = await loadAggregate(eventStore, accountDecider, accountStream(accountId));
        // A retry of this very opening (its id derives from the Idempotency-Key): the first try's outcome.
        if (state.status !== 'none' && state.slug === slug) return { events: [], state, decidedOn: state, revision, position: null };
        if (state.status !== 'none') throw new ConflictError('account_exists', `account ${accountId} already exists`);
        accountDecider.decide(command, state);
        // The reservation stream can be created once only: of two accounts asking for one
        // slug at the same moment, exactly one gets it. Retrying the same open is harmless.
        await handleCommand(
          eventStore,
          slugReservationDecider,
          accountSlugStream(slug),
          { type: 'ReserveAccountSlug', data: { slug, accountId, reservedAt: openedAt } },
          context,
        );
      }
      return handleCommand(eventStore, accountDecider, accountStream(command.data.accountId), command, context);
    },
  };
}

/** The role a member holds right now, read from the account's own stream: no read-model lag. */
export function memberRoleLookup(eventStore: EventStore): MemberRoleLookup {
  return async (accountId, memberId) => {
    const { state } = await loadAggregate(eventStore, accountDecider, accountStream(accountId));
    if (state.status === 'none' || state.status === 'closed') return null;
    return state.members[memberId]?.role ?? null;
  };
}
