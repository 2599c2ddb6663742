import type { Transaction } from 'kysely';
import type { RecordedEvent } from '../ports/event-store.ts';
import { ProjectionFailure, type Projection } from './projection.ts';
import { isTransientDatabaseError } from './transient-database-error.ts';

/**
 * Applies events of the projection's types inside the caller's transaction: as one batch
 * where the projection can, else one by one. A timeout, a deadlock or a lost connection says
 * nothing about the events and is thrown as it is (the batch is tried again); only the
 * projection's own error becomes a ProjectionFailure naming the event.
 */
export async function applyEvents<DB>(projection: Projection<DB>, trx: Transaction<DB>, events: readonly RecordedEvent[]): Promise<void> {
  if (events.length === 0) return;
  if (projection.applyBatch) {
    try {
      await projection.applyBatch(trx, events);
    } catch (cause) {
      if (isTransientDatabaseError(cause)) throw cause;
      throw new ProjectionFailure(projection.name, events[0]!, cause, events[events.length - 1]!);
    }
    return;
  }
  for (const event of events) {
    try {
      await projection.apply(trx, event);
    } catch (cause) {
      if (isTransientDatabaseError(cause)) throw cause;
      throw new ProjectionFailure(projection.name, event, cause);
    }
  }
}
