import type { Role } from '../domain/access/permissions.ts';
import { accessKeyDecider, accessKeyStatusAt, type AccessKeyState } from '../domain/access-key/access-key-decider.ts';
import { accessKeyEvents } from '../domain/access-key/access-key-events.ts';
import { accessKeyStream } from '../domain/access-key/access-key-streams.ts';
import { accountDecider, type AccountMember, type AccountState } from '../domain/account/account-decider.ts';
import { accountEvents } from '../domain/account/account-events.ts';
import { accountStream } from '../domain/account/account-streams.ts';
import { bucketDecider, type BucketState, type BucketStatus } from '../domain/bucket/bucket-decider.ts';
import { bucketEvents } from '../domain/bucket/bucket-events.ts';
import { bucketStream } from '../domain/bucket/bucket-streams.ts';
import { availableCredit, creditDecider } from '../domain/credit/credit-decider.ts';
import { creditEvents, creditStream } from '../domain/credit/credit-events.ts';
import type { Decider, DomainEvent } from '../domain/decider.ts';
import { NotFoundError, ValidationError } from '../domain/errors.ts';
import { invoiceDecider } from '../domain/invoice/invoice-decider.ts';
import { invoiceEvents, invoiceStreamEvents } from '../domain/invoice/invoice-events.ts';
import { ZERO, exact } from '../domain/rating/exact-decimal.ts';
import { formatInstant, parseInstant } from '../domain/rating/instant.ts';
import { formatMoney, isCurrency, type Currency } from '../domain/rating/money.ts';
import type { EventUnion } from '../domain/shared/event-union.ts';
import { subscriptionDecider, type SubscriptionState } from '../domain/subscription/subscription-decider.ts';
import { subscriptionEvents, subscriptionStream } from '../domain/subscription/subscription-events.ts';
import type { EventStore, RecordedEvent } from '../ports/event-store.ts';
import type { AccountBalance } from '../projections/payments/payment-queries.ts';

/**
 * State as of an instant, for finance, audits and disputes: each stream folded through its
 * decider's `evolve` over the events recorded by then (`metadata.occurredAt` ≤ asOf), in
 * stream order. The event log is the only source; no read model is asked, so the answer is
 * what the ledger had recorded at that instant, not what was effective then (a plan change
 * recorded later with an earlier `effectiveAt` is not in it).
 *
 * Cost: one account's own streams are read whole (account, subscription, credit); its
 * buckets, access keys and invoices are found by reading every `BucketRequested`,
 * `AccessKeyIssued` or `InvoiceIssued` of the log (type-filtered, in pages) and keeping the
 * account's, then reading their streams in one round trip. Linear in the platform's number of
 * buckets, keys or invoices: an audit query, not one for a hot path.
 */

/** When a state is asked for, and the clock's now it must not pass. */
export interface AsOf {
  /** ISO 8601 with an offset */
  asOf: string;
  /** the injected clock's instant of the request */
  now: string;
}

export type OpenedAccount = Exclude<AccountState, { status: 'none' }>;
export type ExistingBucket = Exclude<BucketState, { status: 'none' }>;
export type ExistingAccessKey = Exclude<AccessKeyState, { status: 'none' }>;

/** Everything `ops state-at` prints: the account and what hangs off it, at one instant. */
export interface AccountSnapshot {
  asOf: string;
  account: OpenedAccount;
  members: AccountMember[];
  buckets: ExistingBucket[];
  accessKeys: ExistingAccessKey[];
  subscription: SubscriptionState;
  balance: AccountBalance;
}

const LOG_PAGE = 1_000;

/** A valid, past (or present) asOf as epoch milliseconds; a 400 naming `asOf` otherwise. */
export function asOfMs({ asOf, now }: AsOf): number {
  const ms = parseInstant(asOf);
  if (ms === null) throw new ValidationError([{ path: 'asOf', message: 'must be an ISO 8601 instant with an offset, e.g. 2026-07-05T10:00:00-03:00' }]);
  if (ms > Date.parse(now)) throw new ValidationError([{ path: 'asOf', message: `must not be later than now (${now}): the state of the future is not known yet` }]);
  return ms;
}

/** Recorded at or before `ms`; an event without a readable `occurredAt` counts as recorded after any instant. */
const recordedBy = (event: RecordedEvent, ms: number) => (parseInstant(event.metadata.occurredAt) ?? Number.POSITIVE_INFINITY) <= ms;

/** The stream's state from its events recorded by `ms`, in stream order. */
function foldUntil<Command, Event extends DomainEvent, State>(decider: Decider<Command, Event, State>, union: EventUnion<Event>, events: readonly RecordedEvent[], ms: number): State {
  let state = decider.initialState();
  for (const recorded of events) if (recordedBy(recorded, ms)) state = decider.evolve(state, union.narrow(recorded));
  return state;
}

/** Newest first by (instant, id), as the read models' lists order (requested_at/issued_at desc, then id desc). */
const newestFirst = (a: { at: string; id: string }, b: { at: string; id: string }) =>
  Date.parse(b.at) - Date.parse(a.at) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

export function createStateAt(eventStore: EventStore) {
  /** The streams named by events of `type` (by their `data.accountId`) recorded by `ms`: the whole log's events of that type, page by page. */
  async function streamsOf<E extends DomainEvent<string, { accountId: string }>>(union: EventUnion<E>, type: E['type'], accountId: string, ms: number): Promise<string[]> {
    const streams = new Set<string>();
    let fromPosition: string | null = null;
    for (;;) {
      const page = await eventStore.readAll({ fromPosition, maxCount: LOG_PAGE, filter: { only: [type] } });
      for (const event of page) if (union.narrow(event).data.accountId === accountId && recordedBy(event, ms)) streams.add(event.streamName);
      if (page.length < LOG_PAGE) return [...streams];
      fromPosition = page[page.length - 1]!.position;
    }
  }

  async function accountAt(accountId: string, ms: number): Promise<OpenedAccount> {
    const state = foldUntil(accountDecider, accountEvents, await eventStore.readStream(accountStream(accountId)), ms);
    if (state.status === 'none') throw new NotFoundError('account_not_found', `account ${accountId} does not exist`);
    return state;
  }

  async function bucketsAt(accountId: string, ms: number): Promise<ExistingBucket[]> {
    const streams = await eventStore.readStreams(await streamsOf(bucketEvents, 'BucketRequested', accountId, ms));
    return [...streams.values()]
      .map((events) => foldUntil(bucketDecider, bucketEvents, events, ms))
      .filter((state): state is ExistingBucket => state.status !== 'none' && state.accountId === accountId)
      .sort((a, b) => newestFirst({ at: a.requestedAt, id: a.bucketId }, { at: b.requestedAt, id: b.bucketId }));
  }

  async function accessKeysAt(accountId: string, ms: number): Promise<ExistingAccessKey[]> {
    const streams = await eventStore.readStreams(await streamsOf(accessKeyEvents, 'AccessKeyIssued', accountId, ms));
    return [...streams.values()]
      .map((events) => foldUntil(accessKeyDecider, accessKeyEvents, events, ms))
      .filter((state): state is ExistingAccessKey => state.status !== 'none' && state.accountId === accountId)
      .sort((a, b) => newestFirst({ at: a.issuedAt, id: a.keyId }, { at: b.issuedAt, id: b.keyId }));
  }

  function membersAt(account: OpenedAccount, role: Role | undefined): AccountMember[] {
    // by email, then member id, ascending, as the members read model lists them (code-unit order)
    return Object.values(account.members)
      .filter((member) => role === undefined || member.role === role)
      .sort((a, b) => (a.email < b.email ? -1 : a.email > b.email ? 1 : a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0));
  }

  async function balanceAt(account: OpenedAccount, ms: number): Promise<AccountBalance> {
    const { accountId } = account;
    const currency = (isCurrency(account.currency) ? account.currency : 'BRL') as Currency;
    const money = (value: string) => formatMoney(exact(value), currency);
    const [invoiceStreams, credit] = await Promise.all([
      streamsOf(invoiceEvents, 'InvoiceIssued', accountId, ms).then((names) => eventStore.readStreams(names)),
      eventStore.readStream(creditStream(accountId)),
    ]);
    const openInvoices: AccountBalance['openInvoices'] = [];
    for (const events of invoiceStreams.values()) {
      const invoice = foldUntil(invoiceDecider, invoiceStreamEvents, events, ms);
      // paid and void invoices owe nothing; an overdue one stays overdue until paid
      if (invoice.status !== 'issued' || invoice.settlement.paidAt !== null) continue;
      const { issued, settlement } = invoice;
      const due = exact(issued.total).minus(settlement.amountPaid).minus(settlement.amountCredited);
      if (!due.gt(0)) continue;
      openInvoices.push({
        invoiceId: issued.invoiceId,
        number: issued.number,
        period: issued.period,
        status: settlement.overdueAt !== null ? 'overdue' : 'issued',
        dueDate: issued.dueDate,
        total: money(issued.total),
        amountPaid: money(settlement.amountPaid),
        amountCredited: money(settlement.amountCredited),
        amountDue: formatMoney(due, currency),
      });
    }
    openInvoices.sort((a, b) => (a.period < b.period ? -1 : a.period > b.period ? 1 : 0));
    return {
      accountId,
      currency,
      openInvoices,
      amountDue: formatMoney(openInvoices.reduce((sum, i) => sum.plus(i.amountDue), ZERO), currency),
      creditAvailable: formatMoney(availableCredit(foldUntil(creditDecider, creditEvents, credit, ms)), currency),
    };
  }

  async function subscriptionAt(accountId: string, ms: number): Promise<SubscriptionState> {
    return foldUntil(subscriptionDecider, subscriptionEvents, await eventStore.readStream(subscriptionStream(accountId)), ms);
  }

  return {
    /** The account as recorded by then; 404 before it was opened. */
    async account(accountId: string, at: AsOf): Promise<OpenedAccount> {
      return accountAt(accountId, asOfMs(at));
    },

    /** Its members by email, as `GET …/members` lists them, with its role filter. */
    async members(accountId: string, at: AsOf, filter: { role?: Role | undefined } = {}): Promise<AccountMember[]> {
      return membersAt(await accountAt(accountId, asOfMs(at)), filter.role);
    },

    /** Its buckets newest first, as `GET …/buckets` lists them, with its filters (a name prefix, a status). */
    async buckets(accountId: string, at: AsOf, filter: { status?: BucketStatus | undefined; name?: string | undefined } = {}): Promise<ExistingBucket[]> {
      const ms = asOfMs(at);
      await accountAt(accountId, ms);
      const buckets = await bucketsAt(accountId, ms);
      return buckets.filter((b) => (filter.status === undefined || b.status === filter.status) && (filter.name === undefined || b.name.startsWith(filter.name)));
    },

    /** One bucket of the account; 404 when it was not requested by then, or is another account's. */
    async bucket(accountId: string, bucketId: string, at: AsOf): Promise<ExistingBucket> {
      const ms = asOfMs(at);
      await accountAt(accountId, ms);
      const state = foldUntil(bucketDecider, bucketEvents, await eventStore.readStream(bucketStream(bucketId)), ms);
      if (state.status === 'none' || state.accountId !== accountId) throw new NotFoundError('bucket_not_found', `bucket ${bucketId} does not exist`);
      return state;
    },

    /** Its access keys newest first, as `GET …/access-keys` lists them; `status` is told at asOf (an active key past its expiry is expired). */
    async accessKeys(accountId: string, at: AsOf, filter: { status?: 'active' | 'expired' | 'revoked' | undefined } = {}): Promise<ExistingAccessKey[]> {
      const ms = asOfMs(at);
      await accountAt(accountId, ms);
      const keys = await accessKeysAt(accountId, ms);
      return filter.status === undefined ? keys : keys.filter((key) => accessKeyStatusAt(key, formatInstant(ms)) === filter.status);
    },

    /** One access key of the account (its state only: secrets are sealed in it and never mapped out). */
    async accessKey(accountId: string, keyId: string, at: AsOf): Promise<ExistingAccessKey> {
      const ms = asOfMs(at);
      await accountAt(accountId, ms);
      const state = foldUntil(accessKeyDecider, accessKeyEvents, await eventStore.readStream(accessKeyStream(keyId)), ms);
      if (state.status === 'none' || state.accountId !== accountId) throw new NotFoundError('access_key_not_found', `access key ${keyId} does not exist`);
      return state;
    },

    /** Its subscription's changes recorded by then. */
    async subscription(accountId: string, at: AsOf): Promise<SubscriptionState> {
      const ms = asOfMs(at);
      await accountAt(accountId, ms);
      return subscriptionAt(accountId, ms);
    },

    /** What it owed and the credit it had, as `GET …/balance` computes them, from the invoice and credit streams. */
    async balance(accountId: string, at: AsOf): Promise<AccountBalance> {
      const ms = asOfMs(at);
      return balanceAt(await accountAt(accountId, ms), ms);
    },

    /** All of it at once (`ops state-at`). */
    async snapshot(accountId: string, at: AsOf): Promise<AccountSnapshot> {
      const ms = asOfMs(at);
      const account = await accountAt(accountId, ms);
      const [buckets, accessKeys, subscription, balance] = await Promise.all([
        bucketsAt(accountId, ms),
        accessKeysAt(accountId, ms),
        subscriptionAt(accountId, ms),
        balanceAt(account, ms),
      ]);
      return { asOf: formatInstant(ms), account, members: membersAt(account, undefined), buckets, accessKeys, subscription, balance };
    },
  };
}

export type StateAt = ReturnType<typeof createStateAt>;
