import { randomUUID } from 'node:crypto';
import { v5 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresSampleKeyClaims } from '../../src/adapters/postgres/sample-key-claims.ts';
import { createAccountCommands } from '../../src/commands/account-commands.ts';
import { createBucketCommands } from '../../src/commands/bucket-commands.ts';
import { createUsageIngestion } from '../../src/commands/usage-ingestion.ts';
import { SampleConflictError } from '../../src/domain/usage/usage-ledger.ts';
import type { EventStore, EventToAppend, RecordedEvent, StreamAppend } from '../../src/ports/event-store.ts';
import { startTestApp, testContext } from '../support/app.ts';

/**
 * Usage ingestion on a store whose event ids are unique per stream only, as EventStoreDB's are
 * (no server runs here). The double is the PostgreSQL store with each id made per stream on the
 * way in (UUID v5 of stream and id) and given back on the way out: an id re-appended to its own
 * stream is still dropped, the same id in another stream is a second event, exactly the
 * guarantee EventStoreDB gives. Ingestion must refuse a re-sent key landing in another period
 * or account there too, by its sample key claims.
 */
type App = Awaited<ReturnType<typeof startTestApp>>;
let app: App;
let store: EventStore;
const past = testContext({ occurredAt: '2026-05-01T12:00:00.000Z' });
const PER_STREAM = '0b7d4c1e-3f2a-4e59-8a61-9d2c7b5e4f30';

beforeAll(async () => {
  app = await startTestApp();
  store = perStreamIds(app.infrastructure.eventStore);
});
afterAll(async () => {
  await app.close();
});

function perStreamIds(inner: EventStore): EventStore {
  const original = new Map<string, string>();
  const inward = (streamName: string, events: readonly EventToAppend[]) =>
    events.map((e) => {
      const id = v5(`${streamName}\n${e.eventId}`, PER_STREAM);
      original.set(id, e.eventId);
      return { ...e, eventId: id };
    });
  const outward = (events: RecordedEvent[]) => events.map((e) => ({ ...e, eventId: original.get(e.eventId) ?? e.eventId }));
  return new Proxy(inner, {
    get(target, property, receiver) {
      if (property === 'eventIdsUniqueAcrossStreams') return false;
      if (property === 'append') return (streamName: string, events: readonly EventToAppend[], options: Parameters<EventStore['append']>[2]) => target.append(streamName, inward(streamName, events), options);
      if (property === 'appendMany') return (appends: readonly StreamAppend[]) => target.appendMany(appends.map((a) => ({ ...a, events: inward(a.streamName, a.events) })));
      if (property === 'readStream') return async (...args: Parameters<EventStore['readStream']>) => outward(await target.readStream(...args));
      if (property === 'readAll') return async (...args: Parameters<EventStore['readAll']>) => outward(await target.readAll(...args));
      if (property === 'readStreams') {
        return async (names: readonly string[]) => new Map([...(await target.readStreams(names))].map(([name, events]) => [name, outward(events)]));
      }
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

async function tenant(bucketName: string) {
  const accountId = randomUUID();
  await createAccountCommands(store).execute(
    {
      type: 'OpenAccount',
      data: { accountId, name: `Tenant ${bucketName}`, slug: bucketName, billingEmail: `billing@${bucketName}.com.br`, document: '529.982.247-25', timeZone: 'America/Sao_Paulo', openedAt: past.occurredAt, ownerMemberId: randomUUID() },
    },
    past,
  );
  const { state } = await createBucketCommands(store).request({ accountId, name: bucketName }, past);
  if (state.status === 'none') throw new Error('no bucket');
  return { accountId, bucketId: state.bucketId, bucket: bucketName };
}

const usage = (accountId: string, period: string) => store.readStream(`usage-${accountId}:${period}`);
const storage = (bucket: string, sampleKey: string, bytes: string, at: string) => ({ kind: 'storage', sampleKey, bucket, bytes, at });
const counters = (bucket: string, sampleKey: string, at: string) => ({ kind: 'counters', sampleKey, bucket, source: 'minio-1', at, sentBytes: '1', receivedBytes: '0', requestsA: '0', requestsB: '0' });
const claimOf = async (sampleKey: string) =>
  (await app.infrastructure.readModels.selectFrom('usage_sample_keys').select('stream_name').where('sample_key', '=', sampleKey).executeTakeFirst())?.stream_name;

describe('usage ingestion where event ids are unique per stream only (as EventStoreDB)', () => {
  it('the double lacks the guarantee for real: one id appended to two streams is two events', async () => {
    const eventId = randomUUID();
    const event = { eventId, type: 'ThingHappened', data: {}, metadata: past };
    const [a, b] = [`double-${randomUUID()}`, `double-${randomUUID()}`];
    expect((await store.append(a, [event], { expectedRevision: 'no_stream' })).appended).toBe(1);
    expect((await store.append(b, [event], { expectedRevision: 'no_stream' })).appended).toBe(1);
    expect((await store.append(a, [event], { expectedRevision: 'any' })).appended).toBe(0);
    expect((await store.readStream(b)).map((e) => e.eventId)).toEqual([eventId]);
  });

  it('ingestion will not start on such a store without sample key claims', () => {
    expect(() => createUsageIngestion(store)).toThrow(/sample key claims/);
  });

  it('a key re-sent with another instant (another period, another stream) is refused, recording nothing', async () => {
    const t = await tenant('ps-moved');
    const ingestion = createUsageIngestion(store, { sampleKeyClaims: new PostgresSampleKeyClaims(app.infrastructure.readModels) });
    await ingestion.ingest([storage(t.bucket, 'ps-moved-1', '5', '2026-06-10T00:00:00Z')], testContext());
    const error = await ingestion.ingest([storage(t.bucket, 'ps-moved-1', '5', '2026-07-10T00:00:00Z')], testContext()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SampleConflictError);
    expect((error as SampleConflictError).message).toContain('for another bucket, account or period');
    expect((error as SampleConflictError).conflicts).toEqual([{ index: 0, sampleKey: 'ps-moved-1' }]);
    expect(await usage(t.accountId, '2026-07')).toEqual([]);
    expect(await usage(t.accountId, '2026-06')).toHaveLength(1);
    expect(await claimOf('ps-moved-1')).toBe(`usage-${t.accountId}:2026-06`);
  });

  it('a key re-sent for another account is refused; the batch with it is refused whole and leaves no claim', async () => {
    const a = await tenant('ps-first');
    const b = await tenant('ps-second');
    const ingestion = createUsageIngestion(store, { sampleKeyClaims: new PostgresSampleKeyClaims(app.infrastructure.readModels) });
    await ingestion.ingest([storage(a.bucket, 'ps-shared', '5', '2026-06-10T00:00:00Z')], testContext());
    const error = await ingestion
      .ingest([storage(b.bucket, 'ps-fresh', '7', '2026-06-11T00:00:00Z'), storage(b.bucket, 'ps-shared', '5', '2026-06-10T00:00:00Z')], testContext())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SampleConflictError);
    expect((error as SampleConflictError).conflicts).toEqual([{ index: 1, sampleKey: 'ps-shared' }]);
    expect(await usage(b.accountId, '2026-06')).toEqual([]);
    expect(await claimOf('ps-fresh')).toBeUndefined();
  });

  it('a counter reading whose key another bucket recorded is refused; a re-sent sample in its own stream is a duplicate, as before', async () => {
    const a = await tenant('ps-reading-a');
    const b = await tenant('ps-reading-b');
    const ingestion = createUsageIngestion(store, { sampleKeyClaims: new PostgresSampleKeyClaims(app.infrastructure.readModels) });
    expect(await ingestion.ingest([counters(a.bucket, 'ps-reading', '2026-06-10T00:00:00Z')], testContext())).toMatchObject({ accepted: 1 });
    const error = await ingestion.ingest([counters(b.bucket, 'ps-reading', '2026-06-10T00:00:00Z')], testContext()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SampleConflictError);
    expect(await ingestion.ingest([counters(a.bucket, 'ps-reading', '2026-06-10T00:00:00Z')], testContext())).toEqual({ accepted: 0, duplicates: 1, recorded: 0 });
  });
});
