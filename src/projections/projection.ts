import type { Transaction } from 'kysely';
import type { RecordedEvent } from '../ports/event-store.ts';
import type { ReadModelDatabase } from './read-model-database.ts';

export interface Projection {
  /** the checkpoint's name, and what `ops rebuild` is given */
  readonly name: string;
  /** event types this projection reads ('all': every one); others only move its checkpoint */
  readonly eventTypes: ReadonlySet<string> | 'all';
  /** tables it owns and fills alone: emptied on rebuild */
  readonly tables: readonly string[];
  /** applies one event inside its batch's transaction; the runner calls it in log order */
  apply(trx: Transaction<ReadModelDatabase>, event: RecordedEvent): Promise<void>;
}

/** Names the event a projection could not apply: what ops needs to find and fix it. */
export class ProjectionFailure extends Error {
  override readonly name = 'ProjectionFailure';
  constructor(
    readonly projection: string,
    readonly event: Pick<RecordedEvent, 'position' | 'streamName' | 'type' | 'eventId'>,
    override readonly cause: unknown,
  ) {
    super(
      `projection "${projection}" failed on event ${event.eventId} at position ${event.position} ` +
        `(stream ${event.streamName}, type ${event.type}): ${cause instanceof Error ? cause.message : String(cause)}`,
    );
  }
}
