import { randomUUID } from 'node:crypto';
import type { EventToAppend } from '../../src/ports/event-store.ts';

/** An event as a test appends it straight to the store: a fresh id, recorded by `test` at `occurredAt`. */
export function eventToAppend(type: string, data: unknown, occurredAt = '2026-07-01T12:00:00.000Z'): EventToAppend {
  return { eventId: randomUUID(), type, data, metadata: { actor: 'test', correlationId: 'c', causationId: 'c', occurredAt } };
}
