import type { Transaction } from 'kysely';
import type { EventTypeFilter, RecordedEvent } from '../ports/event-store.ts';
import type { ReadModelDatabase } from './read-model-database.ts';

/** `DB`: the tables its transaction writes; read models by default, the reactors' intake writes jobs. */
export interface Projection<DB = ReadModelDatabase> {
  /** the checkpoint's name, and what `ops rebuild` is given */
  readonly name: string;
  /**
   * Event types this projection reads, or every type but some. The store filters by
   * them, so the checkpoint only ever stops at an event the projection handled.
   */
  readonly eventTypes: ReadonlySet<string> | { readonly except: ReadonlySet<string> };
  /** tables it owns and fills alone: built again on rebuild */
  readonly tables: readonly string[];
  /**
   * Raised when the rows it would build from the same log change (a new column filled, a
   * rule changed): a read model built with another version is rebuilt at start, beside the
   * live one (ProjectionRunner.upgrade). Absent: 1.
   */
  readonly version?: number;
  /** applies one event inside its batch's transaction; the runner calls it in log order */
  apply(trx: Transaction<DB>, event: RecordedEvent): Promise<void>;
  /**
   * Applies a whole batch (the events of its types, in log order) in one go, where
   * set-based SQL beats a round trip per event. When present the runner calls it instead
   * of `apply`; it must give the same rows as applying the events one by one.
   */
  applyBatch?(trx: Transaction<DB>, events: readonly RecordedEvent[]): Promise<void>;
}

export function eventTypeFilterOf(projection: Pick<Projection, 'eventTypes'>): EventTypeFilter {
  const { eventTypes } = projection;
  return 'except' in eventTypes ? { except: [...eventTypes.except] } : { only: [...eventTypes] };
}

/** Names the event a projection could not apply: what ops needs to find and fix it. */
export class ProjectionFailure extends Error {
  override readonly name = 'ProjectionFailure';
  constructor(
    readonly projection: string,
    readonly event: Pick<RecordedEvent, 'position' | 'streamName' | 'type' | 'eventId'>,
    override readonly cause: unknown,
    /** set when a whole batch failed at once: the last event of it (the first is `event`) */
    readonly lastEvent?: Pick<RecordedEvent, 'position'>,
  ) {
    super(
      `projection "${projection}" failed on ${lastEvent ? 'the batch from ' : ''}event ${event.eventId} at position ${event.position} ` +
        `(stream ${event.streamName}, type ${event.type})${lastEvent ? ` to position ${lastEvent.position}` : ''}: ${cause instanceof Error ? cause.message : String(cause)}`,
    );
  }
}
