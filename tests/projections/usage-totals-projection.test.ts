import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKysely, createPool } from '../../src/adapters/postgres/database.ts';
import { migrateReadModels } from '../../src/adapters/postgres/migrate.ts';
import type { RecordedEvent } from '../../src/ports/event-store.ts';
import type { ReadModelDatabase } from '../../src/projections/read-model-database.ts';
import { usageTotalsProjection } from '../../src/projections/usage/usage-totals-projection.ts';
import { createTestDatabase } from '../support/database.ts';

let db: Kysely<ReadModelDatabase>;

beforeAll(async () => {
  db = createKysely<ReadModelDatabase>(createPool(await createTestDatabase('usagetotals')));
  await migrateReadModels(db);
});
afterAll(async () => {
  await db.destroy();
});

const metadata = { actor: 't', correlationId: 'c', causationId: 'c', occurredAt: '2026-06-01T00:00:00.000Z' };
let position = 0;

function storage(accountId: string, bucketId: string, bytes: bigint, hour: number): RecordedEvent {
  return {
    eventId: randomUUID(),
    type: 'StorageMeasured',
    streamName: `usage-${accountId}:2026-06`,
    streamRevision: 0n,
    position: String(position++).padStart(20, '0'),
    data: { accountId, bucketId, sampleKey: randomUUID(), bytes: bytes.toString(), at: new Date(Date.UTC(2026, 5, 1, hour)).toISOString(), contentDigest: 'x' },
    metadata,
  };
}

function traffic(accountId: string, bucketId: string, egress: bigint, requestsA: bigint, hour: number): RecordedEvent {
  return {
    eventId: randomUUID(),
    type: 'TrafficMeasured',
    streamName: `usage-${accountId}:2026-06`,
    streamRevision: 0n,
    position: String(position++).padStart(20, '0'),
    data: {
      accountId,
      bucketId,
      sampleKey: randomUUID(),
      windowStart: new Date(Date.UTC(2026, 5, 1, hour)).toISOString(),
      windowEnd: new Date(Date.UTC(2026, 5, 1, hour + 1)).toISOString(),
      egressBytes: egress.toString(),
      ingressBytes: '7',
      requestsA: requestsA.toString(),
      requestsB: '0',
      contentDigest: 'x',
    },
    metadata,
  };
}

async function rowsOf(accountIds: readonly string[]) {
  const rows = await db
    .selectFrom('usage_totals')
    .select(['account_id', 'bucket_id', 'egress_bytes', 'ingress_bytes', 'requests_a', 'requests_b', 'traffic_windows', 'storage_bytes', 'samples'])
    .select(sql<string>`storage_at::text`.as('storage_at'))
    .where('account_id', 'in', accountIds)
    .orderBy('bucket_id')
    .execute();
  return rows.map((r) => ({ ...r, account_id: undefined }));
}

describe('usage totals projection', () => {
  it('sums traffic beyond 2^53 exactly and keeps the latest storage sample, not the last to arrive', async () => {
    const account = randomUUID();
    const big = 2n ** 60n + 1n;
    await db.transaction().execute(async (trx) => {
      await usageTotalsProjection.applyBatch!(trx, [traffic(account, 'b1', big, 3n, 1), storage(account, 'b1', 500n, 5), storage(account, 'b1', 900n, 2)]);
      await usageTotalsProjection.apply(trx, traffic(account, 'b1', big, 4n, 2));
    });
    const [row] = await rowsOf([account]);
    expect(row).toMatchObject({ egress_bytes: (2n * big).toString(), requests_a: '7', traffic_windows: 2, storage_bytes: '500', samples: 4 });
    expect(row!.storage_at).toBe('2026-06-01 05:00:00+00');
  });

  it('property: a batch applied at once gives the same rows as its events applied one by one, however it is cut', async () => {
    const event = fc.record({
      bucket: fc.constantFrom('b1', 'b2', 'b3'),
      kind: fc.constantFrom('storage', 'traffic'),
      bytes: fc.bigInt({ min: 0n, max: 2n ** 62n }),
      requests: fc.bigInt({ min: 0n, max: 10n ** 12n }),
      hour: fc.integer({ min: 0, max: 47 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(event, { minLength: 1, maxLength: 30 }), fc.array(fc.integer({ min: 1, max: 30 }), { minLength: 1, maxLength: 5 }), async (specs, cuts) => {
        const one = randomUUID();
        const batched = randomUUID();
        const build = (account: string) =>
          specs.map((s) => (s.kind === 'storage' ? storage(account, s.bucket, s.bytes, s.hour) : traffic(account, s.bucket, s.bytes, s.requests, s.hour)));
        await db.transaction().execute(async (trx) => {
          for (const e of build(one)) await usageTotalsProjection.apply(trx, e);
        });
        const events = build(batched);
        for (let start = 0, i = 0; start < events.length; i++) {
          const size = cuts[i % cuts.length]!;
          await db.transaction().execute((trx) => usageTotalsProjection.applyBatch!(trx, events.slice(start, start + size)));
          start += size;
        }
        expect(await rowsOf([batched])).toEqual(await rowsOf([one]));
      }),
      { numRuns: 200 },
    );
  });
});
