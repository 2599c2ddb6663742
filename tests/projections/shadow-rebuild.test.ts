import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProjectionRunner } from '../../src/projections/projection-runner.ts';
import { shadowSchemaOf } from '../../src/projections/shadow-rebuild.ts';
import { bearer, openTestAccount } from '../support/api-requests.ts';
import { startTestApp } from '../support/app.ts';

/**
 * `ops rebuild` builds beside the live read model and swaps: the portal reading during a
 * rebuild never sees a row that existed go missing, and a rebuild that dies half-way leaves
 * the live read model as it was. Small batches make the rebuild take many transactions, so
 * the reads interleave with it.
 */
type App = Awaited<ReturnType<typeof startTestApp>>;
let app: App;
let operator: string;
const accounts: { accountId: string; buckets: number }[] = [];

beforeAll(async () => {
  app = await startTestApp({ PROJECTION_BATCH_SIZE: '3' });
  operator = await app.tokenFor({ kind: 'operator' });
  for (let a = 0; a < 12; a++) {
    const slug = `shadow-${a}`;
    const { accountId } = await openTestAccount(app, operator, slug, { name: slug, billingEmail: `${slug}@example.com`, document: '11.222.333/0001-81' });
    for (let b = 0; b < 2; b++) {
      const bucket = await app.api.inject({ method: 'POST', url: `/accounts/${accountId}/buckets`, headers: bearer(operator), payload: { name: `${slug}-b${b}` } });
      expect(bucket.statusCode, bucket.body).toBe(201);
    }
    accounts.push({ accountId, buckets: 2 });
  }
  await app.runner.catchUp();
});
afterAll(async () => app?.close());

/** Reads every account and its bucket list until told to stop; returns what was wrong. */
async function readWhile(done: () => boolean): Promise<{ reads: number; wrong: string[] }> {
  const wrong: string[] = [];
  let reads = 0;
  do {
    for (const { accountId, buckets } of accounts) {
      const account = await app.api.inject({ method: 'GET', url: `/accounts/${accountId}`, headers: bearer(operator) });
      if (account.statusCode !== 200) wrong.push(`GET account ${accountId}: ${account.statusCode}`);
      const list = await app.api.inject({ method: 'GET', url: `/accounts/${accountId}/buckets`, headers: bearer(operator) });
      const shown = list.statusCode === 200 ? list.json<{ items: unknown[] }>().items.length : -1;
      if (shown !== buckets) wrong.push(`GET buckets of ${accountId}: ${list.statusCode}, ${shown} of ${buckets}`);
      reads += 2;
    }
  } while (!done());
  return { reads, wrong };
}

const rowsOf = (table: 'accounts' | 'buckets') => app.infrastructure.readModels.selectFrom(table).selectAll().orderBy(table === 'accounts' ? 'account_id' : 'bucket_id').execute();

describe('rebuilds beside the live read model', () => {
  it('readers never miss a row while accounts and buckets are rebuilt, and the rows come back the same', async () => {
    const before = { accounts: await rowsOf('accounts'), buckets: await rowsOf('buckets') };
    let rebuilding = true;
    let batches = 0;
    const reading = readWhile(() => !rebuilding);
    await app.runner.rebuild('accounts', () => void batches++);
    await app.runner.rebuild('buckets', () => void batches++);
    rebuilding = false;
    const { reads, wrong } = await reading;
    expect(batches).toBeGreaterThan(10);
    expect(reads).toBeGreaterThan(24);
    expect(wrong).toEqual([]);
    expect(await rowsOf('accounts')).toEqual(before.accounts);
    expect(await rowsOf('buckets')).toEqual(before.buckets);
  });

  it('keeps the tables\' index names, so later migrations still find them', async () => {
    const indexes = async (table: string) =>
      (await sql<{ indexname: string }>`SELECT indexname FROM pg_indexes WHERE tablename = ${table} AND schemaname = current_schema() ORDER BY indexname`.execute(app.infrastructure.readModels)).rows.map(
        (r) => r.indexname,
      );
    // the audit log's five non-unique indexes are built after the replay, two at a time
    for (const [projection, table] of [['buckets', 'buckets'], ['audit-log', 'audit_log']] as const) {
      const before = await indexes(table);
      expect(before.length).toBeGreaterThan(projection === 'audit-log' ? 5 : 1);
      await app.runner.rebuild(projection);
      expect(await indexes(table)).toEqual(before);
    }
  });

  it('applies in the swap what the log gained after the replay read its last page', async () => {
    // The live runner is stopped: the bucket reaches the read model through the rebuild or not at all.
    const { accountId } = accounts[1]!;
    let bucketId: string | null = null;
    await app.runner.rebuild('buckets', async (applied, total) => {
      if (bucketId !== null || BigInt(applied) < total) return;
      const added = await app.api.inject({ method: 'POST', url: `/accounts/${accountId}/buckets`, headers: bearer(operator), payload: { name: 'shadow-during-swap' } });
      expect(added.statusCode, added.body).toBe(201);
      bucketId = added.json<{ bucketId: string }>().bucketId;
    });
    accounts[1]!.buckets++;
    expect(bucketId).not.toBeNull();
    expect(await app.infrastructure.readModels.selectFrom('buckets').select('bucket_id').where('bucket_id', '=', bucketId!).executeTakeFirst()).toEqual({ bucket_id: bucketId });
  });

  it('a rebuild that dies half-way leaves the live read model whole; the next one starts clean', async () => {
    const before = await rowsOf('accounts');
    const died = new Error('the rebuild process died');
    await expect(
      app.runner.rebuild('accounts', (applied) => {
        if (applied > 3) throw died;
      }),
    ).rejects.toBe(died);
    expect(await rowsOf('accounts')).toEqual(before);
    const { wrong } = await readWhile(() => true);
    expect(wrong).toEqual([]);
    const leftover = await sql<{ n: number }>`SELECT count(*)::int AS n FROM information_schema.schemata WHERE schema_name = ${shadowSchemaOf('accounts')}`.execute(app.infrastructure.readModels);
    expect(leftover.rows[0]!.n).toBe(1);

    await app.runner.rebuild('accounts');
    expect(await rowsOf('accounts')).toEqual(before);
    const gone = await sql<{ n: number }>`SELECT count(*)::int AS n FROM information_schema.schemata WHERE schema_name LIKE 'rebuild\\_%' OR schema_name LIKE 'retired\\_%'`.execute(app.infrastructure.readModels);
    expect(gone.rows[0]!.n).toBe(0);
  });

  it('a second rebuild of a read model while one runs is refused; the first completes', async () => {
    const before = await rowsOf('accounts');
    // The refusal is caught as it happens: the first rebuild is still running then, and a
    // rejection left unobserved until it ends would be reported as unhandled.
    let secondOutcome: Promise<unknown> | null = null;
    await app.runner.rebuild('accounts', () => {
      secondOutcome ??= app.runner.rebuild('accounts').then(() => 'completed', (refusal: unknown) => refusal);
    });
    expect(await secondOutcome).toMatchObject({ code: 'rebuild_running' });
    expect(await rowsOf('accounts')).toEqual(before);
  });

  it('the live runner goes on from where the rebuilt read model stands', async () => {
    app.runner.start();
    try {
      await app.runner.rebuild('buckets');
      const { accountId } = accounts[0]!;
      const added = await app.api.inject({ method: 'POST', url: `/accounts/${accountId}/buckets`, headers: bearer(operator), payload: { name: 'shadow-after-rebuild' } });
      expect(added.statusCode, added.body).toBe(201);
      accounts[0]!.buckets++;
      const { bucketId } = added.json<{ bucketId: string }>();
      for (let tries = 0; tries < 100; tries++) {
        const row = await app.infrastructure.readModels.selectFrom('buckets').select('bucket_id').where('bucket_id', '=', bucketId).executeTakeFirst();
        if (row) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(await app.infrastructure.readModels.selectFrom('buckets').select('bucket_id').where('bucket_id', '=', bucketId).executeTakeFirst()).toBeDefined();
      const [status] = (await app.runner.status()).filter((s) => s.projection === 'buckets');
      expect(status!.status).toBe('running');
    } finally {
      await app.runner.stop();
    }
  });

  it('a read model built by another version of its projection is rebuilt at upgrade; the others are left alone', async () => {
    await app.runner.catchUp();
    const { readModels, eventStore } = app.infrastructure;
    const before = await rowsOf('accounts');
    // Rows the version-1 code would not build again: a rebuild shows, leaving them shows too.
    await readModels.updateTable('accounts').set({ name: 'built by version 1' }).execute();
    await readModels.updateTable('buckets').set({ name: 'left alone' }).execute();
    const upgraded = new ProjectionRunner({ db: readModels, eventStore, projections: [{ ...app.runner.projection('accounts'), version: 2 }, app.runner.projection('buckets')], batchSize: 3 });
    const said: string[] = [];
    expect(await upgraded.upgrade((name, from, to) => said.push(`${name} ${from}->${to}`))).toEqual(['accounts']);
    expect(said).toEqual(['accounts 1->2']);
    expect(await rowsOf('accounts')).toEqual(before);
    expect(new Set((await rowsOf('buckets')).map((b) => b.name))).toEqual(new Set(['left alone']));
    const versions = await readModels.selectFrom('projection_checkpoints').select(['projection', 'version']).where('projection', 'in', ['accounts', 'buckets']).orderBy('projection').execute();
    expect(versions).toEqual([
      { projection: 'accounts', version: 2 },
      { projection: 'buckets', version: 1 },
    ]);
    expect(await upgraded.upgrade()).toEqual([]);
    await app.runner.rebuild('buckets');
  });
});
