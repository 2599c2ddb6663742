import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  ConcurrencyError,
  type EventStore,
  type EventToAppend,
  type Position,
  type RecordedEvent,
} from '../../src/ports/event-store.ts';

/**
 * The behaviour every event store adapter must show. Each test works in streams of its
 * own (a random prefix), so the suite can run against a store that other tests share.
 */
export function eventStoreContract(name: string, getStore: () => EventStore) {
  describe(`event store contract: ${name}`, () => {
    const streamOf = (label: string) => `contract${randomUUID().replaceAll('-', '')}-${label}`;
    const event = (type = 'ThingHappened', data: unknown = { n: 1 }): EventToAppend => ({
      eventId: randomUUID(),
      type,
      data,
      metadata: { actor: 'test', correlationId: randomUUID(), causationId: randomUUID(), occurredAt: '2026-11-22T10:00:00.000Z' },
    });

    /** Every event after `from` belonging to streams that start with `prefix`. */
    async function readAllOf(prefix: string, from: Position | null = null, pageSize = 1000): Promise<RecordedEvent[]> {
      const found: RecordedEvent[] = [];
      let position = from;
      for (;;) {
        const page = await getStore().readAll({ fromPosition: position, maxCount: pageSize });
        if (page.length === 0) return found;
        found.push(...page.filter((e) => e.streamName.startsWith(prefix)));
        position = page[page.length - 1]!.position;
      }
    }

    async function expectConcurrencyError(promise: Promise<unknown>, actual: bigint | null) {
      const error = await promise.then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ConcurrencyError);
      expect((error as ConcurrencyError).actualRevision).toBe(actual);
    }

    describe('expected revision', () => {
      it('no_stream creates a stream with 0-based revisions, then refuses', async () => {
        const store = getStore();
        const stream = streamOf('a');
        const first = await store.append(stream, [event(), event()], { expectedRevision: 'no_stream' });
        expect(first.nextRevision).toBe(1n);
        expect(first.appended).toBe(2);
        await expectConcurrencyError(store.append(stream, [event()], { expectedRevision: 'no_stream' }), 1n);
        const events = await store.readStream(stream);
        expect(events.map((e) => e.streamRevision)).toEqual([0n, 1n]);
      });

      it('stream_exists refuses a missing stream and accepts an existing one', async () => {
        const store = getStore();
        const stream = streamOf('b');
        await expectConcurrencyError(store.append(stream, [event()], { expectedRevision: 'stream_exists' }), null);
        expect(await store.readStream(stream)).toEqual([]);
        await store.append(stream, [event()], { expectedRevision: 'no_stream' });
        const next = await store.append(stream, [event()], { expectedRevision: 'stream_exists' });
        expect(next.nextRevision).toBe(1n);
      });

      it('an exact revision must match the last event', async () => {
        const store = getStore();
        const stream = streamOf('c');
        await store.append(stream, [event(), event(), event()], { expectedRevision: 'no_stream' });
        await expectConcurrencyError(store.append(stream, [event()], { expectedRevision: 1n }), 2n);
        await expectConcurrencyError(store.append(stream, [event()], { expectedRevision: 3n }), 2n);
        const next = await store.append(stream, [event()], { expectedRevision: 2n });
        expect(next.nextRevision).toBe(3n);
      });

      it('an exact revision on a missing stream is refused', async () => {
        const store = getStore();
        const stream = streamOf('d');
        await expectConcurrencyError(store.append(stream, [event()], { expectedRevision: 0n }), null);
      });

      it('any appends whether or not the stream exists', async () => {
        const store = getStore();
        const stream = streamOf('e');
        expect((await store.append(stream, [event()], { expectedRevision: 'any' })).nextRevision).toBe(0n);
        expect((await store.append(stream, [event(), event()], { expectedRevision: 'any' })).nextRevision).toBe(2n);
      });

      it('a refused batch writes none of its events', async () => {
        const store = getStore();
        const stream = streamOf('f');
        await store.append(stream, [event()], { expectedRevision: 'no_stream' });
        const refused = [event(), event(), event()];
        await expectConcurrencyError(store.append(stream, refused, { expectedRevision: 5n }), 0n);
        const stored = await store.readStream(stream);
        expect(stored).toHaveLength(1);
        const all = await readAllOf(stream);
        expect(all.some((e) => refused.some((r) => r.eventId === e.eventId))).toBe(false);
      });
    });

    it('of N concurrent writers with the same expected revision exactly one wins', async () => {
      const store = getStore();
      const stream = streamOf('race');
      await store.append(stream, [event()], { expectedRevision: 'no_stream' });
      const writers = 12;
      const outcomes = await Promise.allSettled(
        Array.from({ length: writers }, (_, i) => store.append(stream, [event('Raced', { writer: i })], { expectedRevision: 0n })),
      );
      const won = outcomes.filter((o) => o.status === 'fulfilled');
      const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(writers - 1);
      for (const o of lost) expect(o.reason).toBeInstanceOf(ConcurrencyError);
      expect(await store.readStream(stream)).toHaveLength(2);
    });

    it('of N concurrent writers creating the same stream exactly one wins', async () => {
      const store = getStore();
      const stream = streamOf('create-race');
      const outcomes = await Promise.allSettled(
        Array.from({ length: 8 }, () => store.append(stream, [event()], { expectedRevision: 'no_stream' })),
      );
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      for (const o of outcomes) if (o.status === 'rejected') expect(o.reason).toBeInstanceOf(ConcurrencyError);
    });

    describe('event ids', () => {
      it('re-appending a stored event id adds nothing, even with a stale expectation', async () => {
        const store = getStore();
        const stream = streamOf('dup');
        const batch = [event(), event()];
        await store.append(stream, batch, { expectedRevision: 'no_stream' });
        const again = await store.append(stream, batch, { expectedRevision: 'no_stream' });
        expect(again.appended).toBe(0);
        expect(again.nextRevision).toBe(1n);
        expect(await store.readStream(stream)).toHaveLength(2);
        expect(await readAllOf(stream)).toHaveLength(2);
      });

      it('a batch mixing stored and new ids appends only the new ones', async () => {
        const store = getStore();
        const stream = streamOf('mixed');
        const old = event('Old');
        await store.append(stream, [old], { expectedRevision: 'no_stream' });
        const fresh = event('Fresh');
        const result = await store.append(stream, [old, fresh], { expectedRevision: 0n });
        expect(result.appended).toBe(1);
        const stored = await store.readStream(stream);
        expect(stored.map((e) => e.type)).toEqual(['Old', 'Fresh']);
        expect(stored.map((e) => e.streamRevision)).toEqual([0n, 1n]);
      });

      it('an id stored in one stream, appended to another: dropped where ids are unique in the log, a second event where they are unique per stream', async () => {
        const store = getStore();
        const first = streamOf('id-home');
        const other = streamOf('id-elsewhere');
        const shared = event('Shared', { n: 1 });
        await store.append(first, [shared], { expectedRevision: 'no_stream' });
        const again = await store.append(other, [{ ...shared, data: { n: 2 } }, event('Own')], { expectedRevision: 'no_stream' });
        const inOther = await store.readStream(other);
        if (store.eventIdsUniqueAcrossStreams) {
          expect(again.appended).toBe(1);
          expect(inOther.map((e) => e.type)).toEqual(['Own']);
          expect(await readAllOf(other)).toHaveLength(1);
        } else {
          // what the store says it lacks, it lacks: code must not lean on the id here
          expect(again.appended).toBe(2);
          expect(inOther.map((e) => [e.type, e.eventId.toLowerCase()])).toEqual([
            ['Shared', shared.eventId.toLowerCase()],
            ['Own', expect.any(String)],
          ]);
        }
        expect((await store.readStream(first)).map((e) => e.data)).toEqual([{ n: 1 }]);
        // re-appending in its own stream stays a no-op with either store
        expect((await store.append(first, [shared], { expectedRevision: 'any' })).appended).toBe(0);
      });
    });

    describe('event ids under concurrency', () => {
      it('the same append sent several times at once with an exact revision: all succeed, one writes', async () => {
        const store = getStore();
        const stream = streamOf('retry-race');
        await store.append(stream, [event()], { expectedRevision: 'no_stream' });
        const batch = [event('Retried', { n: 1 }), event('Retried', { n: 2 })];
        const outcomes = await Promise.all(Array.from({ length: 6 }, () => store.append(stream, batch, { expectedRevision: 0n })));
        expect(outcomes.map((o) => o.appended).sort()).toEqual([0, 0, 0, 0, 0, 2]);
        for (const o of outcomes) expect(o.nextRevision).toBe(2n);
        expect((await store.readStream(stream)).map((e) => e.type)).toEqual(['ThingHappened', 'Retried', 'Retried']);
      });
    });

    describe('appendMany', () => {
      it('writes every stream under its own expectation and answers per stream, in the order given', async () => {
        const store = getStore();
        const prefix = streamOf('many');
        await store.append(`${prefix}-b`, [event(), event()], { expectedRevision: 'no_stream' });
        const a = [event('A', { i: 0 }), event('A', { i: 1 }), event('A', { i: 2 })];
        const b = [event('B')];
        const c = [event('C'), event('C')];
        const results = await store.appendMany([
          { streamName: `${prefix}-a`, events: a, expectedRevision: 'no_stream' },
          { streamName: `${prefix}-b`, events: b, expectedRevision: 1n },
          { streamName: `${prefix}-c`, events: c, expectedRevision: 'any' },
        ]);
        expect(results.map((r) => [r.nextRevision, r.appended])).toEqual([
          [2n, 3],
          [2n, 1],
          [1n, 2],
        ]);
        expect((await store.readStream(`${prefix}-a`)).map((e) => [e.eventId, e.streamRevision])).toEqual(a.map((e, i) => [e.eventId, BigInt(i)]));
        expect((await store.readStream(`${prefix}-b`)).map((e) => e.eventId).slice(2)).toEqual([b[0]!.eventId]);
        expect((await store.readStream(`${prefix}-c`)).map((e) => e.data)).toEqual(c.map((e) => e.data));
        // (PostgreSQL's position is exactly its stream's last event: tested with that store)
        for (const result of results) expect(result.position).not.toBeNull();
      });

      it('keeps each event its own data and metadata, shared or not, across streams and dropped re-appends', async () => {
        const store = getStore();
        const prefix = streamOf('many-meta');
        const shared = { actor: 'shared', correlationId: randomUUID(), causationId: randomUUID(), occurredAt: '2026-11-22T10:00:00.000Z' };
        const stored = event('S', { already: true });
        await store.append(`${prefix}-a`, [stored], { expectedRevision: 'no_stream' });
        const a = [{ ...event('A', { i: 0, text: 'quote " backslash \\ ção' }), metadata: shared }, stored, event('A', { i: 1, list: [1, 'two', null] })];
        const b = [{ ...event('B', { i: 2 }), metadata: shared }, event('B', { i: 3 })];
        await store.appendMany([
          { streamName: `${prefix}-a`, events: a, expectedRevision: 'any' },
          { streamName: `${prefix}-b`, events: b, expectedRevision: 'no_stream' },
        ]);
        const sameAs = (events: readonly EventToAppend[]) => events.map((e) => [e.eventId, e.data, e.metadata]);
        // the already stored event is dropped, not re-written: the rest keep their own contents
        expect(sameAs(await store.readStream(`${prefix}-a`))).toEqual(sameAs([stored, a[0]!, a[2]!]));
        expect(sameAs(await store.readStream(`${prefix}-b`))).toEqual(sameAs(b));
      });

      it('retrying a call that landed writes nothing, even with expectations gone stale', async () => {
        const store = getStore();
        const prefix = streamOf('many-retry');
        const call = [
          { streamName: `${prefix}-a`, events: [event(), event()], expectedRevision: 'no_stream' as const },
          { streamName: `${prefix}-b`, events: [event()], expectedRevision: 'no_stream' as const },
        ];
        await store.appendMany(call);
        const again = await store.appendMany(call);
        expect(again.map((r) => [r.nextRevision, r.appended, r.position])).toEqual([
          [1n, 0, null],
          [0n, 0, null],
        ]);
        expect(await readAllOf(prefix)).toHaveLength(3);
      });

      it('a stream whose expectation fails is named, and an atomic store writes none of the others', async () => {
        const store = getStore();
        const prefix = streamOf('many-refused');
        await store.append(`${prefix}-b`, [event(), event()], { expectedRevision: 'no_stream' });
        const refused = store.appendMany([
          { streamName: `${prefix}-a`, events: [event()], expectedRevision: 'no_stream' },
          { streamName: `${prefix}-b`, events: [event()], expectedRevision: 0n },
          { streamName: `${prefix}-c`, events: [event()], expectedRevision: 'any' },
        ]);
        const error = await refused.then(
          () => null,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(ConcurrencyError);
        expect((error as ConcurrencyError).streamName).toBe(`${prefix}-b`);
        expect((error as ConcurrencyError).expectedRevision).toBe(0n);
        expect((error as ConcurrencyError).actualRevision).toBe(1n);
        if (store.atomicAppendMany) {
          expect(await store.readStream(`${prefix}-a`)).toEqual([]);
          expect(await store.readStream(`${prefix}-c`)).toEqual([]);
          expect(await readAllOf(prefix)).toHaveLength(2);
        }
        await expectConcurrencyError(
          store.appendMany([
            { streamName: `${prefix}-b`, events: [event()], expectedRevision: 1n },
            { streamName: `${prefix}-d`, events: [event()], expectedRevision: 'stream_exists' },
          ]),
          null,
        );
      });

      it('refuses an empty call, a stream without events and a stream named twice, before writing', async () => {
        const store = getStore();
        const stream = streamOf('many-shape');
        await expect(store.appendMany([])).rejects.toBeInstanceOf(TypeError);
        await expect(store.appendMany([{ streamName: stream, events: [], expectedRevision: 'any' }])).rejects.toBeInstanceOf(TypeError);
        await expect(
          store.appendMany([
            { streamName: stream, events: [event()], expectedRevision: 'any' },
            { streamName: stream, events: [event()], expectedRevision: 'any' },
          ]),
        ).rejects.toBeInstanceOf(TypeError);
        expect(await store.readStream(stream)).toEqual([]);
      });

      it('concurrent calls sharing streams in opposite orders all land, each stream gapless', async () => {
        const store = getStore();
        const prefix = streamOf('many-cross');
        const names = ['a', 'b', 'c', 'd'].map((n) => `${prefix}-${n}`);
        const calls = Array.from({ length: 8 }, (_, i) => {
          const order = i % 2 === 0 ? names : [...names].reverse();
          return store.appendMany(order.map((streamName) => ({ streamName, events: [event('Crossed', { call: i })], expectedRevision: 'any' as const })));
        });
        await Promise.all(calls);
        for (const name of names) {
          expect((await store.readStream(name)).map((e) => e.streamRevision)).toEqual(Array.from({ length: 8 }, (_, i) => BigInt(i)));
        }
      });
    });

    describe('reading', () => {
      it('readStream honours fromRevision and maxCount and keeps data and metadata', async () => {
        const store = getStore();
        const stream = streamOf('read');
        // more than ten, so an order that compared revisions as text ('10' < '2') would show
        const batch = Array.from({ length: 12 }, (_, i) => event('Counted', { i, amount: '12.34', bytes: '9007199254740993' }));
        await store.append(stream, batch, { expectedRevision: 'no_stream' });
        expect((await store.readStream(stream)).map((e) => e.streamRevision)).toEqual(batch.map((_, i) => BigInt(i)));
        const page = await store.readStream(stream, { fromRevision: 1n, maxCount: 3 });
        expect(page.map((e) => (e.data as { i: number }).i)).toEqual([1, 2, 3]);
        expect(page[0]!.eventId).toBe(batch[1]!.eventId);
        expect(page[0]!.metadata).toEqual(batch[1]!.metadata);
        expect(page[0]!.data).toEqual({ i: 1, amount: '12.34', bytes: '9007199254740993' });
        expect(await store.readStream(streamOf('missing'))).toEqual([]);
      });

      it('readStream backwards gives the newest first, from the end or from a revision, and nothing for a missing stream', async () => {
        const store = getStore();
        const stream = streamOf('backwards');
        const batch = Array.from({ length: 12 }, (_, i) => event('Counted', { i }));
        await store.append(stream, batch, { expectedRevision: 'no_stream' });
        const last = await store.readStream(stream, { direction: 'backwards', maxCount: 1 });
        expect(last.map((e) => [e.streamRevision, e.eventId])).toEqual([[11n, batch[11]!.eventId]]);
        expect(last[0]!.data).toEqual({ i: 11 });
        const page = await store.readStream(stream, { direction: 'backwards', fromRevision: 10n, maxCount: 3 });
        expect(page.map((e) => e.streamRevision)).toEqual([10n, 9n, 8n]);
        expect((await store.readStream(stream, { direction: 'backwards' })).map((e) => (e.data as { i: number }).i)).toEqual(batch.map((_, i) => 11 - i));
        expect(await store.readStream(streamOf('missing'), { direction: 'backwards', maxCount: 1 })).toEqual([]);
      });

      it('readStreams gives each named stream whole, in revision order, as readStream does, in one call', async () => {
        const store = getStore();
        const long = streamOf('many-long');
        const short = streamOf('many-short');
        const missing = streamOf('many-missing');
        // twelve events, so an order that compared revisions as text ('10' < '2') would show;
        // the two streams written interleaved, so log order differs from revision order per stream
        const longBatch = Array.from({ length: 12 }, (_, i) => event('Counted', { i }));
        const shortBatch = [event('Other', { s: 0 }), event('Other', { s: 1 })];
        await store.append(long, longBatch.slice(0, 6), { expectedRevision: 'no_stream' });
        await store.append(short, shortBatch.slice(0, 1), { expectedRevision: 'no_stream' });
        await store.append(long, longBatch.slice(6), { expectedRevision: 5n });
        await store.append(short, shortBatch.slice(1), { expectedRevision: 0n });

        const read = await store.readStreams([short, missing, long, short]);
        expect([...read.keys()].sort()).toEqual([long, missing, short].sort());
        expect(read.get(missing)).toEqual([]);
        expect(read.get(long)!.map((e) => e.eventId)).toEqual(longBatch.map((e) => e.eventId));
        expect(read.get(long)!.map((e) => e.streamRevision)).toEqual(longBatch.map((_, i) => BigInt(i)));
        expect(read.get(short)!.map((e) => (e.data as { s: number }).s)).toEqual([0, 1]);
        expect(read.get(long)).toEqual(await store.readStream(long));
        expect(read.get(short)).toEqual(await store.readStream(short));
        expect((await store.readStreams([])).size).toBe(0);
      });

      it('readAll returns events in commit order, positions increase as text, pages join up', async () => {
        const store = getStore();
        const prefix = streamOf('all');
        const written: string[] = [];
        for (let i = 0; i < 6; i++) {
          const batch = [event('A', { i }), event('B', { i })];
          await store.append(`${prefix}${i % 3}`, batch, { expectedRevision: 'any' });
          written.push(...batch.map((e) => e.eventId));
        }
        const all = await readAllOf(prefix);
        expect(all.map((e) => e.eventId)).toEqual(written);
        for (let i = 1; i < all.length; i++) expect(all[i]!.position > all[i - 1]!.position).toBe(true);
        const paged = await readAllOf(prefix, null, 3);
        expect(paged.map((e) => e.eventId)).toEqual(written);
        // the start position is exclusive
        const fromFourth = await readAllOf(prefix, all[3]!.position);
        expect(fromFourth.map((e) => e.eventId)).toEqual(written.slice(4));
      });

      it('countAfter counts what readAll would return', async () => {
        const store = getStore();
        const prefix = streamOf('count');
        await store.append(`${prefix}x`, [event(), event(), event()], { expectedRevision: 'any' });
        const mine = await readAllOf(prefix);
        // counted from our first event: everything after it, ours or other tests'
        const after = await store.countAfter(mine[0]!.position);
        let expected = 0n;
        for (let position: Position | null = mine[0]!.position; ; ) {
          const page = await store.readAll({ fromPosition: position, maxCount: 1000 });
          if (page.length === 0) break;
          expected += BigInt(page.length);
          position = page[page.length - 1]!.position;
        }
        expect(after).toBe(expected);
        expect(after >= 2n).toBe(true);
      });
    });

    describe('type filters', () => {
      /** Two types of our own, unique to this test, among others' events. */
      async function writeMixed(prefix: string) {
        const wanted = `Wanted${randomUUID().slice(0, 8)}`;
        const other = `Other${randomUUID().slice(0, 8)}`;
        const written: { id: string; type: string }[] = [];
        for (let i = 0; i < 5; i++) {
          const batch = [event(other, { i }), event(wanted, { i }), event(other, { i })];
          await getStore().append(`${prefix}${i % 2}`, batch, { expectedRevision: 'any' });
          written.push(...batch.map((e) => ({ id: e.eventId, type: e.type })));
        }
        return { wanted, other, written };
      }

      it('only: readAll returns the listed types in log order, maxCount counts them, pages join up', async () => {
        const store = getStore();
        const prefix = streamOf('only');
        const { wanted, written } = await writeMixed(prefix);
        const expected = written.filter((w) => w.type === wanted).map((w) => w.id);
        const first = await readAllOf(prefix);
        const found: string[] = [];
        let position: Position | null = null;
        for (;;) {
          const page = await store.readAll({ fromPosition: position, maxCount: 2, filter: { only: [wanted] } });
          if (page.length === 0) break;
          expect(page.length).toBeLessThanOrEqual(2);
          for (const e of page) expect(e.type).toBe(wanted);
          found.push(...page.map((e) => e.eventId));
          position = page[page.length - 1]!.position;
        }
        expect(found).toEqual(expected);
        // counted from our first event, which is not a wanted one
        expect(first[0]!.type).not.toBe(wanted);
        expect(await store.countAfter(first[0]!.position, { only: [wanted] })).toBe(BigInt(expected.length));
        // counting stops at atMost, and a bound above the count changes nothing
        expect(expected.length).toBeGreaterThan(1);
        expect(await store.countAfter(first[0]!.position, { only: [wanted] }, 1n)).toBe(1n);
        expect(await store.countAfter(first[0]!.position, { only: [wanted] }, BigInt(expected.length + 5))).toBe(BigInt(expected.length));
      });

      it('only, several types: pages merge them in log order, as one type would be', async () => {
        const store = getStore();
        const prefix = streamOf('only-many');
        // three types of our own, the third left out: each page must interleave the other two as the log has them
        const { wanted, other, written } = await writeMixed(prefix);
        const third = `Third${randomUUID().slice(0, 8)}`;
        await store.append(`${prefix}0`, [event(third, {}), event(wanted, { i: 9 }), event(third, {})], { expectedRevision: 'any' });
        const all = await readAllOf(prefix);
        const expected = all.filter((e) => e.type === wanted || e.type === other).map((e) => e.eventId);
        expect(expected.length).toBe(written.length + 1);
        const found: string[] = [];
        let position: Position | null = null;
        for (;;) {
          // the types twice and in either order: the same pages
          const page = await store.readAll({ fromPosition: position, maxCount: 3, filter: { only: [other, wanted, other] } });
          if (page.length === 0) break;
          expect(page.length).toBeLessThanOrEqual(3);
          found.push(...page.map((e) => e.eventId));
          position = page[page.length - 1]!.position;
        }
        expect(found).toEqual(expected);
      });

      it('except: readAll leaves out the listed types and nothing else', async () => {
        const store = getStore();
        const prefix = streamOf('except');
        const { other, written } = await writeMixed(prefix);
        const first = await readAllOf(prefix);
        const found: RecordedEvent[] = [];
        for (let position: Position | null = first[0]!.position; ; ) {
          const page = await store.readAll({ fromPosition: position, maxCount: 1000, filter: { except: [other] } });
          if (page.length === 0) break;
          found.push(...page.filter((e) => e.streamName.startsWith(prefix)));
          for (const e of page) expect(e.type).not.toBe(other);
          position = page[page.length - 1]!.position;
        }
        expect(found.map((e) => e.eventId)).toEqual(written.filter((w) => w.type !== other).map((w) => w.id));
      });

      it('subscribeToAll delivers only the listed types, catching up and live', async () => {
        const store = getStore();
        const prefix = streamOf('subfilter');
        const { wanted, written } = await writeMixed(prefix);
        const late = [event(wanted), event('Unwanted'), event(wanted)];
        setTimeout(() => void store.append(`${prefix}late`, late, { expectedRevision: 'no_stream' }), 200);
        const expected = [...written.filter((w) => w.type === wanted).map((w) => w.id), late[0]!.eventId, late[2]!.eventId];
        const controller = new AbortController();
        const timeout = setTimeout(() => controller.abort(), 15_000);
        const seen: string[] = [];
        try {
          for await (const batch of store.subscribeToAll({ fromPosition: null, signal: controller.signal, maxBatch: 3, filter: { only: [wanted] } })) {
            for (const e of batch) {
              expect(e.type).toBe(wanted);
              seen.push(e.eventId);
            }
            if (seen.length >= expected.length) break;
          }
        } finally {
          clearTimeout(timeout);
          controller.abort();
        }
        expect(seen).toEqual(expected);
      });
    });

    describe('subscribeToAll', () => {
      async function collect(prefix: string, from: Position | null, until: (seen: RecordedEvent[]) => boolean) {
        const controller = new AbortController();
        const seen: RecordedEvent[] = [];
        let last: Position | null = from;
        const timeout = setTimeout(() => controller.abort(), 15_000);
        try {
          for await (const batch of getStore().subscribeToAll({ fromPosition: from, signal: controller.signal, maxBatch: 7 })) {
            expect(batch.length).toBeGreaterThan(0);
            for (const e of batch) {
              last = e.position;
              if (e.streamName.startsWith(prefix)) seen.push(e);
            }
            if (until(seen)) break;
          }
        } finally {
          clearTimeout(timeout);
          controller.abort();
        }
        return { seen, last };
      }

      it('catches up, then delivers live events', async () => {
        const store = getStore();
        const prefix = streamOf('live');
        const before = Array.from({ length: 10 }, () => event());
        await store.append(`${prefix}1`, before, { expectedRevision: 'no_stream' });
        const later = Array.from({ length: 5 }, () => event());
        const appendLater = new Promise<void>((resolve, reject) =>
          setTimeout(() => store.append(`${prefix}2`, later, { expectedRevision: 'no_stream' }).then(() => resolve(), reject), 300),
        );
        const { seen } = await collect(prefix, null, (s) => s.length >= 15);
        await appendLater;
        expect(seen.map((e) => e.eventId)).toEqual([...before, ...later].map((e) => e.eventId));
      });

      it('a subscriber resuming from a stored position misses nothing and repeats nothing', async () => {
        const store = getStore();
        const prefix = streamOf('resume');
        const firstHalf = Array.from({ length: 8 }, () => event());
        await store.append(`${prefix}1`, firstHalf, { expectedRevision: 'no_stream' });
        const firstRun = await collect(prefix, null, (s) => s.length >= 8);
        const stored = firstRun.seen[firstRun.seen.length - 1]!.position;

        const secondHalf = Array.from({ length: 8 }, () => event());
        await store.append(`${prefix}1`, secondHalf.slice(0, 4), { expectedRevision: 7n });
        await store.append(`${prefix}2`, secondHalf.slice(4), { expectedRevision: 'no_stream' });
        const secondRun = await collect(prefix, stored, (s) => s.length >= 8);
        expect(secondRun.seen.map((e) => e.eventId)).toEqual(secondHalf.map((e) => e.eventId));
      });
    });
  });
}
