import { randomBytes, randomUUID } from 'node:crypto';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresEventStore } from '../../src/adapters/event-store/postgres-event-store.ts';
import { createPool } from '../../src/adapters/postgres/database.ts';
import { createAccountCommands } from '../../src/commands/account-commands.ts';
import { handleCommand, loadAggregate, type CommandContext } from '../../src/commands/command-handler.ts';
import type { OpenAccount } from '../../src/domain/account/account-commands.ts';
import { accountDecider } from '../../src/domain/account/account-decider.ts';
import type { AccountEvent } from '../../src/domain/account/account-events.ts';
import type { Decider, DomainEvent } from '../../src/domain/decider.ts';
import { ConflictError, IllegalStateError, ValidationError } from '../../src/domain/errors.ts';
import {
  ConcurrencyError,
  type AppendResult,
  type Backlog,
  type EventStore,
  type LogHorizon,
  type EventToAppend,
  type ExpectedRevision,
  type Position,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type StreamAppend,
  type SubscribeOptions,
} from '../../src/ports/event-store.ts';
import { createTestDatabase } from '../support/database.ts';

let pool: pg.Pool;
let store: PostgresEventStore;

beforeAll(async () => {
  const url = await createTestDatabase('cmd');
  pool = createPool(url);
  store = new PostgresEventStore(pool);
  await store.migrate();
});
afterAll(async () => {
  await pool.end();
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const OCCURRED_AT = '2026-03-01T12:00:00.000Z';

const uniqueStream = (label: string) => `${label}-${randomUUID().replaceAll('-', '')}`;

function context(overrides: Partial<CommandContext> = {}): CommandContext {
  return {
    actor: 'user-42',
    correlationId: randomUUID(),
    causationId: randomUUID(),
    occurredAt: OCCURRED_AT,
    ip: '203.0.113.7',
    ...overrides,
  };
}

const FAST_RETRY = { maxAttempts: 3, baseDelayMs: 1 };

// ---- a tiny decider whose decisions depend on the state, so a re-decision shows --------------

type CounterCommand =
  | { type: 'Add'; by: number }
  | { type: 'AddTwice'; by: number }
  | { type: 'AddUnlessAbove'; by: number; limit: number }
  | { type: 'Nothing' };
type Added = DomainEvent<'Added', { by: number; total: number }>;
type CounterState = { total: number; folded: number };

const counterDecider: Decider<CounterCommand, Added, CounterState> = {
  initialState: () => ({ total: 0, folded: 0 }),
  decide(command, state) {
    switch (command.type) {
      case 'Add':
        return [{ type: 'Added', data: { by: command.by, total: state.total + command.by } }];
      case 'AddTwice':
        return [
          { type: 'Added', data: { by: command.by, total: state.total + command.by } },
          { type: 'Added', data: { by: command.by, total: state.total + 2 * command.by } },
        ];
      case 'AddUnlessAbove':
        if (state.total > command.limit) throw new IllegalStateError('over_limit', `total ${state.total} is above ${command.limit}`);
        return [{ type: 'Added', data: { by: command.by, total: state.total + command.by } }];
      case 'Nothing':
        return [];
    }
  },
  evolve: (state, event) => ({ total: state.total + event.data.by, folded: state.folded + 1 }),
};

function added(by: number, total: number): EventToAppend {
  return {
    eventId: randomUUID(),
    type: 'Added',
    data: { by, total },
    metadata: { actor: 'competitor', correlationId: randomUUID(), causationId: randomUUID(), occurredAt: OCCURRED_AT },
  };
}

// ---- a store wrapper that counts calls and can let a competitor write first --------------------

interface Spy {
  appendAttempts: number;
  expectedRevisions: ExpectedRevision[];
  reads: number;
  /** the fromRevision of each read */
  readFrom: (bigint | undefined)[];
}

/**
 * Delegates to `inner`. Before append number `n` (1-based) to which `competeBefore(n)`
 * answers an event, that event is appended to the same stream with expectation `any`, as if
 * another writer got there between the handler's read and its append.
 */
class InterferingStore implements EventStore {
  readonly kind = 'postgres' as const;
  readonly spy: Spy = { appendAttempts: 0, expectedRevisions: [], reads: 0, readFrom: [] };

  constructor(
    private readonly inner: EventStore,
    private readonly competeBefore: (attempt: number, streamName: string) => EventToAppend | null = () => null,
    private readonly failAppend: (attempt: number) => Error | null = () => null,
  ) {}

  async append(streamName: string, events: readonly EventToAppend[], options: { expectedRevision: ExpectedRevision }): Promise<AppendResult> {
    this.spy.appendAttempts++;
    this.spy.expectedRevisions.push(options.expectedRevision);
    const failure = this.failAppend(this.spy.appendAttempts);
    if (failure) throw failure;
    const competitor = this.competeBefore(this.spy.appendAttempts, streamName);
    if (competitor) await this.inner.append(streamName, [competitor], { expectedRevision: 'any' });
    return this.inner.append(streamName, events, options);
  }
  readonly atomicAppendMany = true;
  readonly eventIdsUniqueAcrossStreams = true;
  appendMany(appends: readonly StreamAppend[]): Promise<AppendResult[]> {
    return this.inner.appendMany(appends);
  }
  readStream(streamName: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    this.spy.reads++;
    this.spy.readFrom.push(options?.fromRevision);
    return this.inner.readStream(streamName, options);
  }
  readStreams(streamNames: readonly string[]): Promise<Map<string, RecordedEvent[]>> {
    return this.inner.readStreams(streamNames);
  }
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]> {
    return this.inner.readAll(options);
  }
  subscribeToAll(options: SubscribeOptions): AsyncIterable<RecordedEvent[]> {
    return this.inner.subscribeToAll(options);
  }
  countAfter(fromPosition: Position | null): Promise<bigint> {
    return this.inner.countAfter(fromPosition);
  }
  backlogAfter(fromPosition: Position | null): Promise<Backlog> {
    return this.inner.backlogAfter(fromPosition);
  }
  horizon(): Promise<LogHorizon> {
    return this.inner.horizon();
  }
  ping(): Promise<void> {
    return this.inner.ping();
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

describe('loadAggregate', () => {
  it('a missing stream folds to the initial state with no revision', async () => {
    const loaded = await loadAggregate(store, counterDecider, uniqueStream('counter'));
    expect(loaded).toEqual({ state: { total: 0, folded: 0 }, revision: null });
  });

  it('folds every recorded event and reports the last revision', async () => {
    const stream = uniqueStream('counter');
    await store.append(stream, [added(2, 2), added(3, 5), added(4, 9)], { expectedRevision: 'no_stream' });
    const loaded = await loadAggregate(store, counterDecider, stream);
    expect(loaded.state).toEqual({ total: 9, folded: 3 });
    expect(loaded.revision).toBe(2n);
  });

  it('reads only its own stream', async () => {
    const stream = uniqueStream('counter');
    await store.append(stream, [added(1, 1)], { expectedRevision: 'no_stream' });
    await store.append(`${stream}x`, [added(100, 100)], { expectedRevision: 'no_stream' });
    expect(await loadAggregate(store, counterDecider, stream)).toEqual({ state: { total: 1, folded: 1 }, revision: 0n });
  });
});

describe('handleCommand', () => {
  it('appends the decided events with the metadata of the CommandContext', async () => {
    const stream = uniqueStream('counter');
    const ctx = context();
    const result = await handleCommand(store, counterDecider, stream, { type: 'Add', by: 7 }, ctx);

    const recorded = await store.readStream(stream);
    expect(recorded).toHaveLength(1);
    const [event] = recorded;
    expect(event!.type).toBe('Added');
    expect(event!.data).toEqual({ by: 7, total: 7 });
    expect(event!.streamRevision).toBe(0n);
    expect(event!.eventId).toMatch(UUID);
    expect(event!.metadata).toEqual({
      actor: 'user-42',
      correlationId: ctx.correlationId,
      causationId: ctx.causationId,
      occurredAt: OCCURRED_AT,
      ip: '203.0.113.7',
    });

    expect(result).toEqual({
      events: [{ type: 'Added', data: { by: 7, total: 7 } }],
      state: { total: 7, folded: 1 },
      decidedOn: { total: 0, folded: 0 },
      revision: 0n,
      position: event!.position,
    });
  });

  it('leaves ip out of the metadata when the context has none', async () => {
    const stream = uniqueStream('counter');
    const ctx = context({ ip: undefined });
    await handleCommand(store, counterDecider, stream, { type: 'Add', by: 1 }, ctx);
    const [event] = await store.readStream(stream);
    expect(event!.metadata).toEqual({ actor: 'user-42', correlationId: ctx.correlationId, causationId: ctx.causationId, occurredAt: OCCURRED_AT });
    expect(event!.metadata).not.toHaveProperty('ip');
  });

  it('appends several events in one batch, each with its own id and the same metadata', async () => {
    const stream = uniqueStream('counter');
    await store.append(stream, [added(10, 10)], { expectedRevision: 'no_stream' });
    const ctx = context({ actor: 'system:billing-run' });
    const result = await handleCommand(store, counterDecider, stream, { type: 'AddTwice', by: 5 }, ctx);

    const recorded = await store.readStream(stream);
    expect(recorded.map((e) => [e.streamRevision, e.data])).toEqual([
      [0n, { by: 10, total: 10 }],
      [1n, { by: 5, total: 15 }],
      [2n, { by: 5, total: 20 }],
    ]);
    const ours = recorded.slice(1);
    expect(new Set(ours.map((e) => e.eventId)).size).toBe(2);
    for (const e of ours) expect(e.metadata.actor).toBe('system:billing-run');
    expect(ours[0]!.position < ours[1]!.position).toBe(true);
    expect(result.revision).toBe(2n);
    expect(result.position).toBe(ours[1]!.position);
    expect(result.state).toEqual({ total: 20, folded: 3 });
  });

  it('a command that decides nothing appends nothing', async () => {
    const stream = uniqueStream('counter');
    const spying = new InterferingStore(store);
    const result = await handleCommand(spying, counterDecider, stream, { type: 'Nothing' }, context());
    expect(result).toEqual({ events: [], state: { total: 0, folded: 0 }, decidedOn: { total: 0, folded: 0 }, revision: null, position: null });
    expect(spying.spy.appendAttempts).toBe(0);
    expect(await store.readStream(stream)).toEqual([]);
  });

  it('a command that decides nothing on an existing stream reports the revision read', async () => {
    const stream = uniqueStream('counter');
    await store.append(stream, [added(1, 1), added(1, 2)], { expectedRevision: 'no_stream' });
    const spying = new InterferingStore(store);
    const result = await handleCommand(spying, counterDecider, stream, { type: 'Nothing' }, context());
    expect(result).toEqual({ events: [], state: { total: 2, folded: 2 }, decidedOn: { total: 2, folded: 2 }, revision: 1n, position: null });
    expect(spying.spy.appendAttempts).toBe(0);
    expect(await store.readStream(stream)).toHaveLength(2);
  });

  it('expects the revision it read: no_stream for a new stream, the last revision otherwise', async () => {
    const fresh = uniqueStream('counter');
    const spyingFresh = new InterferingStore(store);
    await handleCommand(spyingFresh, counterDecider, fresh, { type: 'Add', by: 1 }, context());
    expect(spyingFresh.spy.expectedRevisions).toEqual(['no_stream']);

    const existing = uniqueStream('counter');
    await store.append(existing, [added(1, 1), added(1, 2), added(1, 3)], { expectedRevision: 'no_stream' });
    const spying = new InterferingStore(store);
    const result = await handleCommand(spying, counterDecider, existing, { type: 'Add', by: 1 }, context());
    expect(spying.spy.expectedRevisions).toEqual([2n]);
    expect(result.revision).toBe(3n);
  });

  it('after a competing write, reloads, decides again on the new state and succeeds', async () => {
    const stream = uniqueStream('counter');
    await store.append(stream, [added(1, 1)], { expectedRevision: 'no_stream' });
    // Between our read (total 1, revision 0) and our first append, someone adds 5.
    const racing = new InterferingStore(store, (attempt) => (attempt === 1 ? added(5, 6) : null));

    const result = await handleCommand(racing, counterDecider, stream, { type: 'Add', by: 2 }, context(), FAST_RETRY);

    expect(racing.spy.appendAttempts).toBe(2);
    expect(racing.spy.reads).toBe(2);
    expect(racing.spy.expectedRevisions).toEqual([0n, 1n]);
    // The first decision (total 1 + 2 = 3) was never stored; the second saw the competitor's 5.
    const recorded = await store.readStream(stream);
    expect(recorded.map((e) => e.data)).toEqual([
      { by: 1, total: 1 },
      { by: 5, total: 6 },
      { by: 2, total: 8 },
    ]);
    expect(recorded[2]!.metadata.actor).toBe('user-42');
    expect(result.events).toEqual([{ type: 'Added', data: { by: 2, total: 8 } }]);
    expect(result.state).toEqual({ total: 8, folded: 3 });
    // what the recorded decision saw: the competitor's write included, not the first read
    expect(result.decidedOn).toEqual({ total: 6, folded: 2 });
    expect(result.revision).toBe(2n);
  });

  it('after a competing write, reads only what was appended since the revision it knew', async () => {
    const stream = uniqueStream('counter');
    await store.append(stream, Array.from({ length: 50 }, (_, i) => added(1, i + 1)), { expectedRevision: 'no_stream' });
    const racing = new InterferingStore(store, (attempt) => (attempt === 1 ? added(5, 55) : null));
    const result = await handleCommand(racing, counterDecider, stream, { type: 'Add', by: 2 }, context(), FAST_RETRY);
    // the whole stream once, then only the competitor's event (revision 50)
    expect(racing.spy.readFrom).toEqual([undefined, 50n]);
    expect(result.events).toEqual([{ type: 'Added', data: { by: 2, total: 57 } }]);
    expect(result.state).toEqual({ total: 57, folded: 52 });
    expect(result.revision).toBe(51n);
  });

  it('given the stream as the caller read it, decides on it without reading; a stale one costs a conflict and a catch-up', async () => {
    const stream = uniqueStream('counter');
    await store.append(stream, [added(1, 1)], { expectedRevision: 'no_stream' });
    const read = await loadAggregate(store, counterDecider, stream);
    const spying = new InterferingStore(store);
    const first = await handleCommand(spying, counterDecider, stream, { type: 'Add', by: 2 }, context(), FAST_RETRY, read);
    expect(spying.spy.reads).toBe(0);
    expect(spying.spy.expectedRevisions).toEqual([0n]);
    expect(first.state).toEqual({ total: 3, folded: 2 });

    // `read` is now stale (revision 0): the append at 0 is refused, the tail after it is read, and the decision taken again
    const second = await handleCommand(spying, counterDecider, stream, { type: 'Add', by: 4 }, context(), FAST_RETRY, read);
    expect(spying.spy.readFrom).toEqual([1n]);
    expect(spying.spy.expectedRevisions).toEqual([0n, 0n, 1n]);
    expect(second.events).toEqual([{ type: 'Added', data: { by: 4, total: 7 } }]);
    expect((await store.readStream(stream)).map((e) => e.data)).toEqual([
      { by: 1, total: 1 },
      { by: 2, total: 3 },
      { by: 4, total: 7 },
    ]);
  });

  it('twenty writers of one stream in one process all land, in turn, without one conflict', async () => {
    const stream = uniqueStream('counter');
    const spying = new InterferingStore(store);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => handleCommand(spying, counterDecider, stream, { type: 'Add', by: i + 1 }, context(), { maxAttempts: 2, baseDelayMs: 1 })));
    expect(spying.spy.appendAttempts).toBe(20);
    expect(results.map((r) => r.revision).sort((a, b) => Number(a! - b!))).toEqual(Array.from({ length: 20 }, (_, i) => BigInt(i)));
    const recorded = await store.readStream(stream);
    // each decision saw every earlier one: the running totals are exact
    let total = 0;
    for (const event of recorded) expect((event.data as { total: number }).total).toBe((total += (event.data as { by: number }).by));
    expect(total).toBe(210);
  });

  it('on a brand-new stream, a competitor creating it first turns no_stream into a retry at revision 0', async () => {
    const stream = uniqueStream('counter');
    const racing = new InterferingStore(store, (attempt) => (attempt === 1 ? added(4, 4) : null));
    const result = await handleCommand(racing, counterDecider, stream, { type: 'Add', by: 3 }, context(), FAST_RETRY);
    expect(racing.spy.expectedRevisions).toEqual(['no_stream', 0n]);
    expect(result.events).toEqual([{ type: 'Added', data: { by: 3, total: 7 } }]);
    expect((await store.readStream(stream)).map((e) => e.data)).toEqual([
      { by: 4, total: 4 },
      { by: 3, total: 7 },
    ]);
  });

  it('re-deciding after a conflict may find nothing left to do', async () => {
    const accountId = randomUUID();
    const stream = `account-${accountId}`;
    await store.append(
      stream,
      [
        {
          eventId: randomUUID(),
          type: 'AccountOpened',
          data: {
            accountId,
            name: 'Acme',
            slug: 'acme',
            billingEmail: 'billing@acme.com.br',
            document: { kind: 'cpf', number: '52998224725' },
            currency: 'BRL',
            timeZone: 'America/Sao_Paulo',
            billingDay: 10,
            openedAt: OCCURRED_AT,
            owner: { memberId: 'mem-owner', email: 'billing@acme.com.br' },
            locale: 'pt-BR',
          } satisfies Extract<AccountEvent, { type: 'AccountOpened' }>['data'],
          metadata: context(),
        },
      ],
      { expectedRevision: 'no_stream' },
    );
    const suspension = (actor: string): EventToAppend => ({
      eventId: randomUUID(),
      type: 'AccountSuspended',
      data: { accountId, reason: 'by the other writer', suspendedAt: OCCURRED_AT },
      metadata: { ...context(), actor },
    });
    // Someone else suspends the account just before we try to.
    const racing = new InterferingStore(store, (attempt) => (attempt === 1 ? suspension('competitor') : null));
    const result = await handleCommand(
      racing,
      accountDecider,
      stream,
      { type: 'SuspendAccount', data: { accountId, reason: 'ours', suspendedAt: OCCURRED_AT } },
      context(),
      FAST_RETRY,
    );
    expect(racing.spy.appendAttempts).toBe(1);
    expect(result.events).toEqual([]);
    expect(result.revision).toBe(1n);
    expect(result.state).toMatchObject({ status: 'suspended', statusReason: 'by the other writer' });
    const recorded = await store.readStream(stream);
    expect(recorded.map((e) => [e.type, e.metadata.actor])).toEqual([
      ['AccountOpened', 'user-42'],
      ['AccountSuspended', 'competitor'],
    ]);
  });

  it('gives up after maxAttempts when every append meets a competing write, and the ConcurrencyError propagates', async () => {
    const stream = uniqueStream('counter');
    const hostile = new InterferingStore(store, () => added(1, -1));
    const error = await rejectionOf(handleCommand(hostile, counterDecider, stream, { type: 'Add', by: 50 }, context(), FAST_RETRY));

    expect(error).toBeInstanceOf(ConcurrencyError);
    expect((error as ConcurrencyError).streamName).toBe(stream);
    expect(hostile.spy.appendAttempts).toBe(3);
    // the third attempt read revision 1 (two competitor events), then a third competitor landed
    expect(hostile.spy.expectedRevisions).toEqual(['no_stream', 0n, 1n]);
    expect((error as ConcurrencyError).expectedRevision).toBe(1n);
    expect((error as ConcurrencyError).actualRevision).toBe(2n);
    const recorded = await store.readStream(stream);
    expect(recorded.map((e) => e.metadata.actor)).toEqual(['competitor', 'competitor', 'competitor']);
  });

  it('by default tries 5 times', async () => {
    const stream = uniqueStream('counter');
    const hostile = new InterferingStore(store, () => added(1, -1));
    const error = await rejectionOf(handleCommand(hostile, counterDecider, stream, { type: 'Add', by: 1 }, context()));
    expect(error).toBeInstanceOf(ConcurrencyError);
    expect(hostile.spy.appendAttempts).toBe(5);
    expect(await store.readStream(stream)).toHaveLength(5);
  });

  it('a DomainError from decide propagates at once, with nothing appended', async () => {
    const stream = uniqueStream('counter');
    await store.append(stream, [added(11, 11)], { expectedRevision: 'no_stream' });
    const spying = new InterferingStore(store);
    const error = await rejectionOf(
      handleCommand(spying, counterDecider, stream, { type: 'AddUnlessAbove', by: 1, limit: 10 }, context(), FAST_RETRY),
    );
    expect(error).toBeInstanceOf(IllegalStateError);
    expect((error as IllegalStateError).code).toBe('over_limit');
    expect(spying.spy.reads).toBe(1);
    expect(spying.spy.appendAttempts).toBe(0);
    expect(await store.readStream(stream)).toHaveLength(1);
  });

  it('a DomainError on the re-decision after a conflict propagates without another round', async () => {
    const stream = uniqueStream('counter');
    await store.append(stream, [added(9, 9)], { expectedRevision: 'no_stream' });
    // The competitor pushes the total over the limit between our read and our append.
    const racing = new InterferingStore(store, (attempt) => (attempt === 1 ? added(5, 14) : null));
    const error = await rejectionOf(
      handleCommand(racing, counterDecider, stream, { type: 'AddUnlessAbove', by: 1, limit: 10 }, context(), FAST_RETRY),
    );
    expect(error).toBeInstanceOf(IllegalStateError);
    expect(racing.spy.reads).toBe(2);
    expect(racing.spy.appendAttempts).toBe(1);
    expect((await store.readStream(stream)).map((e) => e.data)).toEqual([
      { by: 9, total: 9 },
      { by: 5, total: 14 },
    ]);
  });

  it('an append failure other than a conflict is not retried', async () => {
    const stream = uniqueStream('counter');
    const broken = new InterferingStore(store, undefined, () => new Error('connection reset'));
    const error = await rejectionOf(handleCommand(broken, counterDecider, stream, { type: 'Add', by: 1 }, context(), FAST_RETRY));
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe('connection reset');
    expect(broken.spy.appendAttempts).toBe(1);
  });
});

describe('account commands', () => {
  const newSlug = () => `acme-${randomBytes(5).toString('hex')}`;

  const OWNER_ID = 'mem-owner';

  function openAccount(accountId: string, slug: string, overrides: Partial<OpenAccount['data']> = {}): OpenAccount {
    return {
      type: 'OpenAccount',
      data: {
        accountId,
        name: ' Acme Ltda ',
        slug,
        billingEmail: 'billing@acme.com.br',
        document: '11.222.333/0001-81',
        openedAt: OCCURRED_AT,
        ownerMemberId: OWNER_ID,
        ...overrides,
      },
    };
  }

  it('opening an account reserves its slug, then opens the account', async () => {
    const commands = createAccountCommands(store);
    const accountId = randomUUID();
    const slug = newSlug();
    const ctx = context();
    const result = await commands.execute(openAccount(accountId, slug), ctx);

    const reservation = await store.readStream(`accountslug-${slug}`);
    expect(reservation.map((e) => ({ type: e.type, data: e.data }))).toEqual([
      { type: 'AccountSlugReserved', data: { slug, accountId, reservedAt: OCCURRED_AT } },
    ]);
    expect(reservation[0]!.metadata).toEqual({
      actor: 'user-42',
      correlationId: ctx.correlationId,
      causationId: ctx.causationId,
      occurredAt: OCCURRED_AT,
      ip: '203.0.113.7',
    });

    const account = await store.readStream(`account-${accountId}`);
    expect(account.map((e) => e.type)).toEqual(['AccountOpened']);
    expect(account[0]!.data).toMatchObject({
      accountId,
      slug,
      name: 'Acme Ltda',
      document: { kind: 'cnpj', number: '11222333000181' },
      currency: 'BRL',
      owner: { memberId: OWNER_ID, email: 'billing@acme.com.br' },
    });
    // the reservation was written first
    expect(reservation[0]!.position < account[0]!.position).toBe(true);
    // what execute returns is the account's outcome
    expect(result.events.map((e) => e.type)).toEqual(['AccountOpened']);
    expect(result.revision).toBe(0n);
    expect(result.position).toBe(account[0]!.position);
  });

  it('two accounts opening with one slug at once: exactly one wins, the other gets slug_taken', async () => {
    const commands = createAccountCommands(store);
    const slug = newSlug();
    const [first, second] = [randomUUID(), randomUUID()];
    const outcomes = await Promise.allSettled([
      commands.execute(openAccount(first, slug), context()),
      commands.execute(openAccount(second, slug), context()),
    ]);

    const fulfilled = outcomes.filter((o) => o.status === 'fulfilled');
    const rejected = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(fulfilled).toHaveLength(1);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.reason).toBeInstanceOf(ConflictError);
    expect((rejected[0]!.reason as ConflictError).code).toBe('slug_taken');

    const winner = outcomes[0]!.status === 'fulfilled' ? first : second;
    const loser = winner === first ? second : first;
    const reservation = await store.readStream(`accountslug-${slug}`);
    expect(reservation.map((e) => (e.data as { accountId: string }).accountId)).toEqual([winner]);
    expect((await store.readStream(`account-${winner}`)).map((e) => e.type)).toEqual(['AccountOpened']);
    expect(await store.readStream(`account-${loser}`)).toEqual([]);
  });

  it('the slug race holds when both read the empty reservation stream before either writes', async () => {
    // Two processes (one store each: writers in one process take turns). Hold each of the
    // first two reads of the reservation stream until both have happened, so both writers
    // decide on "free" and both append with no_stream.
    const slug = newSlug();
    const slugStream = `accountslug-${slug}`;
    let arrived = 0;
    let release!: () => void;
    const bothRead = new Promise<void>((resolve) => (release = resolve));
    const gate = (gated: InterferingStore) => {
      const originalRead = gated.readStream.bind(gated);
      gated.readStream = async (streamName, options) => {
        const events = await originalRead(streamName, options);
        if (streamName === slugStream && arrived < 2) {
          arrived++;
          if (arrived === 2) release();
          await bothRead;
        }
        return events;
      };
      return gated;
    };
    const processes = [gate(new InterferingStore(store)), gate(new InterferingStore(store))];
    const [first, second] = [randomUUID(), randomUUID()];
    const outcomes = await Promise.allSettled([
      createAccountCommands(processes[0]!).execute(openAccount(first, slug), context()),
      createAccountCommands(processes[1]!).execute(openAccount(second, slug), context()),
    ]);

    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
    const rejected = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected')!;
    expect(rejected.reason).toBeInstanceOf(ConflictError);
    expect((rejected.reason as ConflictError).code).toBe('slug_taken');
    // two slug appends (one refused), one account append; the loser's retry decided slug_taken without appending
    expect(processes[0]!.spy.appendAttempts + processes[1]!.spy.appendAttempts).toBe(3);
    expect([...processes[0]!.spy.expectedRevisions, ...processes[1]!.spy.expectedRevisions]).toEqual(['no_stream', 'no_stream', 'no_stream']);
    const winner = outcomes[0]!.status === 'fulfilled' ? first : second;
    const loser = winner === first ? second : first;
    expect((await store.readStream(slugStream)).map((e) => (e.data as { accountId: string }).accountId)).toEqual([winner]);
    expect(await store.readStream(`account-${loser}`)).toEqual([]);
  });

  it('a slug already held by another account is refused and that account is not opened', async () => {
    const commands = createAccountCommands(store);
    const slug = newSlug();
    const [owner, latecomer] = [randomUUID(), randomUUID()];
    await commands.execute(openAccount(owner, slug), context());
    const error = await rejectionOf(commands.execute(openAccount(latecomer, slug), context()));
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).code).toBe('slug_taken');
    expect(await store.readStream(`account-${latecomer}`)).toEqual([]);
  });

  it('retrying the same open answers the first outcome; nothing is reserved or opened twice', async () => {
    const commands = createAccountCommands(store);
    const accountId = randomUUID();
    const slug = newSlug();
    await commands.execute(openAccount(accountId, slug), context());

    // The id derives from the Idempotency-Key, so the same id and slug is the same request again.
    const spying = new InterferingStore(store);
    const retried = await createAccountCommands(spying).execute(openAccount(accountId, slug), context());
    expect(retried.events).toEqual([]);
    expect(retried.state).toMatchObject({ status: 'active', slug });
    expect(spying.spy.appendAttempts).toBe(0);
    expect(await store.readStream(`accountslug-${slug}`)).toHaveLength(1);
    expect(await store.readStream(`account-${accountId}`)).toHaveLength(1);
  });

  it('opening an existing account under another slug fails without reserving that slug', async () => {
    const commands = createAccountCommands(store);
    const accountId = randomUUID();
    await commands.execute(openAccount(accountId, newSlug()), context());
    const second = newSlug();
    const error = await rejectionOf(commands.execute(openAccount(accountId, second), context()));
    expect((error as ConflictError).code).toBe('account_exists');
    expect(await store.readStream(`accountslug-${second}`)).toEqual([]);
  });

  it('an open that reserved its slug but never opened the account completes when retried', async () => {
    const accountId = randomUUID();
    const slug = newSlug();
    // first try: the reservation lands, the account append fails
    const flaky = new InterferingStore(store, undefined, (attempt) => (attempt === 2 ? new Error('connection reset') : null));
    const error = await rejectionOf(createAccountCommands(flaky).execute(openAccount(accountId, slug), context()));
    expect((error as Error).message).toBe('connection reset');
    expect(await store.readStream(`accountslug-${slug}`)).toHaveLength(1);
    expect(await store.readStream(`account-${accountId}`)).toEqual([]);

    const result = await createAccountCommands(store).execute(openAccount(accountId, slug), context());
    expect(result.events.map((e) => e.type)).toEqual(['AccountOpened']);
    expect(await store.readStream(`accountslug-${slug}`)).toHaveLength(1);
  });

  it('invalid input is a ValidationError and reserves no slug', async () => {
    const spying = new InterferingStore(store);
    const accountId = randomUUID();
    const slug = newSlug();
    const error = await rejectionOf(
      createAccountCommands(spying).execute(
        openAccount(accountId, slug, { billingEmail: 'nope', ownerEmail: 'also nope', billingDay: 31 }),
        context(),
      ),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).code).toBe('validation_failed');
    expect((error as ValidationError).issues.map((i) => i.path)).toEqual(['billingEmail', 'ownerEmail', 'billingDay']);
    expect(spying.spy.reads).toBe(0);
    expect(spying.spy.appendAttempts).toBe(0);
    expect(await store.readStream(`accountslug-${slug}`)).toEqual([]);
    expect(await store.readStream(`account-${accountId}`)).toEqual([]);
  });

  it('other commands go straight to the account stream', async () => {
    const accountId = randomUUID();
    const slug = newSlug();
    await createAccountCommands(store).execute(openAccount(accountId, slug), context());
    const spying = new InterferingStore(store);
    const result = await createAccountCommands(spying).execute(
      { type: 'SuspendAccount', data: { accountId, reason: 'unpaid', suspendedAt: OCCURRED_AT } },
      context(),
    );
    expect(result.events).toEqual([{ type: 'AccountSuspended', data: { accountId, reason: 'unpaid', suspendedAt: OCCURRED_AT } }]);
    expect(spying.spy.reads).toBe(1);
    expect((await store.readStream(`account-${accountId}`)).map((e) => e.type)).toEqual(['AccountOpened', 'AccountSuspended']);
    expect(await store.readStream(`accountslug-${slug}`)).toHaveLength(1);
  });
});
