import { afterAll, describe, it } from 'vitest';
import type { EventStore } from '../../src/ports/event-store.ts';
import { EventStoreDbEventStore } from '../../src/adapters/event-store/eventstoredb-event-store.ts';
import { eventStoreContract } from './contract.ts';

const connectionString = process.env.EVENTSTORE_CONNECTION_STRING;

if (connectionString) {
  let store: EventStore | undefined;
  const getStore = () => (store ??= EventStoreDbEventStore.connect(connectionString));
  afterAll(async () => {
    await store?.close();
  });
  eventStoreContract('EventStoreDB', getStore);
} else {
  const reason = 'EVENTSTORE_CONNECTION_STRING is not set, so there is no EventStoreDB server to run the contract suite against';
  console.warn(`[skipped] EventStoreDB event store contract: ${reason}`);
  describe('event store contract: EventStoreDB', () => {
    // Reported as skipped (not passed) so the totals show it did not run.
    it.skipIf(true)(`skipped: ${reason}`, () => undefined);
  });
}
