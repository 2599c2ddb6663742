import {
  ANY,
  BACKWARDS,
  END,
  FORWARDS,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  EventStoreDBClient,
  StreamNotFoundError,
  WrongExpectedVersionError,
  eventTypeFilter,
  jsonEvent,
  type AllStreamResolvedEvent,
  type AppendExpectedRevision,
  type JSONType,
  type Position as EsdbPosition,
  type ResolvedEvent,
} from '@eventstore/db-client';
import {
  ConcurrencyError,
  type AppendResult,
  type Backlog,
  type LogHorizon,
  type EventMetadata,
  type EventStore,
  type EventToAppend,
  type EventTypeFilter,
  type ExpectedRevision,
  matchesEventType,
  type Position,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type StreamAppend,
  type SubscribeOptions,
  checkAppends,
} from '../../ports/event-store.ts';

const DEFAULT_READ_COUNT = 1000;
const DEFAULT_MAX_BATCH = 500;
/** Events the server looks at per filtered page; a checkpoint comes after each such page. */
const SEARCH_WINDOW = 1000;
/** A filtered read that hears nothing at all (no event, no checkpoint) for this long has stalled. */
const FILTERED_READ_IDLE_MS = 30_000;
/** Driver reads carry no deadline at all, so ping needs its own. */
const PING_TIMEOUT_MS = 5000;
/** Any ordinary stream works: found or not, the server has answered. */
const PING_STREAM = 'eventstoredb-adapter-ping';
/** A uint64 has at most 20 decimal digits, so fixed width keeps text order equal to log order. */
const POSITION_DIGITS = 20;

export function encodeEsdbPosition(position: EsdbPosition): Position {
  if (position.commit < 0n || position.prepare < 0n) {
    throw new RangeError(`negative EventStoreDB position ${position.commit}/${position.prepare}`);
  }
  return `${position.commit.toString().padStart(POSITION_DIGITS, '0')}/${position.prepare.toString().padStart(POSITION_DIGITS, '0')}`;
}

export function decodeEsdbPosition(position: Position): EsdbPosition {
  const match = /^(\d{1,20})\/(\d{1,20})$/.exec(position);
  if (!match) throw new TypeError(`not an EventStoreDB event store position: ${JSON.stringify(position)}`);
  return { commit: BigInt(match[1]!), prepare: BigInt(match[2]!) };
}

function toDriverExpectedRevision(expected: ExpectedRevision): AppendExpectedRevision {
  switch (expected) {
    case 'any':
      return ANY;
    case 'no_stream':
      return NO_STREAM;
    case 'stream_exists':
      return STREAM_EXISTS;
    default:
      return expected;
  }
}

function actualRevisionOf(error: WrongExpectedVersionError): bigint | null | undefined {
  const actual: unknown = error.actualVersion;
  if (typeof actual === 'bigint') return actual;
  if (actual === NO_STREAM) return null;
  return undefined;
}

/** Only JSON events are ours; anything else (links, binary system records) is skipped. */
function toRecordedEvent(resolved: ResolvedEvent | AllStreamResolvedEvent): RecordedEvent | null {
  const event = resolved.event;
  if (!event || !event.isJson) return null;
  if (!event.position) {
    throw new Error(`EventStoreDB returned event ${event.id} without a log position; server 22.6 or later is required`);
  }
  return {
    eventId: event.id,
    type: event.type,
    streamName: event.streamId,
    streamRevision: event.revision,
    position: encodeEsdbPosition(event.position),
    data: event.data,
    metadata: event.metadata as unknown as EventMetadata,
  };
}

function isSystemEvent(event: RecordedEvent): boolean {
  return event.type.startsWith('$') || event.streamName.startsWith('$');
}

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\#\s]/g, '\\$&');

/**
 * The server-side event-type filter for the port's filter: an anchored regular expression, so
 * it matches exactly the listed types, and never a system event (types starting with `$`).
 */
export function eventTypeRegex(filter: EventTypeFilter | undefined): string {
  if (!filter) return '^[^$]';
  if ('only' in filter) return `^(?:${filter.only.map(escapeRegex).join('|')})$`;
  if (filter.except.length === 0) return '^[^$]';
  return `^(?!(?:${filter.except.map(escapeRegex).join('|')})$)[^$]`;
}

const nothingMatches = (filter: EventTypeFilter | undefined) => filter !== undefined && 'only' in filter && filter.only.length === 0;

async function drain<T>(read: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of read) items.push(item);
  return items;
}

export class EventStoreDbEventStore implements EventStore {
  readonly kind = 'eventstoredb' as const;

  constructor(private readonly client: EventStoreDBClient) {}

  static connect(connectionString: string): EventStoreDbEventStore {
    return new EventStoreDbEventStore(EventStoreDBClient.connectionString(connectionString));
  }

  async append(
    streamName: string,
    events: readonly EventToAppend[],
    options: { expectedRevision: ExpectedRevision },
  ): Promise<AppendResult> {
    if (events.length === 0) throw new TypeError('append needs at least one event');
    const { expectedRevision } = options;
    // EventStoreDB only de-duplicates ids on a best-effort basis, so the port's rule is enforced here.
    const stored = await this.storedEventIds(streamName);
    const fresh = events.filter((e) => !stored.ids.has(e.eventId.toLowerCase()));
    if (fresh.length === 0) return { nextRevision: stored.lastRevision, position: null, appended: 0 };

    let result;
    try {
      result = await this.client.appendToStream(
        streamName,
        fresh.map((e) => jsonEvent({ id: e.eventId, type: e.type, data: e.data as JSONType, metadata: e.metadata })),
        { expectedRevision: toDriverExpectedRevision(expectedRevision) },
      );
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) {
        // A retry racing its own first attempt loses the revision to it: when the winner
        // wrote exactly these ids, this append has landed and is the port's no-op.
        const now = await this.storedEventIds(streamName);
        if (fresh.every((e) => now.ids.has(e.eventId.toLowerCase()))) return { nextRevision: now.lastRevision, position: null, appended: 0 };
        throw new ConcurrencyError(streamName, expectedRevision, actualRevisionOf(error));
      }
      throw error;
    }
    // Only reachable when the client was built with throwOnAppendFailure: false.
    if (!result.success) {
      const actual = result.nextExpectedRevision < 0n ? null : result.nextExpectedRevision;
      throw new ConcurrencyError(streamName, expectedRevision, actual);
    }
    return {
      nextRevision: result.nextExpectedRevision,
      position: result.position ? encodeEsdbPosition(result.position) : null,
      appended: fresh.length,
    };
  }

  /**
   * EventStoreDB (through this driver) has no transaction across streams, so this is one
   * append after another, in the order given: when a stream's expectation fails, the streams
   * before it are already written. Retrying the whole call is safe (their ids are stored).
   */
  readonly atomicAppendMany = false;

  /**
   * EventStoreDB de-duplicates ids per stream only (and by itself only best-effort; append
   * enforces it in the stream). The same id appended to another stream is a second event there.
   * A global check would read the whole log on every append, so none is made: see
   * docs/event-store.md.
   */
  readonly eventIdsUniqueAcrossStreams = false;

  async appendMany(appends: readonly StreamAppend[]): Promise<AppendResult[]> {
    checkAppends(appends);
    const results: AppendResult[] = [];
    for (const append of appends) results.push(await this.append(append.streamName, append.events, { expectedRevision: append.expectedRevision }));
    return results;
  }

  async readStream(streamName: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    if (options.maxCount !== undefined && options.maxCount <= 0) return [];
    try {
      const resolved = await drain(
        this.client.readStream(streamName, {
          direction: options.direction === 'backwards' ? BACKWARDS : FORWARDS,
          fromRevision: options.fromRevision ?? (options.direction === 'backwards' ? END : START),
          maxCount: options.maxCount,
          resolveLinkTos: false,
        }),
      );
      return resolved.map(toRecordedEvent).filter((e): e is RecordedEvent => e !== null);
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
  }

  async readStreams(streamNames: readonly string[]): Promise<Map<string, RecordedEvent[]>> {
    // The gRPC API reads one stream per call; reading them side by side costs one round trip of wall time.
    const names = [...new Set(streamNames)];
    const streams = await Promise.all(names.map((name) => this.readStream(name)));
    return new Map(names.map((name, i) => [name, streams[i]!]));
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const maxCount = options.maxCount ?? DEFAULT_READ_COUNT;
    const events: RecordedEvent[] = [];
    await this.matchingAfter(options.fromPosition ?? null, options.filter, (event) => events.push(event) < maxCount);
    return events;
  }

  async *subscribeToAll(options: SubscribeOptions): AsyncGenerator<RecordedEvent[]> {
    const { signal } = options;
    const maxBatch = options.maxBatch ?? DEFAULT_MAX_BATCH;
    if (signal.aborted) return;
    let last = options.fromPosition ?? null;
    if (nothingMatches(options.filter)) {
      await new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));
      return;
    }
    const subscription = this.client.subscribeToAll({
      fromPosition: last === null ? START : decodeEsdbPosition(last),
      // on the server: only events of the filter's types cross the wire
      filter: eventTypeFilter({ regex: eventTypeRegex(options.filter), maxSearchWindow: SEARCH_WINDOW }),
      resolveLinkTos: false,
    });

    const buffer: RecordedEvent[] = [];
    // Written by stream callbacks, so kept in an object the loop re-reads rather than narrows.
    const state: { failure: { error: unknown } | null; ended: boolean } = { failure: null, ended: false };
    let wake: (() => void) | null = null;
    const notify = () => {
      const w = wake;
      wake = null;
      w?.();
    };

    subscription.on('data', (resolved: AllStreamResolvedEvent) => {
      // Anything after a failure would follow a gap.
      if (state.failure) return;
      let event: RecordedEvent | null;
      try {
        event = toRecordedEvent(resolved);
      } catch (error) {
        state.failure ??= { error };
        notify();
        return;
      }
      // The server's start is exclusive already; this also guards against a replayed event.
      if (!event || isSystemEvent(event) || (last !== null && event.position <= last)) return;
      last = event.position;
      // The server filtered already; checked again so the port's exact list holds whatever the regex engine.
      if (!matchesEventType(options.filter, event.type)) return;
      buffer.push(event);
      // Let gRPC flow control hold the server back while the consumer is behind.
      if (buffer.length >= maxBatch) subscription.pause();
      notify();
    });
    // Kept attached after we stop: a late error with no listener would crash the process.
    subscription.on('error', (error: Error) => {
      state.failure ??= { error };
      notify();
    });
    subscription.on('end', () => {
      state.ended = true;
      notify();
    });
    signal.addEventListener('abort', notify);

    try {
      for (;;) {
        if (signal.aborted) return;
        if (buffer.length > 0) {
          const batch = buffer.splice(0, maxBatch);
          if (buffer.length < maxBatch) subscription.resume();
          yield batch;
          continue;
        }
        if (state.failure) throw state.failure.error;
        if (state.ended) throw new Error('EventStoreDB ended the $all subscription before it was aborted');
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
    } finally {
      signal.removeEventListener('abort', notify);
      // Teardown only: a failure to cancel must not hide why the loop ended.
      await subscription.unsubscribe().catch(() => undefined);
    }
  }

  /**
   * EventStoreDB keeps no count of events by type after a position, so this is the filtered
   * read of matchingAfter, counted: the server reads the log from `fromPosition` and sends only
   * the events of the filter's types; nothing else crosses the wire or is paged through here.
   */
  async countAfter(fromPosition: Position | null, filter?: EventTypeFilter, atMost?: bigint): Promise<bigint> {
    let count = 0n;
    if (atMost !== undefined && atMost <= 0n) return count;
    // with atMost, the read stops at that many: "any?" costs one event, not the whole tail
    await this.matchingAfter(fromPosition, filter, () => ++count !== atMost);
    return count;
  }

  /** EventStoreDB shows a committed event to every reader at once: nothing is ever held back. */
  async backlogAfter(fromPosition: Position | null, filter?: EventTypeFilter): Promise<Backlog> {
    return { readable: await this.countAfter(fromPosition, filter), heldBack: 0n };
  }

  async horizon(): Promise<LogHorizon> {
    return { heldBack: 0n, heldBackForMs: null, holder: null };
  }

  async ping(): Promise<void> {
    const read = this.client.readStream(PING_STREAM, { maxCount: 1 });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`EventStoreDB did not answer within ${PING_TIMEOUT_MS} ms`)), PING_TIMEOUT_MS);
    });
    try {
      await Promise.race([drain(read), timeout]);
    } catch (error) {
      if (error instanceof StreamNotFoundError) return;
      await read.cancel().catch(() => undefined);
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    await this.client.dispose();
  }

  /** Ids are compared lower-cased because the server hands UUIDs back in its own casing. */
  private async storedEventIds(streamName: string): Promise<{ ids: Set<string>; lastRevision: bigint }> {
    const ids = new Set<string>();
    let lastRevision = -1n;
    try {
      for await (const resolved of this.client.readStream(streamName, { fromRevision: START, resolveLinkTos: false })) {
        if (!resolved.event) continue;
        ids.add(resolved.event.id.toLowerCase());
        lastRevision = resolved.event.revision;
      }
    } catch (error) {
      if (!(error instanceof StreamNotFoundError)) throw error;
    }
    return { ids, lastRevision };
  }

  /** The position of the log's last record (any stream, system ones too); null for an empty log. */
  private async lastPosition(): Promise<Position | null> {
    const [last] = await drain(this.client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1, resolveLinkTos: false }));
    const raw = last?.event ?? last?.link;
    return raw?.position ? encodeEsdbPosition(raw.position) : null;
  }

  /**
   * Hands `take` our events of the filter's types strictly after `after`, in log order, up to
   * the end of the log as it stood when the call began, until `take` answers false.
   *
   * The driver's readAll takes no filter (6.2.1 sends NoFilter on every read of $all), so this
   * is a catch-up subscription to $all with the filter on the server: the server reads the log
   * and sends only matching events, and a checkpoint after every SEARCH_WINDOW events it looked
   * at. It ends at an event or checkpoint at or past the log's last position read first, or at
   * the server's CaughtUp (servers 23.10 and later). Events reach `take` from the stream's
   * buffer, and a checkpoint or CaughtUp is only acted on once what came before it is taken.
   */
  private async matchingAfter(after: Position | null, filter: EventTypeFilter | undefined, take: (event: RecordedEvent) => boolean): Promise<void> {
    if (nothingMatches(filter)) return;
    const head = await this.lastPosition();
    if (head === null || (after !== null && after >= head)) return;
    const subscription = this.client.subscribeToAll({
      fromPosition: after === null ? START : decodeEsdbPosition(after),
      resolveLinkTos: false,
      filter: eventTypeFilter({
        regex: eventTypeRegex(filter),
        maxSearchWindow: SEARCH_WINDOW,
        checkpointInterval: 1,
        checkpointReached: (_subscription, position) => {
          if (encodeEsdbPosition(position) >= head) reachedEnd();
          else heard();
        },
      }),
    });
    let settled = false;
    let ended = false;
    let idle: NodeJS.Timeout | undefined;
    let finish: (error?: unknown) => void = () => undefined;
    const heard = () => {
      clearTimeout(idle);
      idle = setTimeout(
        () => finish(new Error(`EventStoreDB sent nothing for ${FILTERED_READ_IDLE_MS} ms while reading $all with a filter (no event, checkpoint or CaughtUp)`)),
        FILTERED_READ_IDLE_MS,
      );
    };
    const takeBuffered = () => {
      for (let resolved = subscription.read() as AllStreamResolvedEvent | null; !settled && resolved !== null; resolved = subscription.read() as AllStreamResolvedEvent | null) {
        heard();
        const event = toRecordedEvent(resolved);
        if (!event || isSystemEvent(event) || (after !== null && event.position <= after)) continue;
        if (event.position > head) return finish();
        if (matchesEventType(filter, event.type) && !take(event)) return finish();
        if (event.position === head) return finish();
      }
      if (ended) finish();
    };
    const drainBuffer = () => {
      try {
        takeBuffered();
      } catch (error) {
        finish(error);
      }
    };
    // what the stream had buffered before the end was announced is read first
    const reachedEnd = () => {
      ended = true;
      setImmediate(drainBuffer);
    };
    try {
      await new Promise<void>((resolve, reject) => {
        finish = (error?: unknown) => {
          if (settled) return;
          settled = true;
          if (error === undefined) resolve();
          else reject(error);
        };
        subscription.on('readable', drainBuffer);
        subscription.on('caughtUp', reachedEnd);
        // kept attached after we stop: a late error with no listener would crash the process
        subscription.on('error', (error: Error) => finish(error));
        subscription.on('end', () => {
          drainBuffer();
          finish(new Error('EventStoreDB ended a filtered read of $all before it reached the end of the log'));
        });
        heard();
      });
    } finally {
      clearTimeout(idle);
      subscription.off('readable', drainBuffer);
      await subscription.unsubscribe().catch(() => undefined);
    }
  }
}
