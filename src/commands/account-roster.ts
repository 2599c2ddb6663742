import { accountDecider, type AccountState } from '../domain/account/account-decider.ts';
import { accountStream } from '../domain/account/account-streams.ts';
import type { AccountOpened } from '../domain/account/account-events.ts';
import type { EventStore, Position } from '../ports/event-store.ts';
import { loadAggregate } from './command-handler.ts';

const PAGE = 1_000;

/**
 * Every account the event log has opened (its `AccountOpened` events), in id order. Scheduled
 * work (billing, dunning, the quota check) lists accounts from here and not from the accounts
 * read model: a read model that is behind, failed or being rebuilt would leave accounts out,
 * and nobody would be told.
 */
export async function accountIdsInLog(eventStore: EventStore): Promise<string[]> {
  const ids = new Set<string>();
  let from: Position | null = null;
  for (;;) {
    const page = await eventStore.readAll({ fromPosition: from, maxCount: PAGE, filter: { only: ['AccountOpened'] } });
    for (const event of page) ids.add((event.data as AccountOpened['data']).accountId);
    if (page.length < PAGE) break;
    from = page[page.length - 1]!.position;
  }
  return [...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

export type OpenedAccount = Exclude<AccountState, { status: 'none' }>;

/** An account as its own stream has it now (zone, billing day, currency, status). */
export async function loadOpenedAccount(eventStore: EventStore, accountId: string): Promise<OpenedAccount> {
  const { state } = await loadAggregate(eventStore, accountDecider, accountStream(accountId));
  // listed from its AccountOpened, so its stream cannot be empty: say so loudly if it is
  if (state.status === 'none') throw new Error(`account ${accountId} was opened in the log but its stream ${accountStream(accountId)} is empty`);
  return state;
}
