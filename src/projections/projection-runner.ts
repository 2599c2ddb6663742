import { setMaxListeners } from 'node:events';
import { sql, type Kysely } from 'kysely';
import { matchesEventType, type EventStore, type EventTypeFilter, type Position, type RecordedEvent } from '../ports/event-store.ts';
import { ConflictError, NotFoundError } from '../domain/errors.ts';
import { eventTypeFilterOf, ProjectionFailure, type Projection } from './projection.ts';
import type { ProjectionCheckpointTables, ReadModelDatabase } from './read-model-database.ts';
import { soleLeases, type LeaseHandle, type Leases } from '../ports/leases.ts';
import { abortableSleep } from './abortable-sleep.ts';
import { applyEvents } from './apply-events.ts';
import { rebuildInShadow } from './shadow-rebuild.ts';
import { isTransientDatabaseError } from './transient-database-error.ts';

export interface ProjectionStatus {
  projection: string;
  position: Position | null;
  eventsApplied: bigint;
  status: 'running' | 'failed' | 'new';
  error: string | null;
  /** committed events of the projection's types after its checkpoint, including those held back */
  lag: bigint;
  /** of the lag, events written but not visible to any reader yet (an older transaction still runs) */
  heldBack: bigint;
}

export interface RunnerLogger {
  info(message: string): void;
  error(message: string): void;
}

/** `DB`: the tables the projections write, beside the checkpoints the runner keeps. */
export interface ProjectionRunnerOptions<DB extends ProjectionCheckpointTables = ReadModelDatabase> {
  db: Kysely<DB>;
  eventStore: EventStore;
  projections: readonly Projection<DB>[];
  batchSize?: number;
  logger?: RunnerLogger;
  /** the process's clock: stamps the checkpoint's updated_at */
  clock?: () => Date;
  /** one live runner per projection across processes (`projection:<name>`); default: this process alone */
  leases?: Leases;
  /** how often a rebuild is tried when PostgreSQL fails it in passing, and the first wait (doubled each time); default 5 tries, 1 s */
  rebuildRetry?: { attempts: number; baseDelayMs: number };
}

/** The lease a projection's live loop runs under. */
export const projectionLeaseOf = (projection: string) => `projection:${projection}`;

const RETRY_MIN_MS = 500;
const RETRY_MAX_MS = 30_000;
/** catchUp's wait for committed events an older transaction holds back: 20 ms polls, 10 s at most */
const HELD_BACK_POLL_MS = 20;
const HELD_BACK_WAIT_POLLS = 500;
/** how often a projection stopped by a failure looks whether a rebuild has put it right */
const FAILED_RECHECK_MS = 2_000;

/** Another process (a rebuild) moved the checkpoint under us: start again from where it now is. */
class CheckpointMoved extends Error {}

/**
 * The checkpoint table of a database that has it. Kysely's types cannot see that a generic
 * `Kysely<DB>` with `DB extends ProjectionCheckpointTables` has the table, so it is said once here.
 */
function checkpointsIn<DB extends ProjectionCheckpointTables>(db: Kysely<DB>): Kysely<ProjectionCheckpointTables> {
  return db as Kysely<ProjectionCheckpointTables>;
}

/**
 * Feeds each projection from its own checkpoint. A batch's read-model writes and the
 * checkpoint that covers them commit in one transaction, so a crash anywhere leaves the
 * read model exactly at its checkpoint: nothing applied twice, nothing skipped.
 *
 * The checkpoint row is locked and compared at the start of every batch. Two runners of
 * one projection (the service, and an ops rebuild) therefore never both apply a batch:
 * the second sees the moved checkpoint, rolls back and resumes from it.
 */
export class ProjectionRunner<DB extends ProjectionCheckpointTables = ReadModelDatabase> {
  private readonly db: Kysely<DB>;
  private readonly checkpoints: Kysely<ProjectionCheckpointTables>;
  private readonly eventStore: EventStore;
  private readonly projections: readonly Projection<DB>[];
  private readonly batchSize: number;
  private readonly logger: RunnerLogger;
  private readonly clock: () => Date;
  private readonly leases: Leases;
  private readonly rebuildRetry: { attempts: number; baseDelayMs: number };
  private held: LeaseHandle[] = [];
  /** each projection's event types as the store takes them, built once */
  private readonly filters = new Map<string, EventTypeFilter>();

  constructor(options: ProjectionRunnerOptions<DB>) {
    this.db = options.db;
    this.checkpoints = checkpointsIn(options.db);
    this.eventStore = options.eventStore;
    this.projections = options.projections;
    this.batchSize = options.batchSize ?? 500;
    this.logger = options.logger ?? { info: () => undefined, error: () => undefined };
    this.clock = options.clock ?? (() => new Date());
    this.leases = options.leases ?? soleLeases();
    this.rebuildRetry = options.rebuildRetry ?? { attempts: 5, baseDelayMs: 1_000 };
  }

  private filterOf(projection: Projection<DB>): EventTypeFilter {
    let filter = this.filters.get(projection.name);
    if (!filter) this.filters.set(projection.name, (filter = eventTypeFilterOf(projection)));
    return filter;
  }

  projection(name: string): Projection<DB> {
    const found = this.projections.find((p) => p.name === name);
    if (!found) {
      throw new NotFoundError('projection_not_found', `no projection named "${name}"; known: ${this.projections.map((p) => p.name).join(', ')}`);
    }
    return found;
  }

  /**
   * Runs every projection live until stop(), each while this process holds its lease; one
   * failing projection does not stop the others.
   */
  start(): void {
    if (this.held.length > 0) return;
    this.held = this.projections.map((projection) => this.leases.hold(projectionLeaseOf(projection.name), (signal) => this.follow(projection.name, signal)));
  }

  async stop(): Promise<void> {
    const held = this.held;
    this.held = [];
    await Promise.allSettled(held.map((lease) => lease.release()));
  }

  /** Runs one projection live until the signal aborts (what start() runs under each lease). */
  async follow(name: string, signal: AbortSignal): Promise<void> {
    setMaxListeners(20, signal);
    await this.runLive(this.projection(name), signal);
  }

  /**
   * Applies everything committed so far, then returns. Used by ops, and by tests that
   * need the read model to reflect what they just wrote. Transient database errors are
   * retried with the live loop's backoff (a rebuild of millions of events should not die
   * of one deadlock); the projection's own error, or any other, is thrown.
   *
   * Events already committed can be invisible to every reader for a while: an older
   * transaction still runs somewhere in the cluster (the store's horizon; in another
   * database too). "Everything committed" includes them, so an empty read with events held
   * back waits for the horizon to pass them, up to HELD_BACK_WAIT_POLLS polls; past that
   * (a stalled log, which `ops status` names) it returns with what it could read.
   */
  async catchUp(names?: readonly string[], onProgress?: (projection: string, applied: number) => void): Promise<void> {
    const selected = names ? names.map((n) => this.projection(n)) : this.projections;
    for (const projection of selected) {
      let applied = 0;
      let retryDelayMs = RETRY_MIN_MS;
      let heldBackPolls = 0;
      for (;;) {
        try {
          const checkpoint = await this.readCheckpoint(projection.name);
          const batch = await this.eventStore.readAll({ fromPosition: checkpoint, maxCount: this.batchSize, filter: this.filterOf(projection) });
          if (batch.length === 0) {
            const { readable, heldBack } = await this.eventStore.backlogAfter(checkpoint, this.filterOf(projection));
            // The horizon passed them between the read and this count: they are readable now.
            if (readable > 0n) continue;
            if (heldBack === 0n || ++heldBackPolls > HELD_BACK_WAIT_POLLS) break;
            await new Promise((resolve) => setTimeout(resolve, HELD_BACK_POLL_MS));
            continue;
          }
          await this.applyBatch(projection, checkpoint, batch);
          applied += batch.length;
          onProgress?.(projection.name, applied);
          retryDelayMs = RETRY_MIN_MS;
        } catch (error) {
          if (error instanceof CheckpointMoved) continue;
          if (!isTransientDatabaseError(error)) throw error;
          this.logger.error(`projection "${projection.name}" will retry in ${retryDelayMs} ms: ${error instanceof Error ? error.message : String(error)}`);
          await new Promise((resolve) => setTimeout(resolve, retryDelayMs));
          retryDelayMs = Math.min(retryDelayMs * 2, RETRY_MAX_MS);
        }
      }
    }
  }

  /**
   * Builds the read model again beside the live one and swaps it in when it has caught up
   * (see shadow-rebuild.ts): readers never see it empty or partial, and a rebuild that dies
   * half-way leaves the live one as it was.
   *
   * A rebuild that PostgreSQL fails in passing (a connection reset or a terminated backend, a
   * serialization failure, a lock timeout: isTransientDatabaseError) is started again, clean,
   * after a wait that doubles each time, up to `rebuildRetry.attempts` tries; each retry is
   * told to `onRetry` (and the logger) as one line. The last failure is thrown, the live read
   * model untouched: the swap is one transaction, so a failure anywhere leaves it as it was.
   */
  async rebuild(name: string, onProgress?: (applied: number, total: bigint) => unknown, onRetry?: (line: string) => void): Promise<void> {
    const projection = this.projection(name);
    const filter = this.filterOf(projection);
    const { attempts, baseDelayMs } = this.rebuildRetry;
    for (let attempt = 1; ; attempt++) {
      try {
        const total = await this.eventStore.countAfter(null, filter);
        await this.rebuildOnce(projection, filter, (applied) => onProgress?.(applied, total));
        return;
      } catch (error) {
        if (!isTransientDatabaseError(error) || attempt >= attempts) throw error;
        const delayMs = Math.min(baseDelayMs * 2 ** (attempt - 1), RETRY_MAX_MS);
        const line = `rebuild of ${name} failed in passing (${error instanceof Error ? error.message : String(error)}); the live read model is untouched; starting it again in ${delayMs} ms (try ${attempt + 1} of ${attempts})`;
        this.logger.error(line);
        onRetry?.(line);
        await new Promise((resolve) => setTimeout(resolve, delayMs));
      }
    }
  }

  private async rebuildOnce(projection: Projection<DB>, filter: EventTypeFilter, onProgress: (applied: number) => unknown): Promise<void> {
    const { name } = projection;
    await rebuildInShadow({
      db: this.db,
      eventStore: this.eventStore,
      projection,
      filter,
      batchSize: this.batchSize,
      lockCheckpoint: (trx, checkpoint) => this.lockCheckpoint(trx, checkpoint),
      moveCheckpoint: async (trx, checkpoint, position, applied) => {
        await checkpointsIn(trx)
          .updateTable('projection_checkpoints')
          .set({ position, events_applied: String(applied), status: 'running', error: null, updated_at: this.clock(), version: projection.version ?? 1 })
          .where('projection', '=', checkpoint)
          .execute();
      },
      onProgress,
      onSwapDeferred: (attempt) => this.logger.info(`rebuild of ${name}: the swap gave way to readers holding the live tables (try ${attempt}); trying again`),
    });
  }

  /**
   * Rebuilds, one after the other and beside the live ones, the read models built with
   * another version of their projection than the code's; returns their names. Called at
   * start; the live runner keeps serving the old rows until each swap.
   */
  async upgrade(onRebuilt?: (name: string, from: number, to: number) => void, onRetry?: (line: string) => void): Promise<string[]> {
    const rows = await this.checkpoints.selectFrom('projection_checkpoints').select(['projection', 'version']).execute();
    const rebuilt: string[] = [];
    for (const projection of this.projections) {
      const row = rows.find((r) => r.projection === projection.name);
      const to = projection.version ?? 1;
      // A read model never built is built by the live runner, already with this version.
      if (!row) continue;
      const from = row.version ?? 1;
      if (from === to) continue;
      try {
        await this.rebuild(projection.name, undefined, onRetry);
      } catch (error) {
        // Another process started with this version too and rebuilds it: one is enough.
        if (error instanceof ConflictError && error.code === 'rebuild_running') continue;
        throw error;
      }
      rebuilt.push(projection.name);
      onRebuilt?.(projection.name, from, to);
    }
    return rebuilt;
  }

  /**
   * Events of the projection's types it has not applied yet: those it can read and those
   * held back by an open transaction, as in status. A caller waiting for the read model to
   * be current (a reactor) must not take it for current while an event is still on its way.
   */
  async lagOf(name: string): Promise<bigint> {
    const projection = this.projection(name);
    const backlog = await this.eventStore.backlogAfter(await this.readCheckpoint(projection.name), this.filterOf(projection));
    return backlog.readable + backlog.heldBack;
  }

  async status(): Promise<ProjectionStatus[]> {
    const rows = await this.checkpoints.selectFrom('projection_checkpoints').selectAll().execute();
    return Promise.all(
      this.projections.map(async (projection) => {
        const row = rows.find((r) => r.projection === projection.name);
        const position = row?.position ?? null;
        const backlog = await this.eventStore.backlogAfter(position, this.filterOf(projection));
        return {
          projection: projection.name,
          position,
          eventsApplied: BigInt(row?.events_applied ?? '0'),
          status: row ? row.status : 'new',
          error: row?.error ?? null,
          lag: backlog.readable + backlog.heldBack,
          heldBack: backlog.heldBack,
        };
      }),
    );
  }

  private async runLive(projection: Projection<DB>, signal: AbortSignal): Promise<void> {
    let retryDelayMs = RETRY_MIN_MS;
    while (!signal.aborted) {
      try {
        const checkpoint = await this.readCheckpoint(projection.name);
        let expected = checkpoint;
        const filter = this.filterOf(projection);
        for await (const batch of this.eventStore.subscribeToAll({ fromPosition: checkpoint, maxBatch: this.batchSize, filter, signal })) {
          await this.applyBatch(projection, expected, batch);
          expected = batch[batch.length - 1]!.position;
          retryDelayMs = RETRY_MIN_MS;
        }
        return;
      } catch (error) {
        if (error instanceof CheckpointMoved) continue;
        if (signal.aborted) return;
        const message = error instanceof Error ? error.message : String(error);
        if (error instanceof ProjectionFailure) {
          // The event cannot be applied as the code stands: stop here, visibly, until a
          // rebuild (here or in another process) swaps in a read model past it, or someone
          // fixes the code and restarts. Going on would build a wrong read model.
          this.logger.error(message);
          await this.recordFailure(projection.name, message).catch((e: unknown) =>
            this.logger.error(`could not record the failure of projection "${projection.name}": ${String(e)}`),
          );
          await this.untilNoLongerFailed(projection.name, signal);
          continue;
        }
        // Anything else (a lost connection, a timeout, a deadlock, a restarting server) is
        // worth another try, and is never recorded as the projection's failure.
        this.logger.error(`projection "${projection.name}" will retry in ${retryDelayMs} ms: ${message}`);
        await abortableSleep(retryDelayMs, signal);
        retryDelayMs = Math.min(retryDelayMs * 2, RETRY_MAX_MS);
      }
    }
  }

  /** Waits until the checkpoint says running again (a rebuild's swap sets it), or the signal aborts. */
  private async untilNoLongerFailed(name: string, signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      await abortableSleep(FAILED_RECHECK_MS, signal);
      if (signal.aborted) return;
      const row = await this.checkpoints
        .selectFrom('projection_checkpoints')
        .select('status')
        .where('projection', '=', name)
        .executeTakeFirst()
        .catch(() => ({ status: 'failed' }));
      if (row?.status !== 'failed') {
        this.logger.info(`projection "${name}" runs again: its read model was rebuilt`);
        return;
      }
    }
  }

  private async applyBatch(projection: Projection<DB>, expected: Position | null, batch: readonly RecordedEvent[]): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const current = await this.lockCheckpoint(trx, projection.name);
      if (current !== expected) throw new CheckpointMoved();
      // The store filtered already; an adapter that could not is caught here.
      const filter = this.filterOf(projection);
      const handled = batch.filter((event) => matchesEventType(filter, event.type));
      await applyEvents(projection, trx, handled);
      const applied = handled.length;
      await checkpointsIn(trx)
        .updateTable('projection_checkpoints')
        .set({
          position: batch[batch.length - 1]!.position,
          events_applied: sql`events_applied + ${applied}`,
          status: 'running',
          error: null,
          updated_at: this.clock(),
        })
        .where('projection', '=', projection.name)
        .execute();
    });
  }

  private async readCheckpoint(name: string): Promise<Position | null> {
    const row = await this.checkpoints.selectFrom('projection_checkpoints').select('position').where('projection', '=', name).executeTakeFirst();
    return row?.position ?? null;
  }

  /** Creates the row on first use, then locks it for the rest of the transaction. */
  private async lockCheckpoint(trx: Kysely<DB>, name: string): Promise<Position | null> {
    const checkpoints = checkpointsIn(trx);
    // A read model built from the start is built by this version of its projection.
    const version = this.projections.find((p) => p.name === name)?.version ?? 1;
    await checkpoints.insertInto('projection_checkpoints').values({ projection: name, updated_at: this.clock(), version }).onConflict((oc) => oc.column('projection').doNothing()).execute();
    const row = await checkpoints.selectFrom('projection_checkpoints').select('position').where('projection', '=', name).forUpdate().executeTakeFirstOrThrow();
    return row.position;
  }

  private async recordFailure(name: string, message: string): Promise<void> {
    await this.checkpoints
      .insertInto('projection_checkpoints')
      .values({ projection: name, status: 'failed', error: message, updated_at: this.clock() })
      .onConflict((oc) => oc.column('projection').doUpdateSet({ status: 'failed', error: message, updated_at: this.clock() }))
      .execute();
  }
}
