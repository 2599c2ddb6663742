import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccountCommands } from '../../src/commands/account-commands.ts';
import { createBucketCommands } from '../../src/commands/bucket-commands.ts';
import { createUsageIngestion, sampleDigest, USAGE_SAMPLE_NAMESPACE, uuidV5 } from '../../src/commands/usage-ingestion.ts';
import { ValidationError } from '../../src/domain/errors.ts';
import { SampleConflictError } from '../../src/domain/usage/usage-ledger.ts';
import type { EventStore, ReadStreamOptions, StreamAppend } from '../../src/ports/event-store.ts';
import { startTestApp, testContext } from '../support/app.ts';

type App = Awaited<ReturnType<typeof startTestApp>>;
let app: App;
let store: EventStore;
const past = testContext({ occurredAt: '2026-05-01T12:00:00.000Z' });

beforeAll(async () => {
  app = await startTestApp();
  store = app.infrastructure.eventStore;
});
afterAll(async () => {
  await app.close();
});

/** An account in America/Sao_Paulo with one bucket, both recorded before the samples. */
async function tenant(bucketName: string) {
  const accountId = randomUUID();
  await createAccountCommands(store).execute(
    {
      type: 'OpenAccount',
      data: {
        accountId,
        name: `Tenant ${bucketName}`,
        slug: bucketName,
        billingEmail: `billing@${bucketName}.com.br`,
        document: '529.982.247-25',
        timeZone: 'America/Sao_Paulo',
        openedAt: past.occurredAt,
        ownerMemberId: randomUUID(),
      },
    },
    past,
  );
  const { state } = await createBucketCommands(store).request({ accountId, name: bucketName }, past);
  if (state.status === 'none') throw new Error('no bucket');
  return { accountId, bucketId: state.bucketId, bucket: bucketName };
}

const stream = (accountId: string, period: string) => store.readStream(`usage-${accountId}:${period}`);
const dataOf = async (accountId: string, period: string) => (await stream(accountId, period)).map((e) => [e.type, e.data]);

const storage = (bucket: string, sampleKey: string, bytes: string, at: string) => ({ kind: 'storage', sampleKey, bucket, bytes, at });
const traffic = (bucket: string, sampleKey: string, windowStart: string, windowEnd: string, egressBytes = '1000', requestsA = '10') => ({
  kind: 'traffic',
  sampleKey,
  bucket,
  windowStart,
  windowEnd,
  egressBytes,
  ingressBytes: '0',
  requestsA,
  requestsB: '0',
});
const counters = (bucket: string, sampleKey: string, at: string, sentBytes: string, receivedBytes: string, requestsA: string, requestsB: string) => ({
  kind: 'counters',
  sampleKey,
  bucket,
  source: 'minio-1',
  at,
  sentBytes,
  receivedBytes,
  requestsA,
  requestsB,
});

describe('uuidV5', () => {
  it('matches the RFC 9562 example (www.example.com in the DNS namespace)', () => {
    expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
  });
});

describe('usage ingestion', () => {
  it('records a batch spanning two periods in two streams, by the account’s time zone', async () => {
    const t = await tenant('span-periods');
    const ingestion = createUsageIngestion(store);
    const result = await ingestion.ingest(
      [storage(t.bucket, 'june', '100', '2026-06-30T23:30:00-03:00'), storage(t.bucket, 'july', '200', '2026-07-01T00:30:00-03:00')],
      testContext(),
    );
    expect(result).toEqual({ accepted: 2, duplicates: 0, recorded: 2 });
    // 23:30 −03:00 on June 30 is 02:30 UTC on July 1: still June in São Paulo
    const june = await stream(t.accountId, '2026-06');
    expect(june.map((e) => [e.type, e.data])).toEqual([
      [
        'StorageMeasured',
        { accountId: t.accountId, bucketId: t.bucketId, sampleKey: 'june', bytes: '100', at: '2026-07-01T02:30:00.000Z', contentDigest: expect.stringMatching(/^[0-9a-f]{64}$/) },
      ],
    ]);
    expect(june[0]!.eventId).toBe(uuidV5('june', USAGE_SAMPLE_NAMESPACE));
    expect((await dataOf(t.accountId, '2026-07')).map(([, d]) => (d as { sampleKey: string }).sampleKey)).toEqual(['july']);
  });

  it('accepts a duplicate re-send and changes nothing, even from a fresh service (cold ledgers)', async () => {
    const t = await tenant('dup-resend');
    const batch = [storage(t.bucket, 'd1', '5', '2026-06-02T00:00:00Z'), traffic(t.bucket, 'd2', '2026-06-02T00:00:00Z', '2026-06-02T01:00:00Z')];
    const ingestion = createUsageIngestion(store);
    expect(await ingestion.ingest(batch, testContext())).toEqual({ accepted: 2, duplicates: 0, recorded: 2 });
    const before = await stream(t.accountId, '2026-06');
    expect(await ingestion.ingest(batch, testContext())).toEqual({ accepted: 0, duplicates: 2, recorded: 0 });
    // the same instant written with another offset is the same content
    const again = [storage(t.bucket, 'd1', '5', '2026-06-01T21:00:00-03:00')];
    expect(await createUsageIngestion(store).ingest(again, testContext())).toEqual({ accepted: 0, duplicates: 1, recorded: 0 });
    expect(await stream(t.accountId, '2026-06')).toEqual(before);
  });

  it('refuses a key re-sent with other content (409) and records nothing of the batch', async () => {
    const t = await tenant('conflict-resend');
    const ingestion = createUsageIngestion(store);
    await ingestion.ingest([storage(t.bucket, 'c1', '5', '2026-06-02T00:00:00Z')], testContext());
    const before = await stream(t.accountId, '2026-06');
    const batch = [storage(t.bucket, 'c-new', '1', '2026-06-03T00:00:00Z'), storage(t.bucket, 'c1', '6', '2026-06-02T00:00:00Z')];
    for (const service of [ingestion, createUsageIngestion(store)]) {
      const error = await service.ingest(batch, testContext()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SampleConflictError);
      expect((error as SampleConflictError).conflicts).toEqual([{ index: 1, sampleKey: 'c1' }]);
    }
    expect(await stream(t.accountId, '2026-06')).toEqual(before);
    // two items of one batch with one key and two contents
    const inBatch = await ingestion
      .ingest([storage(t.bucket, 'twice', '1', '2026-06-03T00:00:00Z'), storage(t.bucket, 'twice', '2', '2026-06-03T00:00:00Z')], testContext())
      .catch((e: unknown) => e);
    expect((inBatch as SampleConflictError).conflicts).toEqual([{ index: 1, sampleKey: 'twice', clashesWith: 0 }]);
    expect(await stream(t.accountId, '2026-06')).toEqual(before);
  });

  it('refuses a key re-sent with other content that would land in another stream (the event id guard), recording nothing', async () => {
    const t = await tenant('conflict-elsewhere');
    const ingestion = createUsageIngestion(store);
    await ingestion.ingest([storage(t.bucket, 'moved', '5', '2026-06-10T00:00:00Z')], testContext());
    // same key, another instant: another period, so another stream whose ledger has never seen it
    const error = await ingestion.ingest([storage(t.bucket, 'moved', '5', '2026-07-10T00:00:00Z')], testContext()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SampleConflictError);
    expect((error as SampleConflictError).message).toContain('for another bucket, account or period');
    expect(await stream(t.accountId, '2026-07')).toEqual([]);
    expect(await stream(t.accountId, '2026-06')).toHaveLength(1);
  });

  it('refuses a counter reading whose key another source or bucket recorded, naming it (it was retried as a conflict)', async () => {
    const a = await tenant('reading-key-a');
    const b = await tenant('reading-key-b');
    const ingestion = createUsageIngestion(store);
    await ingestion.ingest([counters(a.bucket, 'shared-reading', '2026-06-10T00:00:00Z', '1', '0', '0', '0')], testContext());
    const error = await ingestion.ingest([counters(b.bucket, 'shared-reading', '2026-06-10T00:00:00Z', '1', '0', '0', '0')], testContext()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SampleConflictError);
    expect((error as SampleConflictError).message).toContain('for another bucket, account or period');
  });

  it('a bucket name taken again after the service looked it up: each sample goes to the bucket that held the name at its instant', async () => {
    const first = await tenant('reused-name');
    const ingestion = createUsageIngestion(store);
    const at = (day: number) => testContext({ occurredAt: `2026-06-${day}T12:00:00.000Z` });
    // the service learns the name's holder on June 20
    await ingestion.ingest([storage(first.bucket, 'rn-1', '1', '2026-06-10T00:00:00Z')], at(20));
    const buckets = createBucketCommands(store);
    await buckets.recordProvisioned({ accountId: first.accountId, bucketId: first.bucketId }, at(24));
    await buckets.delete({ accountId: first.accountId, bucketId: first.bucketId }, at(25));
    await buckets.recordDeleted({ accountId: first.accountId, bucketId: first.bucketId }, at(25));
    const second = await tenant('reused-name-2');
    const { state } = await buckets.request({ accountId: second.accountId, name: first.bucket }, at(26));
    if (state.status === 'none') throw new Error('no bucket');
    const result = await ingestion.ingest([storage(first.bucket, 'rn-2', '2', '2026-06-12T00:00:00Z'), storage(first.bucket, 'rn-3', '3', '2026-06-27T00:00:00Z')], at(30));
    expect(result).toEqual({ accepted: 2, duplicates: 0, recorded: 2 });
    const bucketOf = async (accountId: string) => (await dataOf(accountId, '2026-06')).map(([, d]) => [(d as { sampleKey: string }).sampleKey, (d as { bucketId: string }).bucketId]);
    expect(await bucketOf(first.accountId)).toEqual([
      ['rn-1', first.bucketId],
      ['rn-2', first.bucketId],
    ]);
    expect(await bucketOf(second.accountId)).toEqual([['rn-3', state.bucketId]]);
  });

  it('lists unknown buckets beside the other bad items, and records nothing', async () => {
    const t = await tenant('unknown-bucket');
    const error = await createUsageIngestion(store)
      .ingest(
        [storage(t.bucket, 'u1', '5', '2026-06-02T00:00:00Z'), storage('no-such-bucket-here', 'u2', '5', '2026-06-02T00:00:00Z'), storage(t.bucket, 'u3', 'x', '2026-06-02T00:00:00Z')],
        testContext(),
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((i) => `${i.path}: ${i.message.slice(0, 14)}`)).toEqual(['samples[1].bucket: no such bucket', 'samples[2].bytes: must be a whol']);
    expect(await stream(t.accountId, '2026-06')).toEqual([]);
  });

  it('turns counter readings into traffic windows: baseline, increase, restart; a re-send changes nothing', async () => {
    const t = await tenant('counter-windows');
    const ingestion = createUsageIngestion(store);
    // r0 is the baseline (nothing recorded); r1 − r0 = 600 sent, 200 received, 5 A, 2 B;
    // r2 is lower than r1 (a restart): its own values are the usage. The window [r1, r2)
    // starts on June 30 at 21:00 −03:00, so it belongs to June although r2 is in July.
    const r0 = counters(t.bucket, 'r0', '2026-06-30T22:00:00Z', '1000', '500', '10', '10');
    const r1 = counters(t.bucket, 'r1', '2026-07-01T00:00:00Z', '1600', '700', '15', '12');
    const r2 = counters(t.bucket, 'r2', '2026-07-01T04:00:00Z', '300', '50', '7', '1');
    expect(await ingestion.ingest([r0], testContext())).toEqual({ accepted: 1, duplicates: 0, recorded: 0 });
    expect(await ingestion.ingest([r2, r1], testContext())).toEqual({ accepted: 2, duplicates: 0, recorded: 2 });
    const window = (d: unknown) => {
      const { windowStart, windowEnd, egressBytes, ingressBytes, requestsA, requestsB, counterSource, sampleKey } = d as Record<string, string | undefined>;
      return { sampleKey, windowStart, windowEnd, egressBytes, ingressBytes, requestsA, requestsB, counterSource };
    };
    // recorded in batch order: r2 (item 0), then r1 (item 1)
    const june = (await dataOf(t.accountId, '2026-06')).map(([, d]) => window(d));
    expect([...june].sort((a, b) => (a.sampleKey ?? "").localeCompare(b.sampleKey ?? ""))).toEqual([
      { sampleKey: 'r1', windowStart: '2026-06-30T22:00:00.000Z', windowEnd: '2026-07-01T00:00:00.000Z', egressBytes: '600', ingressBytes: '200', requestsA: '5', requestsB: '2', counterSource: 'minio-1' },
      { sampleKey: 'r2', windowStart: '2026-07-01T00:00:00.000Z', windowEnd: '2026-07-01T04:00:00.000Z', egressBytes: '300', ingressBytes: '50', requestsA: '7', requestsB: '1', counterSource: 'minio-1' },
    ]);
    expect(await stream(t.accountId, '2026-07')).toEqual([]);
    const readings = await store.readStream(`counter-minio-1:${t.bucketId}`);
    expect(readings.map((e) => (e.data as { sampleKey: string }).sampleKey)).toEqual(['r0', 'r1', 'r2']);

    // re-sending all three, cold or warm, changes nothing
    expect(await createUsageIngestion(store).ingest([r0, r1, r2], testContext())).toEqual({ accepted: 0, duplicates: 3, recorded: 0 });
    expect((await dataOf(t.accountId, '2026-06')).map(([, d]) => window(d))).toEqual(june);
    expect(await store.readStream(`counter-minio-1:${t.bucketId}`)).toEqual(readings);

    // a new reading older than the last is refused, naming it
    const stale = await ingestion.ingest([counters(t.bucket, 'r-old', '2026-07-01T01:00:00Z', '1', '1', '1', '1')], testContext()).catch((e: unknown) => e);
    expect((stale as ValidationError).issues).toEqual([{ path: 'samples[0].at', message: 'must be later than the last reading of this source and bucket (2026-07-01T04:00:00.000Z)' }]);
  });

  it('re-derives traffic whose reading was recorded but whose usage event was lost', async () => {
    const t = await tenant('counter-recover');
    const ingestion = createUsageIngestion(store);
    const r0 = counters(t.bucket, 'k0', '2026-06-10T00:00:00Z', '10', '0', '0', '0');
    const r1 = counters(t.bucket, 'k1', '2026-06-10T01:00:00Z', '25', '0', '0', '0');
    await ingestion.ingest([r0], testContext());
    // a crash after the reading was appended, before its traffic: write the reading alone
    const data = { accountId: t.accountId, bucketId: t.bucketId, source: 'minio-1', sampleKey: 'k1', at: '2026-06-10T01:00:00.000Z', sentBytes: '25', receivedBytes: '0', requestsA: '0', requestsB: '0' };
    const parsed = { kind: 'counters' as const, bucket: t.bucket, ...data };
    const { accountId: _a, bucketId: _b, ...sample } = parsed;
    await store.append(`counter-minio-1:${t.bucketId}`, [{ eventId: randomUUID(), type: 'CounterRead', data: { ...data, contentDigest: sampleDigest(sample) }, metadata: testContext() }], { expectedRevision: 0n });
    // the reading was recorded already (a duplicate); its traffic is recorded now
    expect(await createUsageIngestion(store).ingest([r1], testContext())).toEqual({ accepted: 0, duplicates: 1, recorded: 1 });
    expect((await dataOf(t.accountId, '2026-06')).map(([, d]) => (d as { egressBytes: string }).egressBytes)).toEqual(['15']);
  });

  it('records each sample once when two requests (and two services) send one batch at once', async () => {
    const t = await tenant('concurrent-batch');
    const batch = [
      ...Array.from({ length: 40 }, (_, i) => storage(t.bucket, `cc-s${i}`, String(i), `2026-06-${String(1 + (i % 28)).padStart(2, '0')}T12:00:00Z`)),
      ...Array.from({ length: 20 }, (_, i) => traffic(t.bucket, `cc-t${i}`, `2026-07-0${1 + (i % 9)}T0${i % 10}:00:00Z`, `2026-07-0${1 + (i % 9)}T0${i % 10}:30:00Z`)),
      counters(t.bucket, 'cc-r0', '2026-06-01T00:00:00Z', '0', '0', '0', '0'),
      counters(t.bucket, 'cc-r1', '2026-06-01T01:00:00Z', '100', '0', '0', '0'),
    ];
    const shared = createUsageIngestion(store);
    const results = await Promise.all([shared.ingest(batch, testContext()), shared.ingest(batch, testContext()), createUsageIngestion(store).ingest(batch, testContext())]);
    expect(results.reduce((sum, r) => sum + r.accepted, 0)).toBe(batch.length);
    expect(results.reduce((sum, r) => sum + r.recorded, 0)).toBe(61);
    for (const r of results) expect(r.accepted + r.duplicates).toBe(batch.length);
    // the derived window [r0, r1) starts on June 1 at 00:00Z, May 31 at 21:00 in São Paulo: May
    expect((await dataOf(t.accountId, '2026-05')).map(([, d]) => (d as { egressBytes: string }).egressBytes)).toEqual(['100']);
    const keys = [...(await stream(t.accountId, '2026-05')), ...(await stream(t.accountId, '2026-06')), ...(await stream(t.accountId, '2026-07'))].map((e) => (e.data as { sampleKey: string }).sampleKey);
    expect(keys).toHaveLength(61);
    expect(new Set(keys).size).toBe(61);
    expect(await store.readStream(`counter-minio-1:${t.bucketId}`)).toHaveLength(2);
  });

  it('property: re-sending any subset of an accepted batch changes nothing; one key with other content is refused', async () => {
    const t = await tenant('property-resend');
    const ingestion = createUsageIngestion(store);
    let run = 0;
    const sampleArb = fc.record({
      kind: fc.constantFrom('storage', 'traffic'),
      day: fc.integer({ min: 1, max: 60 }),
      amount: fc.bigInt({ min: 0n, max: 2n ** 63n - 1n }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(sampleArb, { minLength: 1, maxLength: 12 }), fc.infiniteStream(fc.boolean()), fc.nat(), async (specs, picks, which) => {
        run++;
        const at = (day: number) => new Date(Date.UTC(2026, 5, day, 12)).toISOString();
        const batch = specs.map((s, i) =>
          s.kind === 'storage' ? storage(t.bucket, `p${run}-${i}`, s.amount.toString(), at(s.day)) : traffic(t.bucket, `p${run}-${i}`, at(s.day), at(s.day + 1), s.amount.toString()),
        );
        const first = await ingestion.ingest(batch, testContext());
        expect(first).toEqual({ accepted: batch.length, duplicates: 0, recorded: batch.length });
        const snapshot = async () => [...(await stream(t.accountId, '2026-06')), ...(await stream(t.accountId, '2026-07')), ...(await stream(t.accountId, '2026-08'))];
        const before = await snapshot();
        const subset = batch.filter(() => picks.next().value);
        if (subset.length > 0) {
          expect(await ingestion.ingest(subset, testContext())).toEqual({ accepted: 0, duplicates: subset.length, recorded: 0 });
        }
        const changed = { ...batch[which % batch.length]! } as Record<string, string>;
        if (changed.kind === 'storage') changed.bytes = (BigInt(changed.bytes!) === 0n ? 1n : 0n).toString();
        else changed.egressBytes = (BigInt(changed.egressBytes!) === 0n ? 1n : 0n).toString();
        const error = await ingestion.ingest([...subset, changed], testContext()).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(SampleConflictError);
        expect(await snapshot()).toEqual(before);
      }),
      { numRuns: 30 },
    );
  });

  it.each([
    ['all streams or none (PostgreSQL)', true],
    ['one stream after another', false],
  ])('traffic between two readings is recorded once when the append after the reading fails: %s', async (_, atomic) => {
    const t = await tenant(`lost-traffic-${atomic ? 'atomic' : 'serial'}`);
    const failing = failingUsageAppend(store, atomic);
    const ingestion = createUsageIngestion(failing.store);
    const reading = (key: string, at: string, sent: string) => counters(t.bucket, `${t.bucket}-${key}`, at, sent, '0', '0', '0');
    await ingestion.ingest([reading('lt0', '2026-06-10T00:00:00Z', '100')], testContext());
    failing.arm();
    await expect(ingestion.ingest([reading('lt1', '2026-06-10T01:00:00Z', '150')], testContext())).rejects.toThrow('lost after the reading');
    // The collector never re-sends that minute: its next reading comes an hour later.
    await ingestion.ingest([reading('lt2', '2026-06-10T02:00:00Z', '230')], testContext());
    const egress = async () => (await dataOf(t.accountId, '2026-06')).reduce((sum, [, d]) => sum + BigInt((d as { egressBytes: string }).egressBytes), 0n);
    expect(await egress()).toBe(130n);
    // and nothing is counted twice when the last reading is sent again, warm or cold
    await ingestion.ingest([reading('lt2', '2026-06-10T02:00:00Z', '230')], testContext());
    await createUsageIngestion(failing.store).ingest([reading('lt3', '2026-06-10T03:00:00Z', '240')], testContext());
    expect(await egress()).toBe(140n);
  });

  it('after an append whose outcome was lost (it landed, the answer did not), the next batch reads the tails first and records nothing twice', async () => {
    const t = await tenant('lost-answer');
    let dropAnswer = false;
    const flaky = new Proxy(store, {
      get(target, property, receiver) {
        if (property === 'appendMany') {
          return async (appends: readonly StreamAppend[]) => {
            const results = await target.appendMany(appends);
            if (dropAnswer) {
              dropAnswer = false;
              throw new Error('connection lost after the commit');
            }
            return results;
          };
        }
        const value = Reflect.get(target, property, receiver) as unknown;
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
    // one try only: a stale ledger would be a 409
    const ingestion = createUsageIngestion(flaky, { retry: { maxAttempts: 1, baseDelayMs: 1 } });
    const months = (prefix: string) => ['2026-05-15', '2026-06-15', '2026-07-15'].map((day, i) => storage(t.bucket, `${prefix}-${i}`, String(i), `${day}T12:00:00Z`));
    await ingestion.ingest(months('warm'), testContext());
    dropAnswer = true;
    await expect(ingestion.ingest(months('lost'), testContext())).rejects.toThrow('connection lost');
    expect(await ingestion.ingest(months('next'), testContext())).toEqual({ accepted: 3, duplicates: 0, recorded: 3 });
    expect(await ingestion.ingest(months('lost'), testContext())).toEqual({ accepted: 0, duplicates: 3, recorded: 0 });
    for (const period of ['2026-05', '2026-06', '2026-07']) expect(await stream(t.accountId, period)).toHaveLength(3);
  });

  it('twenty overlapping batches of one account at once all succeed, each sample recorded once', async () => {
    const t = await tenant('overlapping-batches');
    const ingestion = createUsageIngestion(store, { retry: { maxAttempts: 2, baseDelayMs: 1 } });
    const sample = (i: number) => storage(t.bucket, `ov-${i}`, String(i), `2026-06-${String(1 + (i % 28)).padStart(2, '0')}T12:00:00Z`);
    // batch b holds samples b*5 .. b*5+14: each overlaps the next two
    const batches = Array.from({ length: 20 }, (_, b) => Array.from({ length: 15 }, (_, i) => sample(b * 5 + i)));
    const results = await Promise.all(batches.map((batch) => ingestion.ingest(batch, testContext())));
    const unique = 19 * 5 + 15;
    expect(results.reduce((sum, r) => sum + r.accepted, 0)).toBe(unique);
    expect(results.reduce((sum, r) => sum + r.recorded, 0)).toBe(unique);
    for (const r of results) expect(r.accepted + r.duplicates).toBe(15);
    const keys = (await stream(t.accountId, '2026-06')).map((e) => (e.data as { sampleKey: string }).sampleKey);
    expect(keys).toHaveLength(unique);
    expect(new Set(keys).size).toBe(unique);
  });

  it('after another process wrote to a stream, reads only what it appended, not the whole stream', async () => {
    const t = await tenant('catch-up-tail');
    const reads = readRecorder(store);
    const ours = createUsageIngestion(reads.store);
    const theirs = createUsageIngestion(store);
    const at = (i: number) => `2026-06-${String(2 + (i % 27)).padStart(2, '0')}T12:00:00Z`;
    const batch = (from: number, count: number) => Array.from({ length: count }, (_, i) => storage(t.bucket, `tail-${from + i}`, String(from + i), at(from + i)));
    await ours.ingest(batch(0, 200), testContext());
    await theirs.ingest(batch(200, 3), testContext());
    reads.calls.length = 0;
    expect(await ours.ingest(batch(203, 10), testContext())).toEqual({ accepted: 10, duplicates: 0, recorded: 10 });
    const usageReads = reads.calls.filter((c) => c.stream.startsWith('usage-'));
    // the conflict is caught up from revision 200: three events read, not 203
    expect(usageReads).toEqual([{ stream: `usage-${t.accountId}:2026-06`, fromRevision: 200n }]);
    expect(await stream(t.accountId, '2026-06')).toHaveLength(213);
  });
});

/** The store, failing the first append that holds a usage event once armed, after the counter reading when the appends go one stream at a time. */
function failingUsageAppend(inner: EventStore, atomic: boolean) {
  let armed = false;
  const check = (streamName: string) => {
    if (armed && streamName.startsWith('usage-')) {
      armed = false;
      throw new Error('connection lost after the reading');
    }
  };
  const wrapped = new Proxy(inner, {
    get(target, property, receiver) {
      if (property === 'atomicAppendMany') return atomic;
      if (property === 'append') {
        return async (streamName: string, events: Parameters<EventStore['append']>[1], options: Parameters<EventStore['append']>[2]) => {
          check(streamName);
          return target.append(streamName, events, options);
        };
      }
      if (property === 'appendMany') {
        return async (appends: readonly StreamAppend[]) => {
          if (atomic) {
            for (const a of appends) check(a.streamName);
            return target.appendMany(appends);
          }
          const results = [];
          for (const a of appends) {
            check(a.streamName);
            results.push(await target.append(a.streamName, a.events, { expectedRevision: a.expectedRevision }));
          }
          return results;
        };
      }
      const value = Reflect.get(target, property, receiver) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { store: wrapped, arm: () => (armed = true) };
}

/** The store, noting every readStream call. */
function readRecorder(inner: EventStore) {
  const calls: { stream: string; fromRevision?: bigint }[] = [];
  const wrapped = new Proxy(inner, {
    get(target, property, receiver) {
      if (property === 'readStream') {
        return (streamName: string, options?: ReadStreamOptions) => {
          calls.push({ stream: streamName, ...(options?.fromRevision !== undefined && options.fromRevision > 0n ? { fromRevision: options.fromRevision } : {}) });
          return target.readStream(streamName, options);
        };
      }
      const value = Reflect.get(target, property, receiver) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { store: wrapped, calls };
}

