import { accountDecider, type AccountState } from '../domain/account/account-decider.ts';
import { IllegalStateError } from '../domain/errors.ts';
import { accountStream } from '../domain/account/account-streams.ts';
import type { AccountEvent, AccountOpened } from '../domain/account/account-events.ts';
import type { EventStore, Position } from '../ports/event-store.ts';
import { loadAggregate } from './command-handler.ts';

const PAGE = 1_000;
const OPENED = { only: ['AccountOpened'] };
/** How long an account opening held back from readers (a transaction still running) is waited for. */
const HELD_BACK_POLLS = 50;
const HELD_BACK_POLL_MS = 100;

/**
 * Every account the event log has opened (its `AccountOpened` events), in id order. Scheduled
 * work (billing, dunning, the quota check) lists accounts from here and not from the accounts
 * read model: a read model that is behind, failed or being rebuilt would leave accounts out,
 * and nobody would be told.
 */
export async function accountIdsInLog(eventStore: EventStore): Promise<string[]> {
  const ids = new Set<string>();
  let from: Position | null = null;
  for (let polls = 0; ; polls++) {
    for (;;) {
      const page = await eventStore.readAll({ fromPosition: from, maxCount: PAGE, filter: OPENED });
      for (const event of page) ids.add((event.data as AccountOpened['data']).accountId);
      if (page.length === 0) break;
      from = page[page.length - 1]!.position;
      if (page.length < PAGE) break;
    }
    // An opening committed behind a transaction still running is invisible to readAll: a list
    // without it would leave that account out, so wait for it, then refuse.
    const { heldBack } = await eventStore.backlogAfter(from, OPENED);
    if (heldBack === 0n) break;
    if (polls >= HELD_BACK_POLLS) {
      throw new IllegalStateError(
        'log_held_back',
        `${heldBack} account openings are written but held back from readers by a transaction still running; the run was not carried out, so that no account is left out. See npm run ops -- status`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, HELD_BACK_POLL_MS));
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

/**
 * Accounts as their own streams have them now, read together (one round trip for the lot
 * where the store can). One whose stream is empty is left out: `loadOpenedAccount` says why.
 */
export async function loadOpenedAccounts(eventStore: EventStore, accountIds: readonly string[]): Promise<Map<string, OpenedAccount>> {
  const streams = await eventStore.readStreams(accountIds.map(accountStream));
  const accounts = new Map<string, OpenedAccount>();
  for (const accountId of accountIds) {
    let state = accountDecider.initialState();
    for (const { type, data } of streams.get(accountStream(accountId))!) state = accountDecider.evolve(state, { type, data } as AccountEvent);
    if (state.status !== 'none') accounts.set(accountId, state);
  }
  return accounts;
}
