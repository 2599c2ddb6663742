import { sql, type Kysely, type Transaction } from 'kysely';
import pMap from 'p-map';
import { ConflictError } from '../domain/errors.ts';
import { matchesEventType, type EventStore, type EventTypeFilter, type Position, type RecordedEvent } from '../ports/event-store.ts';
import { applyEvents } from './apply-events.ts';
import type { Projection } from './projection.ts';

export interface ShadowRebuildDeps<DB> {
  db: Kysely<DB>;
  eventStore: EventStore;
  projection: Projection<DB>;
  filter: EventTypeFilter;
  batchSize: number;
  /** locks the live checkpoint row for the transaction (the live runner's batches wait on it) */
  lockCheckpoint(trx: Transaction<DB>, name: string): Promise<Position | null>;
  /** sets the live checkpoint to where the swapped-in read model stands */
  moveCheckpoint(trx: Transaction<DB>, name: string, position: Position | null, applied: number): Promise<void>;
  /** awaited: a rebuild goes on once it has returned */
  onProgress?: (applied: number) => unknown;
  /** the swap gave way to readers holding the live tables (lock_timeout) and will try again */
  onSwapDeferred?: (attempt: number) => void;
}

/**
 * How long the swap waits for the live tables' locks before it gives way (readers arriving
 * meanwhile queue behind it, so this is how long they may be held up), how long it then
 * leaves the readers alone, and how often it tries.
 */
export const SWAP_LOCK_TIMEOUT_MS = 1_000;
const SWAP_PAUSE_MS = 1_000;
const SWAP_ATTEMPTS = 60;

/** How many of a rebuilt table's non-unique indexes are built at once, after the replay. */
const INDEX_BUILDS_AT_ONCE = 2;

/** lock_not_available: a lock_timeout ran out */
const isLockTimeout = (error: unknown) => typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '55P03';

/** Where a projection's next tables are built: one schema per projection, so two rebuilds of different ones do not meet. */
export const shadowSchemaOf = (projection: string) => `rebuild_${projection.replace(/[^A-Za-z0-9]/g, '_').toLowerCase()}`;
const retiredSchemaOf = (projection: string) => `retired_${projection.replace(/[^A-Za-z0-9]/g, '_').toLowerCase()}`;

/**
 * Rebuilds a read model beside the live one, then swaps it in: readers see the old tables,
 * whole, until the new ones have caught up with the log, and then the new ones, whole.
 *
 * 1. The projection's tables are created again, empty, in a schema of their own, with the
 *    same columns, constraints and unique indexes (an upsert needs them). The other indexes
 *    are built after the replay, once, rather than kept up row by row.
 * 2. The log is replayed into them, each batch in a transaction whose search_path puts the
 *    shadow schema first: the projection's own code writes there without knowing it.
 * 3. One transaction locks the live checkpoint (the live runner waits), applies what the log
 *    gained meanwhile, moves the live tables out and the new ones in, and sets the
 *    checkpoint to where the new tables stand. The live runner then goes on from there.
 *
 * A rebuild that dies before step 3 leaves the live read model as it was; the next one
 * drops what it left and starts clean.
 */
export async function rebuildInShadow<DB>(deps: ShadowRebuildDeps<DB>): Promise<{ position: Position | null; applied: number }> {
  // One rebuild of a projection at a time, across processes (two would drop each other's
  // tables): a session lock on the one connection the whole rebuild runs on.
  return deps.db.connection().execute(async (connection) => {
    const lockKey = `rebuild:${deps.projection.name}`;
    const { rows } = await sql<{ locked: boolean }>`SELECT pg_try_advisory_lock(hashtext(${lockKey})) AS locked`.execute(connection);
    if (!rows[0]!.locked) throw new ConflictError('rebuild_running', `a rebuild of the ${deps.projection.name} read model is already running`);
    try {
      return await rebuildOn(connection, deps);
    } finally {
      // a session that died (the error being thrown) took its lock with it
      await sql`SELECT pg_advisory_unlock(hashtext(${lockKey}))`.execute(connection).catch(() => undefined);
    }
  });
}

async function rebuildOn<DB>(db: Kysely<DB>, deps: ShadowRebuildDeps<DB>): Promise<{ position: Position | null; applied: number }> {
  const { projection } = deps;
  const live = await currentSchema(db);
  const shadow = shadowSchemaOf(projection.name);
  const retired = retiredSchemaOf(projection.name);
  await sql`DROP SCHEMA IF EXISTS ${sql.id(shadow)} CASCADE`.execute(db);
  await sql`DROP SCHEMA IF EXISTS ${sql.id(retired)} CASCADE`.execute(db);
  await sql`CREATE SCHEMA ${sql.id(shadow)}`.execute(db);
  const laterIndexes: string[] = [];
  for (const table of projection.tables) laterIndexes.push(...(await copyTable(db, live, shadow, table)));

  let position: Position | null = null;
  let applied = 0;
  const readPage = (from: Position | null) => deps.eventStore.readAll({ fromPosition: from, maxCount: deps.batchSize, filter: deps.filter });
  /** Writes a page into the shadow tables in `trx`; the page's length. */
  const applyPage = async (trx: Transaction<DB>, batch: readonly RecordedEvent[]) => {
    await sql`SET LOCAL search_path TO ${sql.id(shadow)}, ${sql.id(live)}`.execute(trx);
    // The store filtered already; an adapter that could not is caught here, as in the live runner.
    await applyEvents(projection, trx, batch.filter((event) => matchesEventType(deps.filter, event.type)));
    const last = batch.at(-1);
    if (last) position = last.position;
    applied += batch.length;
    return batch.length;
  };
  // The next page is read while this one is written: the store and the read models are other
  // connections, so PostgreSQL reads and writes on both cores instead of taking turns.
  const readAhead = (from: Position | null) => {
    const page = readPage(from);
    page.catch(() => undefined); // awaited below; a page read ahead of a failed batch is never waited for
    return page;
  };
  let nextPage = readAhead(position);
  const replayBatch = async (trx: Transaction<DB>) => {
    // Nothing reads the shadow tables before the swap, and a rebuild that dies starts over from
    // an empty shadow: these batches need not wait for their WAL to reach the disk (the swap's
    // own commit, synchronous, flushes everything before it). A flush per batch of 500 was
    // most of what an audit-log rebuild waited for.
    await sql`SET LOCAL synchronous_commit = off`.execute(trx);
    const batch = await nextPage;
    const last = batch.at(-1);
    if (last) nextPage = readAhead(last.position);
    return applyPage(trx, batch);
  };
  while ((await db.transaction().execute(replayBatch)) > 0) await deps.onProgress?.(applied);
  // PostgreSQL builds each index on one core: two at a time, on connections of the pool (the
  // shadow tables are committed), instead of the audit log's five one after the other. With a
  // pool of two (the least DATABASE_POOL_SIZE allows) they take turns on the one this rebuild
  // does not hold.
  await pMap(laterIndexes, (statement) => sql.raw(statement).execute(deps.db), { concurrency: INDEX_BUILDS_AT_ONCE });
  for (const table of projection.tables) await sql`ANALYZE ${sql.id(shadow, table)}`.execute(db);

  // The swap takes exclusive locks on the live tables: behind a long read it would make every
  // reader queue behind it. It waits at most SWAP_LOCK_TIMEOUT, gives way, and tries again.
  for (let attempt = 1; ; attempt++) {
    const before: { position: Position | null; applied: number } = { position, applied };
    try {
      await db.transaction().execute(async (trx) => {
        await sql`SET LOCAL lock_timeout = ${sql.lit(`${SWAP_LOCK_TIMEOUT_MS}ms`)}`.execute(trx);
        await deps.lockCheckpoint(trx, projection.name);
        // read afresh under the checkpoint's lock: what the log gained since the last page
        while ((await applyPage(trx, await readPage(position))) > 0) await deps.onProgress?.(applied);
        await sql`SET LOCAL search_path TO ${sql.id(live)}`.execute(trx);
        await sql`CREATE SCHEMA ${sql.id(retired)}`.execute(trx);
        for (const table of projection.tables) {
          await copyGrants(trx, live, shadow, table);
          await sql`ALTER TABLE ${sql.id(live, table)} SET SCHEMA ${sql.id(retired)}`.execute(trx);
          await sql`ALTER TABLE ${sql.id(shadow, table)} SET SCHEMA ${sql.id(live)}`.execute(trx);
        }
        await deps.moveCheckpoint(trx, projection.name, position, applied);
      });
      break;
    } catch (error) {
      // the tail replayed in the rolled-back transaction is replayed again
      ({ position, applied } = before);
      if (!isLockTimeout(error) || attempt >= SWAP_ATTEMPTS) throw error;
      deps.onSwapDeferred?.(attempt);
      await new Promise((resolve) => setTimeout(resolve, SWAP_PAUSE_MS));
    }
  }
  await sql`DROP SCHEMA ${sql.id(retired)} CASCADE`.execute(db);
  await sql`DROP SCHEMA ${sql.id(shadow)} CASCADE`.execute(db);
  return { position, applied };
}

async function currentSchema<DB>(db: Kysely<DB>): Promise<string> {
  const { rows } = await sql<{ schema: string }>`SELECT current_schema() AS schema`.execute(db);
  return rows[0]!.schema;
}

/**
 * The table again in `shadow`, empty: columns, defaults and checks, then its primary key and
 * unique constraints and unique indexes under their own names (index names are per schema,
 * so the swapped-in table keeps the names migrations know). Returns the statements that
 * create its other indexes, to run after the replay.
 */
async function copyTable<DB>(db: Kysely<DB>, live: string, shadow: string, table: string): Promise<string[]> {
  await sql`CREATE TABLE ${sql.id(shadow, table)} (LIKE ${sql.id(live, table)} INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING GENERATED INCLUDING IDENTITY)`.execute(db);
  const { rows: named } = await sql<{ qualified: string }>`SELECT quote_ident(${live}) || '.' || quote_ident(${table}) AS qualified`.execute(db);
  const qualified = named[0]!.qualified;
  const { rows: constraints } = await sql<{ name: string; definition: string }>`
    SELECT conname AS name, pg_get_constraintdef(oid) AS definition FROM pg_constraint
     WHERE conrelid = ${qualified}::regclass AND contype IN ('p', 'u', 'x') ORDER BY conname`.execute(db);
  for (const c of constraints) await sql`ALTER TABLE ${sql.id(shadow, table)} ADD CONSTRAINT ${sql.id(c.name)} ${sql.raw(c.definition)}`.execute(db);
  const { rows: indexes } = await sql<{ definition: string; unique: boolean }>`
    SELECT pg_get_indexdef(i.indexrelid) AS definition, i.indisunique AS unique FROM pg_index i
     WHERE i.indrelid = ${qualified}::regclass AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
     ORDER BY i.indexrelid`.execute(db);
  const later: string[] = [];
  for (const index of indexes) {
    const onLive = ` ON ${qualified} `;
    if (!index.definition.includes(onLive)) throw new Error(`cannot copy an index of ${qualified}: ${index.definition}`);
    const statement = index.definition.replace(onLive, ` ON ${sqlName(shadow)}.${sqlName(table)} `);
    if (index.unique) await sql.raw(statement).execute(db);
    else later.push(statement);
  }
  return later;
}

/**
 * The live table's grants, given again on the shadow table before it takes the live one's
 * place (the table owner's own rights come with ownership). Read inside the swap, so a
 * grant given during the rebuild is kept too.
 */
async function copyGrants<DB>(db: Kysely<DB>, live: string, shadow: string, table: string): Promise<void> {
  const { rows } = await sql<{ privilege: string; grantee: string; grantable: boolean }>`
    SELECT a.privilege_type AS privilege, CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(r.rolname) END AS grantee, a.is_grantable AS grantable
      FROM pg_class c CROSS JOIN LATERAL aclexplode(c.relacl) a LEFT JOIN pg_roles r ON r.oid = a.grantee
     WHERE c.oid = (quote_ident(${live}) || '.' || quote_ident(${table}))::regclass AND a.grantee <> c.relowner
     ORDER BY 2, 1`.execute(db);
  for (const grant of rows) {
    await sql`GRANT ${sql.raw(grant.privilege)} ON ${sql.id(shadow, table)} TO ${sql.raw(grant.grantee)}${sql.raw(grant.grantable ? ' WITH GRANT OPTION' : '')}`.execute(db);
  }
}

/** A name in double quotes, as SQL text. */
const sqlName = (name: string) => `"${name.replace(/"/g, '""')}"`;
