import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKysely, createPool } from '../../src/adapters/postgres/database.ts';
import { migrateReadModels } from '../../src/adapters/postgres/migrate.ts';
import { storedBytesByAccount } from '../../src/commands/latest-storage.ts';
import type { WithdrawnSample } from '../../src/domain/usage/usage-events.ts';
import type { RecordedEvent } from '../../src/ports/event-store.ts';
import type { ReadModelDatabase } from '../../src/projections/read-model-database.ts';
import { latestStorageRows } from '../../src/projections/usage/usage-queries.ts';
import { usageTotalsProjection } from '../../src/projections/usage/usage-totals-projection.ts';
import { createTestDatabase } from '../support/database.ts';

/**
 * The usage-totals rows never count a withdrawn storage sample: a row either knows its latest
 * sample among those not withdrawn, or says its latest was withdrawn (and when); the stored
 * bytes read from them (folding a period's stream where a row cannot tell) equal each bucket's
 * latest sample not withdrawn, over every period.
 */
let db: Kysely<ReadModelDatabase>;

beforeAll(async () => {
  db = createKysely<ReadModelDatabase>(createPool(await createTestDatabase('latestwithdrawn')));
  await migrateReadModels(db);
});
afterAll(async () => {
  await db.destroy();
});

const metadata = { actor: 't', correlationId: 'c', causationId: 'c', occurredAt: '2026-08-01T00:00:00.000Z' };
let position = 0;

interface Sample {
  sampleKey: string;
  bucketId: string;
  period: '2026-06' | '2026-07';
  bytes: bigint;
  at: string;
}

/** The log of one account: samples and withdrawals, each in its period's stream, in log order. */
class UsageLog {
  readonly events: RecordedEvent[] = [];
  private readonly revisions = new Map<string, bigint>();
  constructor(readonly accountId: string) {}

  private record(period: string, type: string, data: unknown) {
    const streamName = `usage-${this.accountId}:${period}`;
    const streamRevision = (this.revisions.get(streamName) ?? -1n) + 1n;
    this.revisions.set(streamName, streamRevision);
    this.events.push({ eventId: randomUUID(), type, streamName, streamRevision, position: String(position++).padStart(20, '0'), data, metadata });
  }
  storage(sample: Sample) {
    this.record(sample.period, 'StorageMeasured', { accountId: this.accountId, bucketId: sample.bucketId, sampleKey: sample.sampleKey, bytes: sample.bytes.toString(), at: sample.at, contentDigest: 'x' });
  }
  withdraw(period: string, samples: readonly Sample[]) {
    const named: WithdrawnSample[] = samples.map((s) => ({ kind: 'storage', sampleKey: s.sampleKey, bucketId: s.bucketId, bytes: s.bytes.toString(), at: s.at }));
    this.record(period, 'SamplesWithdrawn', { accountId: this.accountId, period, samples: named, reason: 'sent by mistake', withdrawnAt: metadata.occurredAt });
  }
  /** the store's `readStreams`, over this log */
  readonly eventStore = {
    readStreams: async (names: readonly string[]) => new Map(names.map((name) => [name, this.events.filter((e) => e.streamName === name)])),
  };
}

async function project(events: readonly RecordedEvent[], cuts: readonly number[] = [events.length || 1]) {
  for (let start = 0, i = 0; start < events.length; i++) {
    const size = cuts[i % cuts.length]!;
    await db.transaction().execute((trx) => usageTotalsProjection.applyBatch!(trx, events.slice(start, start + size)));
    start += size;
  }
}

async function rowsOf(accountId: string) {
  return db
    .selectFrom('usage_totals')
    .select(['period', 'bucket_id', 'storage_bytes', 'storage_unordered'])
    .select([sql<string | null>`storage_at::text`.as('storage_at'), sql<string | null>`storage_latest_withdrawn_at::text`.as('withdrawn_at')])
    .where('account_id', '=', accountId)
    .orderBy('bucket_id')
    .orderBy('period')
    .execute();
}

async function addBuckets(accountId: string, bucketIds: readonly string[]) {
  const at = '2026-05-01T00:00:00Z';
  if (bucketIds.length === 0) return;
  await db
    .insertInto('buckets')
    .values(bucketIds.map((bucketId) => ({ bucket_id: bucketId, account_id: accountId, name: bucketId, status: 'provisioned', failure_reason: null, quota_bytes: null, versioning: 'disabled', lifecycle_expiration_days: null, lifecycle_noncurrent_version_expiration_days: null, requested_at: at, updated_at: at, revision: '0' })))
    .execute();
}

/** The sample that holds: the latest; at one instant the larger (the rating engine's order). */
const latestOf = (samples: readonly Sample[]) =>
  samples.reduce<Sample | null>((best, s) => (best === null || Date.parse(s.at) > Date.parse(best.at) || (s.at === best.at && s.bytes > best.bytes) ? s : best), null);

const pgInstant = (iso: string) => iso.replace('T', ' ').replace(/\.000Z$/, '+00');
const hour = (h: number) => new Date(Date.UTC(2026, 5, 1, h)).toISOString();

describe('a withdrawn latest storage sample', () => {
  it('leaves the row without a latest until a later sample: an earlier one does not make it known', async () => {
    const accountId = randomUUID();
    const log = new UsageLog(accountId);
    const s = (key: string, bytes: bigint, h: number): Sample => ({ sampleKey: key, bucketId: `${accountId}-b`, period: '2026-06', bytes, at: hour(h) });
    const [a, w, older, later] = [s('a', 100n, 1), s('w', 900n, 5), s('older', 300n, 3), s('later', 400n, 7)];
    log.storage(a);
    log.storage(w);
    log.withdraw('2026-06', [a]);
    await project(log.events);
    // an older sample withdrawn: the latest holds
    expect(await rowsOf(accountId)).toMatchObject([{ storage_bytes: '900', storage_at: pgInstant(w.at), withdrawn_at: null }]);
    const from = log.events.length;
    log.withdraw('2026-06', [w]);
    log.storage(older);
    await project(log.events.slice(from));
    // the latest withdrawn, then a sample at 03:00, before it: which holds (03:00's, or one before) the row cannot tell
    expect(await rowsOf(accountId)).toMatchObject([{ storage_bytes: null, storage_at: null, withdrawn_at: pgInstant(w.at), storage_unordered: true }]);
    await addBuckets(accountId, [`${accountId}-b`]);
    expect((await storedBytesByAccount({ eventStore: log.eventStore, latestStorageRows: () => latestStorageRows(db) })).get(accountId)).toBe(300n);
    log.storage(later);
    await project(log.events.slice(-1));
    expect(await rowsOf(accountId)).toMatchObject([{ storage_bytes: '400', storage_at: pgInstant(later.at), withdrawn_at: null }]);
    expect((await storedBytesByAccount({ eventStore: log.eventStore, latestStorageRows: () => latestStorageRows(db) })).get(accountId)).toBe(400n);
  });

  it('property: rows know the latest sample not withdrawn or say it was withdrawn; stored bytes are the latest samples not withdrawn', async () => {
    const sampleSpec = fc.record({
      bucket: fc.constantFrom('b1', 'b2'),
      july: fc.boolean(),
      // few instants and sizes, so ties at one instant and equal samples happen
      hour: fc.integer({ min: 0, max: 5 }),
      bytes: fc.bigInt({ min: 1n, max: 4n }),
    });
    const op = fc.oneof(
      { arbitrary: sampleSpec.map((spec) => ({ kind: 'sample' as const, spec })), weight: 3 },
      { arbitrary: fc.record({ kind: fc.constant('withdraw' as const), picks: fc.array(fc.nat(), { minLength: 1, maxLength: 3 }), july: fc.boolean() }), weight: 1 },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 25 }), fc.array(fc.integer({ min: 1, max: 10 }), { minLength: 1, maxLength: 4 }), async (ops, cuts) => {
        const accountId = randomUUID();
        const log = new UsageLog(accountId);
        const sent: Sample[] = [];
        const withdrawn = new Set<string>();
        for (const o of ops) {
          if (o.kind === 'sample') {
            const { spec } = o;
            const period = spec.july ? '2026-07' : '2026-06';
            const sample: Sample = { sampleKey: `k${sent.length}`, bucketId: `${accountId}-${spec.bucket}`, period, bytes: spec.bytes, at: new Date(Date.UTC(2026, spec.july ? 6 : 5, 10, spec.hour)).toISOString() };
            sent.push(sample);
            log.storage(sample);
          } else {
            // as decideWithdrawal: samples of the period's stream, each once, those withdrawn before left out
            const period = o.july ? '2026-07' : '2026-06';
            const candidates = sent.filter((s) => s.period === period && !withdrawn.has(s.sampleKey));
            if (candidates.length === 0) continue;
            const picked = [...new Set(o.picks.map((p) => candidates[p % candidates.length]!))];
            for (const s of picked) withdrawn.add(s.sampleKey);
            log.withdraw(period, picked);
          }
        }
        await project(log.events, cuts);

        const counted = sent.filter((s) => !withdrawn.has(s.sampleKey));
        for (const row of await rowsOf(accountId)) {
          const inRow = (s: Sample) => s.bucketId === row.bucket_id && s.period === row.period;
          const latest = latestOf(counted.filter(inRow));
          if (row.withdrawn_at === null) {
            expect(row.storage_bytes === null ? null : [row.storage_bytes, row.storage_at]).toEqual(latest === null ? null : [latest.bytes.toString(), pgInstant(latest.at)]);
          } else {
            expect(row.storage_bytes).toBeNull();
            // nothing still counted is later than the withdrawn instant it records
            if (latest) expect(Date.parse(latest.at)).toBeLessThanOrEqual(Date.parse(row.withdrawn_at.replace(' ', 'T').replace('+00', 'Z')));
            // and it says so only while a withdrawn sample was as late as the latest still counted
            expect(sent.some((s) => inRow(s) && withdrawn.has(s.sampleKey) && (latest === null || Date.parse(s.at) >= Date.parse(latest.at)))).toBe(true);
          }
        }

        const bucketIds = [...new Set(sent.map((s) => s.bucketId))];
        await addBuckets(accountId, bucketIds);
        const expected = bucketIds.reduce((total, bucketId) => total + (latestOf(counted.filter((s) => s.bucketId === bucketId))?.bytes ?? 0n), 0n);
        const stored = await storedBytesByAccount({ eventStore: log.eventStore, latestStorageRows: () => latestStorageRows(db) });
        expect(stored.get(accountId) ?? 0n).toBe(expected);
        // out of later runs' way
        if (bucketIds.length > 0) await db.updateTable('buckets').set({ status: 'deleted' }).where('bucket_id', 'in', bucketIds).execute();
      }),
      { numRuns: 150 },
    );
  });
});
