import { nameReservationDecider } from '../domain/name-reservation/name-reservation.ts';
import type { EventStore } from '../ports/event-store.ts';
import { handleCommand, type CommandContext } from './command-handler.ts';

/** e.g. reserveName(store, 'bucketname', 'my-bucket', bucketId, ctx); throws ConflictError 'name_taken'. */
export function reserveName(eventStore: EventStore, category: string, name: string, holderId: string, context: CommandContext) {
  return handleCommand(
    eventStore,
    nameReservationDecider,
    `${category}-${name}`,
    { type: 'ReserveName', data: { name, holderId, reservedAt: context.occurredAt } },
    context,
  );
}

export function releaseName(eventStore: EventStore, category: string, name: string, holderId: string, context: CommandContext) {
  return handleCommand(
    eventStore,
    nameReservationDecider,
    `${category}-${name}`,
    { type: 'ReleaseName', data: { name, holderId, releasedAt: context.occurredAt } },
    context,
  );
}
