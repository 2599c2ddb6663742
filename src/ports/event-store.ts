/**
 * The event store port. Two adapters implement it (PostgreSQL, EventStoreDB) and both
 * pass the same contract suite in tests/event-store/contract.ts.
 *
 * Positions are opaque strings. Each adapter encodes them so that, within one store,
 * comparing two positions as text orders them as the store orders its log; callers
 * still never parse them or turn them into numbers.
 */

/** 0-based revision of the last event in the stream, or a named expectation. */
export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | bigint;

export type Position = string;

export interface EventMetadata {
  /** user id, api token id, or `system:<job>` */
  actor: string;
  correlationId: string;
  causationId: string;
  /** ISO-8601 instant taken from the command, never from the store's clock */
  occurredAt: string;
  ip?: string;
  /**
   * The version of the event data's shape, for types whose shape changed (1 when absent).
   * Written and read by the upcasting store (adapters/event-store/upcasting-event-store.ts).
   */
  schemaVersion?: number;
}

export interface EventToAppend {
  eventId: string;
  type: string;
  data: unknown;
  metadata: EventMetadata;
}

export interface RecordedEvent {
  eventId: string;
  type: string;
  streamName: string;
  streamRevision: bigint;
  position: Position;
  data: unknown;
  metadata: EventMetadata;
}

export interface AppendResult {
  /** revision of the stream's last event after the append */
  nextRevision: bigint;
  /** position of the last event written, or null when every event was already stored */
  position: Position | null;
  /** how many events were written; events whose id was already stored are not */
  appended: number;
}

/** One stream's part of a multi-stream append. */
export interface StreamAppend {
  streamName: string;
  events: readonly EventToAppend[];
  expectedRevision: ExpectedRevision;
}

/** The shape every adapter demands of an appendMany call, checked before anything is sent. */
export function checkAppends(appends: readonly StreamAppend[]): void {
  if (appends.length === 0) throw new TypeError('appendMany needs at least one stream');
  const seen = new Set<string>();
  for (const append of appends) {
    if (append.events.length === 0) throw new TypeError(`appendMany: stream ${append.streamName} has no events`);
    if (seen.has(append.streamName)) throw new TypeError(`appendMany: stream ${append.streamName} appears twice`);
    seen.add(append.streamName);
  }
}

export interface ReadStreamOptions {
  /** inclusive; absent: the stream's first event (forwards) or its last (backwards) */
  fromRevision?: bigint;
  maxCount?: number;
  /** 'backwards' returns the newest first: `{ direction: 'backwards', maxCount: 1 }` is the last event, whatever the stream's length */
  direction?: 'forwards' | 'backwards';
}

/**
 * Which event types a reader of the log wants. A reader that handles a handful of types
 * should not pull millions of usage samples through its process only to skip them.
 */
export type EventTypeFilter = { only: readonly string[] } | { except: readonly string[] };

export function matchesEventType(filter: EventTypeFilter | undefined, type: string): boolean {
  if (!filter) return true;
  return 'only' in filter ? filter.only.includes(type) : !filter.except.includes(type);
}

export interface ReadAllOptions {
  /** exclusive; absent means from the beginning of the log */
  fromPosition?: Position | null;
  maxCount?: number;
  /** absent: every event; maxCount counts matching events only */
  filter?: EventTypeFilter;
}

export interface SubscribeOptions {
  /** exclusive; absent means from the beginning of the log */
  fromPosition?: Position | null;
  /** upper bound on the size of one yielded batch */
  maxBatch?: number;
  /** absent: every event */
  filter?: EventTypeFilter;
  signal: AbortSignal;
}

export interface Backlog {
  readable: bigint;
  /** committed, but not visible to readers yet */
  heldBack: bigint;
}

/** A transaction still running that is older than events already written. */
export interface HorizonHolder {
  /** server process id (PostgreSQL), for pg_terminate_backend; null for a prepared (two-phase) transaction */
  pid: number | null;
  database: string | null;
  /** ISO-8601, by the database's clock; null when the store's role may not see it */
  transactionStartedAt: string | null;
  queryStartedAt: string | null;
  /** seconds since the transaction started, by the database's clock */
  ageSeconds: number | null;
  /** 'idle in transaction', 'active', 'prepared' (two-phase), … */
  state: string | null;
}

export interface LogHorizon {
  /** committed events no reader can see yet: a transaction older than them still runs */
  heldBack: bigint;
  /** how long the oldest of them has been written (ms, by the store's clock); null when none */
  heldBackForMs: number | null;
  /** the oldest transaction still running, when events are held back; null otherwise */
  holder: HorizonHolder | null;
}

export interface EventStore {
  readonly kind: 'postgres' | 'eventstoredb';
  /**
   * Appends atomically. Events whose id is already stored are dropped first; when none
   * remain the call succeeds without checking the expectation, so that retrying an append
   * that did land is harmless. Throws ConcurrencyError when the expectation fails.
   */
  append(streamName: string, events: readonly EventToAppend[], options: { expectedRevision: ExpectedRevision }): Promise<AppendResult>;
  /**
   * Appends to several streams, each under its own expectation and with the same id rule as
   * `append`; one result per stream, in the order given. Each stream appears at most once and
   * with at least one event. Atomic where the adapter says so (PostgreSQL: all or nothing, one
   * round trip); a ConcurrencyError names the stream whose expectation failed.
   */
  appendMany(appends: readonly StreamAppend[]): Promise<AppendResult[]>;
  /** Whether appendMany writes all of its streams or none (false: a failure may leave earlier streams written). */
  readonly atomicAppendMany: boolean;
  /**
   * Whether an event id is unique in the whole log (true: an id stored in one stream, appended
   * to another, is dropped there like any stored id), or only within its stream (false: the
   * other stream gets a second event with that id). Code that must not record one thing in two
   * streams cannot rest on event ids where this is false.
   */
  readonly eventIdsUniqueAcrossStreams: boolean;
  /** The stream's events in revision order (descending when read backwards); an empty array for a stream that does not exist. */
  readStream(streamName: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /**
   * Several whole streams at once, as `readStream` without options would give each: one entry
   * per distinct name, its events in revision order, an empty array for a stream that does not
   * exist. One round trip where the adapter can (PostgreSQL); a caller that needs many small
   * streams should not pay a round trip for each.
   */
  readStreams(streamNames: readonly string[]): Promise<Map<string, RecordedEvent[]>>;
  /** Committed events in log order after `fromPosition`. */
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  /** Catch-up from `fromPosition`, then live; ends when the signal aborts. Batches are never empty. */
  subscribeToAll(options: SubscribeOptions): AsyncIterable<RecordedEvent[]>;
  /**
   * Number of committed events after `fromPosition` that the filter lets through: what readAll
   * would return. With `atMost`, counting stops there (the answer is at most that): a caller
   * asking "any?" or "more than N?" should not pay for counting a long log.
   */
  countAfter(fromPosition: Position | null, filter?: EventTypeFilter, atMost?: bigint): Promise<bigint>;
  /**
   * The events after `fromPosition` a reader still owes, in one look: those it can read now,
   * and those committed but held back from every reader (see `horizon`). Lag is their sum.
   */
  backlogAfter(fromPosition: Position | null, filter?: EventTypeFilter): Promise<Backlog>;
  /** Whether readers see the whole written log, and if not, what holds them back. */
  horizon(): Promise<LogHorizon>;
  /** Cheap round trip that proves the store answers. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export class ConcurrencyError extends Error {
  override readonly name = 'ConcurrencyError';
  constructor(
    readonly streamName: string,
    readonly expectedRevision: ExpectedRevision,
    /** the stream's revision when the append was refused; null when it did not exist; undefined when the store does not say */
    readonly actualRevision: bigint | null | undefined,
  ) {
    super(
      `stream ${streamName}: expected revision ${String(expectedRevision)}, ` +
        `found ${actualRevision === undefined ? 'unknown' : actualRevision === null ? 'no stream' : String(actualRevision)}`,
    );
  }
}
