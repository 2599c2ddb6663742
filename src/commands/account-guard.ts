import type { AccountStatus } from '../domain/account/account-decider.ts';
import { accountDecider } from '../domain/account/account-decider.ts';
import { accountStream } from '../domain/account/account-streams.ts';
import { NotFoundError } from '../domain/errors.ts';
import type { EventStore } from '../ports/event-store.ts';
import { loadAggregate } from './command-handler.ts';

/**
 * The account's status as its own stream has it now. Commands on an account's resources
 * carry it into their decider (which stays pure), e.g. to refuse new work while suspended.
 */
export async function loadAccountStatus(eventStore: EventStore, accountId: string): Promise<AccountStatus> {
  const { state } = await loadAggregate(eventStore, accountDecider, accountStream(accountId));
  if (state.status === 'none') throw new NotFoundError('account_not_found', `account ${accountId} does not exist`);
  return state.status;
}
