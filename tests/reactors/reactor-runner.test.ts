import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresEventStore } from '../../src/adapters/event-store/postgres-event-store.ts';
import { createKysely, createPool } from '../../src/adapters/postgres/database.ts';
import { migrateReadModels } from '../../src/adapters/postgres/migrate.ts';
import type { EventToAppend, RecordedEvent } from '../../src/ports/event-store.ts';
import { RemoteError } from '../../src/ports/remote-error.ts';
import type { LedgerDatabase } from '../../src/composition/database.ts';
import { ReactorWaiting, type Reactor, type ReactorContext, type ReactorJob } from '../../src/reactors/reactor.ts';
import { ReactorRunner } from '../../src/reactors/reactor-runner.ts';
import { createTestDatabase } from '../support/database.ts';
import { until } from '../support/until.ts';

let db: Kysely<LedgerDatabase>;
let store: PostgresEventStore;

beforeAll(async () => {
  const pool = createPool(await createTestDatabase('reactors'));
  db = createKysely<LedgerDatabase>(pool);
  store = new PostgresEventStore(pool);
  await store.migrate();
  await migrateReadModels(db);
});
afterAll(async () => {
  await db.destroy();
});

/**
 * A remote that keeps "things" by name, counts the calls that change it, and fails on
 * demand: what a reactor talks to, reduced to what the runner's guarantees are about.
 */
class ThingRemote {
  readonly things = new Set<string>();
  creates = 0;
  failures: (RemoteError | Error)[] = [];
  hangNext = false;
  /** the next create waits for this before it acts */
  gate: Promise<void> | null = null;
  async create(name: string): Promise<void> {
    const gate = this.gate;
    this.gate = null;
    if (gate) await gate;
    const failure = this.failures.shift();
    if (failure) throw failure;
    if (this.hangNext) {
      this.hangNext = false;
      this.creates++;
      this.things.add(name);
      // The process "dies" here: the side effect happened, nothing after it ever runs.
      await new Promise(() => undefined);
    }
    this.creates++;
    this.things.add(name);
  }
}

function thingReactor(
  name: string,
  remote: ThingRemote,
  options: {
    configured?: () => boolean;
    atMostOnce?: boolean;
    alreadyDone?: () => boolean;
    notBefore?: (thing: string) => string | undefined;
    /** records the outcome apart from the side effect (as the email reactor does); throws to fail the recording */
    record?: (job: ReactorJob, outcome: Record<string, unknown>) => Promise<void>;
  } = {},
) {
  const outcomes: { jobId: string; outcome: string }[] = [];
  const recordOutcome = options.record
    ? async (job: ReactorJob, outcome: Record<string, unknown>) => {
        await options.record!(job, outcome);
        outcomes.push({ jobId: job.jobId, outcome: `recorded ${String(outcome.thing)}` });
      }
    : undefined;
  const reactor: Reactor = {
    name,
    eventTypes: new Set([`${name}:ThingRequested`]),
    atMostOnce: options.atMostOnce,
    ...(options.alreadyDone ? { alreadyDone: async () => options.alreadyDone!() } : {}),
    jobsFor: (event: RecordedEvent) => {
      const data = event.data as { thing: string; subject: string };
      const notBefore = options.notBefore?.(data.thing);
      return [{ jobId: event.eventId, subject: data.subject, accountId: null, kind: 'create-thing', payload: { thing: data.thing }, ...(notBefore ? { notBefore } : {}) }];
    },
    unavailable: () => (options.configured?.() ?? true ? null : 'the thing server is not configured'),
    ...(recordOutcome ? { recordOutcome } : {}),
    async perform(job: ReactorJob, context: ReactorContext) {
      const thing = String(job.payload.thing);
      if (recordOutcome) {
        await remote.create(thing);
        await context.accepted({ thing });
        await recordOutcome(job, { thing });
        return;
      }
      // Checks first, as every reactor must: a thing already there counts as done.
      if (!options.atMostOnce && remote.things.has(thing)) {
        outcomes.push({ jobId: job.jobId, outcome: 'done' });
        return;
      }
      await remote.create(thing);
      outcomes.push({ jobId: job.jobId, outcome: 'done' });
    },
    async giveUp(job: ReactorJob, reason: string) {
      outcomes.push({ jobId: job.jobId, outcome: `failed: ${reason}` });
    },
  };
  return { reactor, outcomes };
}

function request(reactorName: string, thing: string, subject = thing): EventToAppend {
  return {
    eventId: randomUUID(),
    type: `${reactorName}:ThingRequested`,
    data: { thing, subject },
    metadata: { actor: 'test', correlationId: randomUUID(), causationId: randomUUID(), occurredAt: '2026-12-03T10:00:00.000Z' },
  };
}

/** A clock the test moves by hand; it starts from the real time, so the suite passes on any date. */
function manualClock(start = new Date().toISOString()) {
  let now = new Date(start).getTime();
  return { now: () => new Date(now), advance: (ms: number) => (now += ms) };
}

async function jobs(reactor: string) {
  return db.selectFrom('reactor_jobs').selectAll().where('reactor', '=', reactor).orderBy('position').execute();
}

describe('reactor runner', () => {
  it('takes each event in once, does the work, and counts it done; taking in again adds nothing', async () => {
    const name = `things-${randomUUID().slice(0, 8)}`;
    const remote = new ThingRemote();
    const { reactor, outcomes } = thingReactor(name, remote);
    await store.append(`thing-${randomUUID()}`, [request(name, 'a'), request(name, 'b')], { expectedRevision: 'no_stream' });
    const runner = new ReactorRunner({ db, eventStore: store, reactors: [reactor] });
    await runner.catchUp();
    await runner.catchUp();
    expect((await jobs(name)).map((j) => j.status)).toEqual(['pending', 'pending']);
    expect((await runner.status())[0]).toMatchObject({ reactor: name, lag: 0n, pending: 2, done: 0, failed: 0, unavailable: null });
    expect(await runner.drain()).toBe(2);
    expect([...remote.things].sort()).toEqual(['a', 'b']);
    expect(outcomes.map((o) => o.outcome)).toEqual(['done', 'done']);
    expect((await runner.status())[0]).toMatchObject({ pending: 0, done: 2 });
    expect(await runner.drain()).toBe(0);
  });

  it('stamps every instant it compares with its own clock, whatever the database thinks the date is', async () => {
    const name = `clock-${randomUUID().slice(0, 8)}`;
    const remote = new ThingRemote();
    const { reactor } = thingReactor(name, remote);
    await store.append(`thing-${randomUUID()}`, [request(name, 'a')], { expectedRevision: 'no_stream' });
    // A year behind the database's clock: a job the database stamped would never be due.
    const clock = manualClock(new Date(Date.now() - 365 * 86_400_000).toISOString());
    const runner = new ReactorRunner({ db, eventStore: store, reactors: [reactor], clock: clock.now });
    await runner.catchUp();
    const [job] = await jobs(name);
    expect(job!.not_before.getTime()).toBe(clock.now().getTime());
    expect(job!.created_at.getTime()).toBe(clock.now().getTime());
    expect(await runner.drain()).toBe(1);
    expect([...remote.things]).toEqual(['a']);
  });

  it('retries a retryable failure with growing delays, never before its time, then succeeds', async () => {
    const name = `retry-${randomUUID().slice(0, 8)}`;
    const remote = new ThingRemote();
    remote.failures.push(new RemoteError('things', 'connection reset', true), new RemoteError('things', 'server busy', true));
    const { reactor } = thingReactor(name, remote);
    await store.append(`thing-${randomUUID()}`, [request(name, 'x')], { expectedRevision: 'no_stream' });
    const clock = manualClock();
    const runner = new ReactorRunner({ db, eventStore: store, reactors: [reactor], clock: clock.now, retryBaseMs: 1_000 });
    await runner.catchUp();
    expect(await runner.drain()).toBe(1);
    let [job] = await jobs(name);
    expect(job).toMatchObject({ status: 'pending', attempts: 1, last_error: 'connection reset' });
    // first delay: 1 s ± 25 %
    expect(job!.not_before.getTime() - clock.now().getTime()).toBeGreaterThanOrEqual(750);
    expect(job!.not_before.getTime() - clock.now().getTime()).toBeLessThanOrEqual(1_250);
    expect(await runner.drain()).toBe(0);
    clock.advance(1_300);
    expect(await runner.drain()).toBe(1);
    [job] = await jobs(name);
    expect(job).toMatchObject({ status: 'pending', attempts: 2, last_error: 'server busy' });
    // second delay: 2 s ± 25 %
    expect(job!.not_before.getTime() - clock.now().getTime()).toBeGreaterThanOrEqual(1_500);
    clock.advance(1_400);
    expect(await runner.drain()).toBe(0);
    clock.advance(1_200);
    expect(await runner.drain()).toBe(1);
    [job] = await jobs(name);
    expect(job).toMatchObject({ status: 'done', attempts: 3, last_error: null });
    expect(remote.creates).toBe(1);
    expect((await runner.status())[0]!.retrying).toBe(0);
  });

  it('a permanent refusal fails the job at once with the remote reason; ops retry puts it back and it succeeds', async () => {
    const name = `refuse-${randomUUID().slice(0, 8)}`;
    const remote = new ThingRemote();
    remote.failures.push(new RemoteError('things', 'Access Denied.', false));
    const { reactor, outcomes } = thingReactor(name, remote);
    await store.append(`thing-${randomUUID()}`, [request(name, 'y')], { expectedRevision: 'no_stream' });
    const runner = new ReactorRunner({ db, eventStore: store, reactors: [reactor] });
    await runner.catchUp();
    await runner.drain();
    const [status] = await runner.status();
    expect(status).toMatchObject({ failed: 1, pending: 0 });
    expect(status!.failures[0]).toMatchObject({ kind: 'create-thing', subject: 'y', error: 'Access Denied.', attempts: 1 });
    expect(outcomes).toEqual([{ jobId: status!.failures[0]!.jobId, outcome: 'failed: Access Denied.' }]);

    await expect(runner.retry(name, 'no-such-job')).rejects.toThrow(/has no job no-such-job/);
    await runner.retry(name, status!.failures[0]!.jobId);
    await expect(runner.retry(name, status!.failures[0]!.jobId)).rejects.toThrow(/is pending, not failed/);
    await runner.drain();
    expect((await runner.status())[0]).toMatchObject({ failed: 0, done: 1 });
    expect(remote.things.has('y')).toBe(true);
  });

  it('gives up after the configured number of tries, saying so', async () => {
    const name = `giveup-${randomUUID().slice(0, 8)}`;
    const remote = new ThingRemote();
    remote.failures.push(...Array.from({ length: 5 }, () => new RemoteError('things', 'timed out', true)));
    const { reactor } = thingReactor(name, remote);
    await store.append(`thing-${randomUUID()}`, [request(name, 'z')], { expectedRevision: 'no_stream' });
    const clock = manualClock();
    const runner = new ReactorRunner({ db, eventStore: store, reactors: [reactor], clock: clock.now, maxAttempts: 3, retryBaseMs: 10 });
    await runner.catchUp();
    for (let i = 0; i < 5; i++) {
      await runner.drain();
      clock.advance(1_000);
    }
    const [job] = await jobs(name);
    expect(job).toMatchObject({ status: 'failed', attempts: 3, last_error: 'gave up after 3 tries: timed out' });
    expect(remote.things.size).toBe(0);
  });

  it('jobs of one subject run in log order: a later one waits while an earlier one is failing', async () => {
    const name = `order-${randomUUID().slice(0, 8)}`;
    const remote = new ThingRemote();
    remote.failures.push(new RemoteError('things', 'busy', true));
    const { reactor } = thingReactor(name, remote);
    await store.append(`thing-${randomUUID()}`, [request(name, 'first', 's1'), request(name, 'second', 's1'), request(name, 'other', 's2')], { expectedRevision: 'no_stream' });
    const clock = manualClock();
    const runner = new ReactorRunner({ db, eventStore: store, reactors: [reactor], clock: clock.now, retryBaseMs: 1_000 });
    await runner.catchUp();
    await runner.drain();
    // s1's first job failed and waits; s1's second may not overtake it; s2 is independent
    expect((await jobs(name)).map((j) => `${(j.payload as { thing: string }).thing}:${j.status}`)).toEqual(['first:pending', 'second:pending', 'other:done']);
    clock.advance(2_000);
    await runner.drain();
    expect((await jobs(name)).map((j) => j.status)).toEqual(['done', 'done', 'done']);
  });

  it('a job that failed for good, or one that only waits for its time, does not hold back later jobs of its subject', async () => {
    const name = `unblock-${randomUUID().slice(0, 8)}`;
    const remote = new ThingRemote();
    remote.failures.push(new RemoteError('things', 'Forbidden', false));
    // a fixed start: 'later' must still lie ahead of the clock whatever day the suite runs
    const clock = manualClock('2027-12-03T09:00:00.000Z');
    const { reactor } = thingReactor(name, remote, { notBefore: (thing) => (thing === 'later' ? '2027-12-03T10:00:00.000Z' : undefined) });
    await store.append(
      `thing-${randomUUID()}`,
      [request(name, 'refused', 's1'), request(name, 'after-refused', 's1'), request(name, 'later', 's2'), request(name, 'after-later', 's2')],
      { expectedRevision: 'no_stream' },
    );
    const runner = new ReactorRunner({ db, eventStore: store, reactors: [reactor], clock: clock.now });
    await runner.catchUp();
    await runner.drain();
    expect((await jobs(name)).map((j) => `${(j.payload as { thing: string }).thing}:${j.status}`)).toEqual([
      'refused:failed',
      'after-refused:done',
      'later:pending',
      'after-later:done',
    ]);
  });

  it('a worker whose lease ran out and was taken over records nothing over the new owner', async () => {
    const name = `lease-${randomUUID().slice(0, 8)}`;
    const remote = new ThingRemote();
    let release!: () => void;
    remote.gate = new Promise<void>((resolve) => (release = resolve));
    remote.failures.push(new Error('slow worker finally fails'));
    const { reactor } = thingReactor(name, remote);
    await store.append(`thing-${randomUUID()}`, [request(name, 'l')], { expectedRevision: 'no_stream' });
    const clock = manualClock();
    const slow = new ReactorRunner({ db, eventStore: store, reactors: [reactor], clock: clock.now, leaseMs: 60_000 });
    await slow.catchUp();
    const slowRun = slow.drain();
    await waitFor(() => remote.gate === null);
    clock.advance(61_000);
    const other = new ReactorRunner({ db, eventStore: store, reactors: [reactor], clock: clock.now, leaseMs: 60_000 });
    // the thing is not there yet: the other worker creates it (the failure queued is the slow one's)
    remote.failures.length = 0;
    await other.drain();
    expect((await jobs(name))[0]).toMatchObject({ status: 'done' });
    remote.failures.push(new Error('slow worker finally fails'));
    release();
    await slowRun;
    // the slow worker's failure did not turn the other's success back into a retry
    expect((await jobs(name))[0]).toMatchObject({ status: 'done', last_error: null });
  });

  it('an at-most-once job found started whose outcome was recorded after all is done, not failed', async () => {
    const name = `recorded-${randomUUID().slice(0, 8)}`;
    const remote = new ThingRemote();
    remote.hangNext = true;
    const { reactor, outcomes } = thingReactor(name, remote, { atMostOnce: true, alreadyDone: () => true });
    await store.append(`thing-${randomUUID()}`, [request(name, 'r')], { expectedRevision: 'no_stream' });
    const clock = manualClock();
    const dying = new ReactorRunner({ db, eventStore: store, reactors: [reactor], clock: clock.now, leaseMs: 60_000 });
    await dying.catchUp();
    void dying.drain();
    await waitFor(() => remote.creates === 1);
    clock.advance(61_000);
    await new ReactorRunner({ db, eventStore: store, reactors: [reactor], clock: clock.now, leaseMs: 60_000 }).drain();
    expect((await jobs(name))[0]).toMatchObject({ status: 'done' });
    expect(remote.creates).toBe(1);
    expect(outcomes).toEqual([]);
  });

  it('an unconfigured remote leaves the jobs pending and says why', async () => {
    const name = `absent-${randomUUID().slice(0, 8)}`;
    const remote = new ThingRemote();
    let configured = false;
    const { reactor } = thingReactor(name, remote, { configured: () => configured });
    await store.append(`thing-${randomUUID()}`, [request(name, 'p')], { expectedRevision: 'no_stream' });
    const runner = new ReactorRunner({ db, eventStore: store, reactors: [reactor] });
    await runner.catchUp();
    expect(await runner.drain()).toBe(0);
    expect((await runner.status())[0]).toMatchObject({ pending: 1, done: 0, unavailable: 'the thing server is not configured' });
    configured = true;
    await runner.drain();
    expect((await runner.status())[0]).toMatchObject({ pending: 0, done: 1, unavailable: null });
  });

  it('a job that waits for configuration keeps its tries and comes back after the wait', async () => {
    const name = `wait-${randomUUID().slice(0, 8)}`;
    const remote = new ThingRemote();
    remote.failures.push(new ReactorWaiting('account has no SMTP server and neither has the platform'));
    const { reactor } = thingReactor(name, remote);
    await store.append(`thing-${randomUUID()}`, [request(name, 'w')], { expectedRevision: 'no_stream' });
    const clock = manualClock();
    const runner = new ReactorRunner({ db, eventStore: store, reactors: [reactor], clock: clock.now, waitMs: 60_000, maxAttempts: 1 });
    await runner.catchUp();
    await runner.drain();
    expect((await jobs(name))[0]).toMatchObject({ status: 'pending', attempts: 0, last_error: 'waiting: account has no SMTP server and neither has the platform' });
    clock.advance(30_000);
    expect(await runner.drain()).toBe(0);
    clock.advance(31_000);
    await runner.drain();
    // one try allowed, and the wait did not use it up
    expect((await jobs(name))[0]).toMatchObject({ status: 'done', attempts: 1 });
  });

  it('a job that waits for configuration keeps its place: later jobs of its subject do not overtake it', async () => {
    const name = `waitorder-${randomUUID().slice(0, 8)}`;
    const remote = new ThingRemote();
    remote.failures.push(new ReactorWaiting('no SMTP server yet'));
    const { reactor } = thingReactor(name, remote);
    await store.append(`thing-${randomUUID()}`, [request(name, 'first', 's1'), request(name, 'second', 's1'), request(name, 'other', 's2')], { expectedRevision: 'no_stream' });
    const clock = manualClock();
    const runner = new ReactorRunner({ db, eventStore: store, reactors: [reactor], clock: clock.now, waitMs: 60_000 });
    await runner.catchUp();
    await runner.drain();
    expect((await jobs(name)).map((j) => `${(j.payload as { thing: string }).thing}:${j.status}`)).toEqual(['first:pending', 'second:pending', 'other:done']);
    expect([...remote.things]).toEqual(['other']);
    clock.advance(30_000);
    await runner.drain();
    expect((await jobs(name)).map((j) => j.status)).toEqual(['pending', 'pending', 'done']);
    clock.advance(31_000);
    await runner.drain();
    expect((await jobs(name)).map((j) => j.status)).toEqual(['done', 'done', 'done']);
    // created in log order: the waiting job first
    expect([...remote.things]).toEqual(['other', 'first', 'second']);
  });

  it('after a crash between the side effect and its record, the next worker finds the work done remotely and does not redo it', async () => {
    const name = `crash-${randomUUID().slice(0, 8)}`;
    const remote = new ThingRemote();
    remote.hangNext = true;
    const { reactor } = thingReactor(name, remote);
    await store.append(`thing-${randomUUID()}`, [request(name, 'c')], { expectedRevision: 'no_stream' });
    const clock = manualClock();
    const dying = new ReactorRunner({ db, eventStore: store, reactors: [reactor], clock: clock.now, leaseMs: 60_000 });
    await dying.catchUp();
    void dying.drain();
    await waitFor(() => remote.creates === 1);
    // another worker (the restarted service) may take the job once the dead one's lease ends
    const restarted = new ReactorRunner({ db, eventStore: store, reactors: [reactor], clock: clock.now, leaseMs: 60_000 });
    expect(await restarted.drain()).toBe(0);
    clock.advance(61_000);
    expect(await restarted.drain()).toBe(1);
    expect((await jobs(name))[0]).toMatchObject({ status: 'done', attempts: 2 });
    expect(remote.creates).toBe(1);
  });

  it('an at-most-once job whose side effect was accepted but whose recording failed retries only the recording', async () => {
    const name = `accepted-${randomUUID().slice(0, 8)}`;
    const remote = new ThingRemote();
    const recordFailures = [new Error('event store unavailable'), new Error('event store unavailable')];
    const recorded: string[] = [];
    const { reactor, outcomes } = thingReactor(name, remote, {
      atMostOnce: true,
      record: async (job) => {
        const failure = recordFailures.shift();
        if (failure) throw failure;
        recorded.push(job.jobId);
      },
    });
    await store.append(`thing-${randomUUID()}`, [request(name, 'a', 's1'), request(name, 'after-a', 's1')], { expectedRevision: 'no_stream' });
    const clock = manualClock();
    const runner = new ReactorRunner({ db, eventStore: store, reactors: [reactor], clock: clock.now, retryBaseMs: 1_000, maxAttempts: 5 });
    await runner.catchUp();
    await runner.drain();
    let [job, after] = await jobs(name);
    expect(job).toMatchObject({ status: 'pending', attempts: 1, last_error: 'event store unavailable' });
    // the later job of the subject still waits behind it
    expect(after).toMatchObject({ status: 'pending', attempts: 0 });
    expect(remote.creates).toBe(1);
    clock.advance(1_300);
    await runner.drain();
    [job] = await jobs(name);
    expect(job).toMatchObject({ status: 'pending', attempts: 2 });
    clock.advance(2_600);
    await runner.drain();
    [job, after] = await jobs(name);
    expect(job).toMatchObject({ status: 'done', attempts: 3, last_error: null });
    expect(after).toMatchObject({ status: 'done' });
    // three tries of the first job, one side effect: only the recording was tried again
    expect(remote.creates).toBe(2);
    expect(recorded).toEqual([job!.job_id, after!.job_id]);
    expect(outcomes.filter((o) => o.jobId === job!.job_id)).toEqual([{ jobId: job!.job_id, outcome: 'recorded a' }]);
  });

  it('an at-most-once job whose recording keeps failing is failed as sent-but-unrecorded, never as not sent; ops retry records it', async () => {
    const name = `unrecorded-${randomUUID().slice(0, 8)}`;
    const remote = new ThingRemote();
    let recording = false;
    const { reactor, outcomes } = thingReactor(name, remote, {
      atMostOnce: true,
      record: async () => {
        if (!recording) throw new Error('event store unavailable');
      },
    });
    await store.append(`thing-${randomUUID()}`, [request(name, 'b')], { expectedRevision: 'no_stream' });
    const clock = manualClock();
    const runner = new ReactorRunner({ db, eventStore: store, reactors: [reactor], clock: clock.now, retryBaseMs: 10, maxAttempts: 2 });
    await runner.catchUp();
    await runner.drain();
    clock.advance(1_000);
    await runner.drain();
    let [job] = await jobs(name);
    expect(job!.status).toBe('failed');
    expect(job!.last_error).toMatch(/^sent, but recording it failed/);
    // no failure outcome (giveUp) for something that was done
    expect(outcomes).toEqual([]);
    recording = true;
    await runner.retry(name, job!.job_id);
    await runner.drain();
    [job] = await jobs(name);
    expect(job!.status).toBe('done');
    expect(remote.creates).toBe(1);
    expect(outcomes).toEqual([{ jobId: job!.job_id, outcome: 'recorded b' }]);
  });

  it('an at-most-once job accepted just before a crash is recorded by the next worker, not failed as "outcome unknown"', async () => {
    const name = `acceptcrash-${randomUUID().slice(0, 8)}`;
    const remote = new ThingRemote();
    let dying = true;
    const { reactor, outcomes } = thingReactor(name, remote, {
      atMostOnce: true,
      record: async () => {
        // The process "dies" here: accepted and noted, the recording never runs.
        if (dying) await new Promise(() => undefined);
      },
    });
    await store.append(`thing-${randomUUID()}`, [request(name, 'k')], { expectedRevision: 'no_stream' });
    const clock = manualClock();
    const first = new ReactorRunner({ db, eventStore: store, reactors: [reactor], clock: clock.now, leaseMs: 60_000 });
    await first.catchUp();
    void first.drain();
    await until(async () => (await jobs(name))[0]?.accepted_outcome != null, 'the outcome to be accepted', 2_000);
    dying = false;
    clock.advance(61_000);
    await new ReactorRunner({ db, eventStore: store, reactors: [reactor], clock: clock.now, leaseMs: 60_000 }).drain();
    const [job] = await jobs(name);
    expect(job).toMatchObject({ status: 'done', last_error: null });
    expect(remote.creates).toBe(1);
    expect(outcomes).toEqual([{ jobId: job!.job_id, outcome: 'recorded k' }]);
  });

  it('an at-most-once job found started after a crash is failed as "outcome unknown", never done twice', async () => {
    const name = `mail-${randomUUID().slice(0, 8)}`;
    const remote = new ThingRemote();
    remote.hangNext = true;
    const { reactor, outcomes } = thingReactor(name, remote, { atMostOnce: true });
    await store.append(`thing-${randomUUID()}`, [request(name, 'm')], { expectedRevision: 'no_stream' });
    const clock = manualClock();
    const dying = new ReactorRunner({ db, eventStore: store, reactors: [reactor], clock: clock.now, leaseMs: 60_000 });
    await dying.catchUp();
    void dying.drain();
    await waitFor(() => remote.creates === 1);
    clock.advance(61_000);
    const restarted = new ReactorRunner({ db, eventStore: store, reactors: [reactor], clock: clock.now, leaseMs: 60_000 });
    await restarted.drain();
    expect(remote.creates).toBe(1);
    const [job] = await jobs(name);
    expect(job!.status).toBe('failed');
    expect(job!.last_error).toMatch(/^outcome unknown/);
    expect(outcomes[0]!.outcome).toMatch(/^failed: outcome unknown/);
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!condition()) throw new Error('condition not reached');
}
