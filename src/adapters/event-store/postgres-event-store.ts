import pg from 'pg';
import {
  ConcurrencyError,
  type AppendResult,
  type Backlog,
  type LogHorizon,
  type EventMetadata,
  type EventStore,
  type EventTypeFilter,
  type EventToAppend,
  type ExpectedRevision,
  type Position,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type StreamAppend,
  type SubscribeOptions,
  checkAppends,
} from '../../ports/event-store.ts';
import { EVENT_STORE_SCHEMA_LOCK, eventStoreSchemaSql } from './postgres-schema.ts';

const DEFAULT_READ_COUNT = 1000;
/**
 * A notification only arrives when an append commits; an event can also become visible
 * because an unrelated older transaction ended, which sends nothing. This poll bounds how
 * long a subscriber can miss that.
 */
const LIVE_POLL_MS = 200;
/** A lost LISTEN connection is replaced at once, then after 100 ms, doubling up to 5 s while the server refuses. */
const RELISTEN_MIN_MS = 100;
const RELISTEN_MAX_MS = 5_000;

function decodePgPosition(position: Position): { transactionId: string; globalPosition: string } {
  const match = /^(\d{1,20})\/(\d{1,19})$/.exec(position);
  if (!match) throw new TypeError(`not a PostgreSQL event store position: ${JSON.stringify(position)}`);
  return { transactionId: BigInt(match[1]!).toString(), globalPosition: BigInt(match[2]!).toString() };
}

/** A row of EVENT_COLUMNS, read as an array: no object per row to build and throw away. */
type EventRow = [eventId: string, type: string, streamName: string, revision: string, position: string, data: unknown, metadata: EventMetadata];

function toRecordedEvent(row: EventRow): RecordedEvent {
  return { eventId: row[0], type: row[1], streamName: row[2], streamRevision: BigInt(row[3]), position: row[4], data: row[5], metadata: row[6] };
}

// Positions sort as text as the log does: fixed-width transaction id, then global position.
// The server builds them; building them in JavaScript, two padded strings per event, cost
// readAll a fifth of its speed.
// Output names differ from the columns on purpose: ORDER BY resolves a bare name to an
// output column first, and ordering by the text forms would sort '10' before '7'.
const EVENT_COLUMNS = `e.event_id, e.event_type, e.stream_name, e.stream_revision::text AS revision_text,
  lpad(e.transaction_id::text, 20, '0') || '/' || lpad(e.global_position::text, 19, '0') AS position_text, e.data, e.metadata`;

export class PostgresEventStore implements EventStore {
  readonly kind = 'postgres' as const;

  private readonly livePollMs: number;

  constructor(
    private readonly pool: pg.Pool,
    /** livePollMs: how long a live subscriber waits for a notification before it reads anyway */
    options: { livePollMs?: number } = {},
  ) {
    this.livePollMs = options.livePollMs ?? LIVE_POLL_MS;
  }

  /** Creates the tables and the append function if they are missing. */
  async migrate(): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1)', [EVENT_STORE_SCHEMA_LOCK]);
      await client.query(eventStoreSchemaSql);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  readonly atomicAppendMany = true;
  /** es_events_event_id_unique: one id, one event, in the whole log */
  readonly eventIdsUniqueAcrossStreams = true;

  async append(
    streamName: string,
    events: readonly EventToAppend[],
    options: { expectedRevision: ExpectedRevision },
  ): Promise<AppendResult> {
    if (events.length === 0) throw new TypeError('append needs at least one event');
    const [result] = await this.appendMany([{ streamName, events, expectedRevision: options.expectedRevision }]);
    return result!;
  }

  async appendMany(appends: readonly StreamAppend[]): Promise<AppendResult[]> {
    checkAppends(appends);
    const eventStream: number[] = [];
    const ids: string[] = [];
    const types: string[] = [];
    const documents: unknown[] = [];
    // A command's events share one metadata object: sent and parsed once, not once per event.
    const metadataNumber = new Map<EventMetadata, number>();
    const metadata: string[] = [];
    const eventMetadata: number[] = [];
    appends.forEach((append, index) => {
      for (const e of append.events) {
        eventStream.push(index + 1);
        ids.push(e.eventId);
        types.push(e.type);
        documents.push(e.data);
        let number = metadataNumber.get(e.metadata);
        if (number === undefined) {
          metadata.push(JSON.stringify(e.metadata));
          metadataNumber.set(e.metadata, (number = metadata.length));
        }
        eventMetadata.push(number);
      }
    });
    const parameters = [
      appends.map((a) => a.streamName),
      appends.map((a) => (typeof a.expectedRevision === 'bigint' ? a.expectedRevision.toString() : a.expectedRevision)),
      // Per-event arrays as ready array literals: the driver's own encoding of a 1,000-element
      // array was a tenth of what an ingestion batch allocated.
      `{${eventStream.join(',')}}`,
      arrayLiteral(ids),
      arrayLiteral(types),
      // one JSON text, not an array literal: nothing to escape per document, and one
      // stringify of the whole array rather than a text per document joined afterwards
      JSON.stringify(documents),
      metadata,
      `{${eventMetadata.join(',')}}`,
    ];
    for (let attempt = 1; ; attempt++) {
      try {
        const { rows } = await this.pool.query<{ next_revision: string; last_position: string | null; appended: number }>(
          `SELECT next_revision::text, last_position, appended
             FROM es_append_many($1::text[], $2::text[], $3::integer[], $4::uuid[], $5::text[], $6::json, $7::jsonb[], $8::integer[])`,
          parameters,
        );
        return rows.map((row) => ({ nextRevision: BigInt(row.next_revision), position: row.last_position, appended: row.appended }));
      } catch (error) {
        if (isPgError(error) && error.code === 'ES409') {
          const append = appends[Number(error.hint) - 1]!;
          throw new ConcurrencyError(append.streamName, append.expectedRevision, error.detail ? BigInt(error.detail) : null);
        }
        // Two new streams written at once with the same event id: the loser sees the
        // unique index; tried again, the id is found and dropped like any re-append.
        if (isPgError(error) && error.code === '23505' && error.constraint === 'es_events_event_id_unique' && attempt < 5) continue;
        throw error;
      }
    }
  }

  async readStream(streamName: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    // Backwards walks the (stream_name, stream_revision) index from the top: the last event costs the same in any stream.
    const backwards = options.direction === 'backwards';
    const { rows } = await this.pool.query<EventRow>({
      rowMode: 'array',
      text: backwards
        ? `SELECT ${EVENT_COLUMNS} FROM es_events e
            WHERE e.stream_name = $1 AND ($2::bigint IS NULL OR e.stream_revision <= $2::bigint)
            ORDER BY e.stream_revision DESC LIMIT $3`
        : `SELECT ${EVENT_COLUMNS} FROM es_events e
            WHERE e.stream_name = $1 AND e.stream_revision >= $2
            ORDER BY e.stream_revision LIMIT $3`,
      values: [streamName, backwards ? (options.fromRevision?.toString() ?? null) : (options.fromRevision ?? 0n).toString(), options.maxCount ?? null],
    });
    return rows.map(toRecordedEvent);
  }

  async readStreams(streamNames: readonly string[]): Promise<Map<string, RecordedEvent[]>> {
    const byStream = new Map<string, RecordedEvent[]>();
    for (const name of streamNames) byStream.set(name, []);
    if (byStream.size === 0) return byStream;
    // Same rows and visibility as readStream (every committed event of the stream), in one statement.
    // Each name walks the (stream_name, stream_revision) index on its own: with `= ANY(...)` the
    // planner chose a parallel scan of the whole table, slower than reading the streams one by one.
    const { rows } = await this.pool.query<EventRow>({
      rowMode: 'array',
      text: `SELECT ${EVENT_COLUMNS} FROM unnest($1::text[]) AS wanted(name)
        CROSS JOIN LATERAL (SELECT * FROM es_events WHERE es_events.stream_name = wanted.name ORDER BY es_events.stream_revision) e
        ORDER BY e.stream_name, e.stream_revision`,
      values: [[...byStream.keys()]],
    });
    for (const row of rows) byStream.get(row[2])!.push(toRecordedEvent(row));
    return byStream;
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const after = options.fromPosition ? decodePgPosition(options.fromPosition) : { transactionId: '0', globalPosition: '0' };
    const limit = options.maxCount ?? DEFAULT_READ_COUNT;
    const filter = options.filter;
    if (filter && 'only' in filter) {
      // es_read_types (postgres-schema.ts) keeps a page's cost to the page, whatever the planner's statistics say.
      const { rows } = await this.pool.query<EventRow>({
        rowMode: 'array',
        text: `SELECT ${EVENT_COLUMNS} FROM es_read_types($1::xid8, $2::bigint, $3::integer, $4::text[]) e`,
        values: [after.transactionId, after.globalPosition, limit, [...new Set(filter.only)]],
      });
      return rows.map(toRecordedEvent);
    }
    const typeFilter = typeFilterSql(filter, 4);
    const { rows } = await this.pool.query<EventRow>({
      rowMode: 'array',
      text: `SELECT ${EVENT_COLUMNS} FROM es_events e
        WHERE (e.transaction_id, e.global_position) > ($1::xid8, $2::bigint)
          AND e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
          ${typeFilter.condition}
        ORDER BY e.transaction_id, e.global_position
        LIMIT $3`,
      values: [after.transactionId, after.globalPosition, limit, ...typeFilter.parameters],
    });
    return rows.map(toRecordedEvent);
  }

  async *subscribeToAll(options: SubscribeOptions): AsyncIterable<RecordedEvent[]> {
    const { signal } = options;
    const maxBatch = options.maxBatch ?? DEFAULT_READ_COUNT;
    let position = options.fromPosition ?? null;
    const wakeUp = await this.listenForAppends(signal);
    try {
      while (!signal.aborted) {
        const batch = await this.readAll({ fromPosition: position, maxCount: maxBatch, filter: options.filter });
        if (batch.length > 0) {
          position = batch[batch.length - 1]!.position;
          yield batch;
          continue;
        }
        await wakeUp.next(this.livePollMs);
      }
    } finally {
      await wakeUp.stop();
    }
  }

  async countAfter(fromPosition: Position | null, filter?: EventTypeFilter, atMost?: bigint): Promise<bigint> {
    const after = fromPosition ? decodePgPosition(fromPosition) : { transactionId: '0', globalPosition: '0' };
    const typeFilter = typeFilterSql(filter, 4);
    const { rows } = await this.pool.query<{ count: string }>(
      `SELECT count(*)::text AS count FROM (
         SELECT 1 FROM es_events e
          WHERE (e.transaction_id, e.global_position) > ($1::xid8, $2::bigint)
            AND e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
            ${typeFilter.condition}
          LIMIT $3::bigint) counted`,
      [after.transactionId, after.globalPosition, atMost === undefined ? null : atMost.toString(), ...typeFilter.parameters],
    );
    return BigInt(rows[0]!.count);
  }

  async backlogAfter(fromPosition: Position | null, filter?: EventTypeFilter): Promise<Backlog> {
    const after = fromPosition ? decodePgPosition(fromPosition) : { transactionId: '0', globalPosition: '0' };
    const typeFilter = typeFilterSql(filter, 3);
    // One statement, one snapshot: an event counts once, as readable or as held back.
    const { rows } = await this.pool.query<{ readable: string; held_back: string }>(
      `SELECT count(*) FILTER (WHERE e.transaction_id < h.horizon)::text AS readable,
              count(*) FILTER (WHERE e.transaction_id >= h.horizon)::text AS held_back
         FROM (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS horizon) h, es_events e
        WHERE (e.transaction_id, e.global_position) > ($1::xid8, $2::bigint)
          ${typeFilter.condition}`,
      [after.transactionId, after.globalPosition, ...typeFilter.parameters],
    );
    return { readable: BigInt(rows[0]!.readable), heldBack: BigInt(rows[0]!.held_back) };
  }

  /**
   * Readers see rows of transactions older than every transaction still running in the
   * cluster (any database: transaction ids are the cluster's). The oldest one running is
   * therefore what holds them back. Its details need the pg_read_all_stats role when it
   * belongs to another role; without it, it is not named.
   */
  async horizon(): Promise<LogHorizon> {
    const { rows } = await this.pool.query<{ held_back: string; held_ms: number | null }>(
      `SELECT count(*)::text AS held_back,
              (extract(epoch FROM clock_timestamp() - min(e.recorded_at)) * 1000)::float8 AS held_ms
         FROM (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS horizon) h, es_events e
        WHERE e.transaction_id >= h.horizon`,
    );
    const heldBack = BigInt(rows[0]!.held_back);
    if (heldBack === 0n) return { heldBack, heldBackForMs: null, holder: null };
    const holders = await this.pool.query<{
      pid: number | null;
      database: string | null;
      xact_start: Date | null;
      query_start: Date | null;
      age_seconds: number | null;
      state: string | null;
    }>(
      `SELECT pid, database, xact_start, query_start, age_seconds, state FROM (
         SELECT a.pid, a.datname::text AS database, a.xact_start, a.query_start, a.state,
                extract(epoch FROM clock_timestamp() - a.xact_start)::float8 AS age_seconds,
                age(a.backend_xid) AS xid_age
           FROM pg_stat_activity a
          WHERE a.backend_xid IS NOT NULL AND a.pid <> pg_backend_pid()
         UNION ALL
         SELECT NULL, p.database::text, p.prepared, NULL, 'prepared',
                extract(epoch FROM clock_timestamp() - p.prepared)::float8, age(p.transaction)
           FROM pg_prepared_xacts p
       ) running
       ORDER BY xid_age DESC LIMIT 1`,
    );
    const holder = holders.rows[0];
    return {
      heldBack,
      heldBackForMs: rows[0]!.held_ms,
      holder: holder
        ? {
            pid: holder.pid,
            database: holder.database,
            transactionStartedAt: holder.xact_start?.toISOString() ?? null,
            queryStartedAt: holder.query_start?.toISOString() ?? null,
            ageSeconds: holder.age_seconds,
            state: holder.state,
          }
        : null,
    };
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1 FROM es_streams LIMIT 1');
  }

  async close(): Promise<void> {
    // The pool belongs to the composition root, which closes it.
  }

  /**
   * One connection LISTENs for appends on behalf of every subscription of this store (a
   * connection each would take the pool: twenty subscribers, twenty connections).
   * `next(ms)` resolves on the first notification, after `ms`, or when the signal aborts,
   * whichever comes first.
   */
  private async listenForAppends(signal: AbortSignal) {
    let pending = false;
    let wake: (() => void) | null = null;
    const onNotification = () => {
      pending = true;
      wake?.();
    };
    const onAbort = () => wake?.();
    signal.addEventListener('abort', onAbort);
    // Joined before the first await: a subscriber arriving while the last one leaves keeps
    // the connection, or gets a fresh one; it never joins one being given back.
    const ready = this.joinListener(onNotification);
    try {
      await ready;
    } catch (error) {
      signal.removeEventListener('abort', onAbort);
      await this.leaveListener(onNotification);
      throw error;
    }
    return {
      next: (ms: number) =>
        new Promise<void>((resolve) => {
          if (pending || signal.aborted) {
            pending = false;
            resolve();
            return;
          }
          const timer = setTimeout(done, ms);
          function done() {
            clearTimeout(timer);
            wake = null;
            pending = false;
            resolve();
          }
          wake = done;
        }),
      stop: async () => {
        signal.removeEventListener('abort', onAbort);
        await this.leaveListener(onNotification);
      },
    };
  }

  /** every live subscriber's wake-up: they belong to the store, not to one connection */
  private readonly listeners = new Set<() => void>();
  private listenConnection: ListenConnection | null = null;
  private relistenTimer: NodeJS.Timeout | null = null;
  private relistenAttempts = 0;

  private joinListener(wakeUp: () => void): Promise<void> {
    this.listeners.add(wakeUp);
    if (this.relistenTimer) {
      // Between a lost connection and its replacement: the subscriber polls meanwhile.
      return Promise.resolve();
    }
    this.listenConnection ??= this.openListenConnection();
    return this.listenConnection.ready;
  }

  private async leaveListener(wakeUp: () => void): Promise<void> {
    this.listeners.delete(wakeUp);
    if (this.listeners.size > 0) return;
    if (this.relistenTimer) clearTimeout(this.relistenTimer);
    this.relistenTimer = null;
    this.relistenAttempts = 0;
    const connection = this.listenConnection;
    this.listenConnection = null;
    if (connection) await this.giveBack(connection);
  }

  private wakeAll(): void {
    for (const wakeUp of this.listeners) wakeUp();
  }

  private openListenConnection(): ListenConnection {
    const connection: ListenConnection = {
      client: null,
      done: false,
      ready: Promise.resolve(),
      onNotification: () => this.wakeAll(),
      onLost: (error: Error) => this.replaceListenConnection(connection, error),
      onEnded: () => this.replaceListenConnection(connection, new Error('LISTEN connection ended')),
    };
    connection.ready = (async () => {
      const client = await this.pool.connect();
      connection.client = client;
      client.on('notification', connection.onNotification);
      client.on('error', connection.onLost);
      client.on('end', connection.onEnded);
      if (connection.done) throw new Error('LISTEN connection given back before it was ready');
      await client.query('LISTEN es_events');
    })();
    connection.ready.then(
      () => {
        this.relistenAttempts = 0;
        // Notifications sent while no connection listened are lost: everyone reads again.
        this.wakeAll();
      },
      (error: unknown) => connection.onLost(error instanceof Error ? error : new Error(String(error))),
    );
    return connection;
  }

  /**
   * A lost LISTEN connection (terminated backend, server restart, network) goes back to
   * the pool, which discards it, and a new one takes its place for the same subscribers.
   * Until it listens they wait at most the poll interval; when it does, they all read again.
   */
  private replaceListenConnection(connection: ListenConnection, error: Error): void {
    if (connection.done) return;
    connection.done = true;
    this.detach(connection);
    connection.client?.release(error);
    if (this.listenConnection !== connection) return;
    this.listenConnection = null;
    if (this.listeners.size === 0) return;
    this.wakeAll();
    const delayMs = Math.min(RELISTEN_MAX_MS, this.relistenAttempts === 0 ? 0 : RELISTEN_MIN_MS * 2 ** (this.relistenAttempts - 1));
    this.relistenAttempts++;
    this.relistenTimer = setTimeout(() => {
      this.relistenTimer = null;
      if (this.listeners.size > 0 && !this.listenConnection) this.listenConnection = this.openListenConnection();
    }, delayMs);
  }

  private async giveBack(connection: ListenConnection): Promise<void> {
    if (connection.done) return;
    connection.done = true;
    await connection.ready.catch(() => undefined);
    const client = connection.client;
    if (!client) return;
    client.off('notification', connection.onNotification);
    try {
      await client.query('UNLISTEN es_events');
      this.detach(connection);
      client.release();
    } catch (error) {
      this.detach(connection);
      client.release(error as Error);
    }
  }

  private detach(connection: ListenConnection): void {
    const client = connection.client;
    if (!client) return;
    client.off('notification', connection.onNotification);
    client.off('error', connection.onLost);
    client.off('end', connection.onEnded);
  }
}

/** The filter as a WHERE condition on `e.event_type`, its types passed as parameter `$index`. */
function typeFilterSql(filter: EventTypeFilter | undefined, index: number): { condition: string; parameters: unknown[] } {
  if (!filter) return { condition: '', parameters: [] };
  return 'only' in filter
    ? { condition: `AND e.event_type = ANY($${index}::text[])`, parameters: [filter.only] }
    : { condition: `AND e.event_type <> ALL($${index}::text[])`, parameters: [filter.except] };
}

interface ListenConnection {
  client: pg.PoolClient | null;
  /** lost or given back: no longer the store's */
  done: boolean;
  ready: Promise<void>;
  onNotification: () => void;
  onLost: (error: Error) => void;
  onEnded: () => void;
}

interface PgError extends Error {
  code: string;
  detail?: string;
  hint?: string;
  constraint?: string;
}

function isPgError(error: unknown): error is PgError {
  return error instanceof Error && typeof (error as { code?: unknown }).code === 'string';
}

const BARE_ELEMENT = /^[A-Za-z0-9_.:-]+$/;

/** A PostgreSQL array literal of texts; an element is quoted only when it has to be. */
export function arrayLiteral(values: readonly string[]): string {
  const elements = values.map((v) => (BARE_ELEMENT.test(v) && !/^null$/i.test(v) ? v : `"${v.replace(/[\\"]/g, '\\$&')}"`));
  return `{${elements.join(',')}}`;
}
