import { randomUUID } from 'node:crypto';
import type { Decider, DomainEvent } from '../domain/decider.ts';
import { ConcurrencyError, type EventMetadata, type EventStore, type Position } from '../ports/event-store.ts';
import { StreamLocks } from './stream-locks.ts';

/** Who asked, and where the request came from; becomes every event's metadata. */
export interface CommandContext {
  /** user id, api token id, or `system:<job>` */
  actor: string;
  correlationId: string;
  /** the id of the request or event that caused this command */
  causationId: string;
  /** ISO-8601; the same instant the command carries */
  occurredAt: string;
  ip?: string;
  /** where a request's appends note their positions: its route answers the last as `event-position` */
  appended?: AppendedPositions;
}

/**
 * The log positions one request's appends reached, over every stream it wrote. A billing run
 * or a payment appends to several streams; the last position is the one a read that follows
 * the request (`?after=`) has to wait for.
 */
export class AppendedPositions {
  #last: Position | null = null;

  /** Positions compare as text (src/ports/event-store.ts); null (nothing written) changes nothing. */
  note(position: Position | null): void {
    if (position !== null && (this.#last === null || position > this.#last)) this.#last = position;
  }

  get last(): Position | null {
    return this.#last;
  }
}

/** The metadata every event a command records carries. */
export function metadataOf(context: CommandContext): EventMetadata {
  return {
    actor: context.actor,
    correlationId: context.correlationId,
    causationId: context.causationId,
    occurredAt: context.occurredAt,
    ...(context.ip ? { ip: context.ip } : {}),
  };
}

/**
 * A command retried after it was recorded appends nothing, yet a read that follows the retry
 * needs a position at or past what the first try recorded: the last event of each stream the
 * command writes (already in the log, so such a read waits for nothing that is not there).
 * One backwards read of one event per stream; nothing when no route asked for positions.
 */
export async function noteAlreadyRecorded(eventStore: EventStore, context: CommandContext, streamNames: readonly string[]): Promise<void> {
  if (!context.appended) return;
  for (const streamName of streamNames) {
    const [last] = await eventStore.readStream(streamName, { direction: 'backwards', maxCount: 1 });
    context.appended.note(last?.position ?? null);
  }
}

export interface CommandResult<Event, State> {
  /** the events this command recorded (empty when it changed nothing) */
  events: Event[];
  state: State;
  /** the state the recorded decision was taken on (after any retries): what the events changed */
  decidedOn: State;
  /** revision of the stream's last event, or null if the stream still does not exist */
  revision: bigint | null;
  /** position of the last recorded event, null when nothing was recorded */
  position: Position | null;
}

export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
}

const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 10 };

/**
 * Writers of one stream in this process take turns (StreamLocks), so they never conflict
 * with each other. A writer in another process getting there first costs one more round:
 * read only what it appended since the revision we knew, fold it on top of the state we
 * had, and decide again, after a jittered pause (outside the turn) so that the same writers
 * do not collide again in lockstep.
 */
export async function handleCommand<Command, Event extends DomainEvent, State>(
  eventStore: EventStore,
  decider: Decider<Command, Event, State>,
  streamName: string,
  command: Command,
  context: CommandContext,
  retry: RetryPolicy = DEFAULT_RETRY,
  /**
   * The stream as the caller read it a moment ago: the first decision is taken on it without
   * reading again. A decision to record nothing stands as of that read; one that records is
   * appended at its revision, so a stale read costs a conflict and a catch-up, nothing more.
   */
  read?: { state: State; revision: bigint | null },
): Promise<CommandResult<Event, State>> {
  const locks = streamLocksOf(eventStore);
  let known: { state: State; revision: bigint | null } | null = null;
  for (let attempt = 1; ; attempt++) {
    const release = await locks.acquire([streamName]);
    try {
      known = attempt === 1 && read ? read : known ? await catchUp(eventStore, decider, streamName, known) : await loadAggregate(eventStore, decider, streamName);
      const { state, revision } = known;
      const events = decider.decide(command, state);
      if (events.length === 0) return { events, state, decidedOn: state, revision, position: null };

      const metadata = metadataOf(context);
      const appended = await eventStore.append(
        streamName,
        events.map((event) => ({ eventId: randomUUID(), type: event.type, data: event.data, metadata })),
        { expectedRevision: revision ?? 'no_stream' },
      );
      context.appended?.note(appended.position);
      return { events, state: events.reduce(decider.evolve, state), decidedOn: state, revision: appended.nextRevision, position: appended.position };
    } catch (error) {
      if (!(error instanceof ConcurrencyError) || attempt >= retry.maxAttempts) throw error;
    } finally {
      release();
    }
    await sleep(Math.random() * retry.baseDelayMs * 2 ** attempt);
  }
}

const streamLocks = new WeakMap<EventStore, StreamLocks>();
const streamLocksOf = (eventStore: EventStore): StreamLocks => {
  let locks = streamLocks.get(eventStore);
  if (!locks) streamLocks.set(eventStore, (locks = new StreamLocks()));
  return locks;
};

/** The state and revision after what was appended since `known`: the tail only, never the whole stream again. */
async function catchUp<Command, Event extends DomainEvent, State>(
  eventStore: EventStore,
  decider: Decider<Command, Event, State>,
  streamName: string,
  known: { state: State; revision: bigint | null },
): Promise<{ state: State; revision: bigint | null }> {
  const tail = await eventStore.readStream(streamName, { fromRevision: known.revision === null ? 0n : known.revision + 1n });
  let { state, revision } = known;
  for (const event of tail) {
    state = decider.evolve(state, { type: event.type, data: event.data } as Event);
    revision = event.streamRevision;
  }
  return { state, revision };
}

export async function loadAggregate<Command, Event extends DomainEvent, State>(
  eventStore: EventStore,
  decider: Decider<Command, Event, State>,
  streamName: string,
): Promise<{ state: State; revision: bigint | null }> {
  const recorded = await eventStore.readStream(streamName);
  let state = decider.initialState();
  for (const event of recorded) state = decider.evolve(state, { type: event.type, data: event.data } as Event);
  const last = recorded[recorded.length - 1];
  return { state, revision: last ? last.streamRevision : null };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
