import { IllegalStateError } from '../domain/errors.ts';
import type { EventStore, Position } from '../ports/event-store.ts';
import { eventTypeFilterOf, type Projection } from '../projections/projection.ts';
import type { ProjectionCheckpoint } from '../projections/checkpoint-queries.ts';

/** Beyond this many events behind, a read model is not waited for: the run is refused at once. */
const MAX_WAITED_LAG = 10_000n;
const PAGE = 1_000;

export interface ReadModelGuardDeps {
  eventStore: EventStore;
  /** the projection's checkpoint, as its runner keeps it */
  projectionCheckpoint(projection: string): Promise<ProjectionCheckpoint | undefined>;
}

/**
 * Scheduled work that reads a read model must not act on one that is failed or behind, or it
 * silently leaves out what the read model has not got. This waits until each projection has
 * applied every event of its types the log held when the call began, and refuses
 * (IllegalStateError `read_model_failed` or `read_model_behind`, naming the projection) when it
 * has failed, falls further behind than MAX_WAITED_LAG, or has not got there within `waitMs`.
 * It reads the checkpoints, not a runner, so it holds whichever process runs the projections.
 */
export async function awaitReadModels(deps: ReadModelGuardDeps, projections: readonly Projection[], options: { waitMs: number; pollMs?: number }): Promise<void> {
  const pollMs = options.pollMs ?? 100;
  // counted in polls, so no clock is read: the wait is a bound, not an instant anything compares
  let pollsLeft = Math.ceil(options.waitMs / pollMs);
  for (const projection of projections) {
    const start = await checkpointOf(deps, projection);
    const target = await lastPositionAfter(deps.eventStore, projection, start);
    if (target === null) continue;
    for (;;) {
      const { position } = await checkpointOf(deps, projection);
      if (position !== null && position >= target) break;
      if (pollsLeft-- <= 0) {
        throw new IllegalStateError(
          'read_model_behind',
          `the ${projection.name} read model has not reached the log position this run started at (${target}, it is at ${position ?? 'the beginning'}) within ${options.waitMs} ms; ` +
            'the run was not carried out. Is the projection runner running? See npm run ops -- status',
        );
      }
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }
}

async function checkpointOf(deps: ReadModelGuardDeps, projection: Projection): Promise<{ position: Position | null }> {
  const row = await deps.projectionCheckpoint(projection.name);
  if (row?.status === 'failed') {
    throw new IllegalStateError(
      'read_model_failed',
      `the ${projection.name} read model has failed (${row.error ?? 'no error recorded'}); the run was not carried out on it. Fix the cause and run npm run ops -- rebuild ${projection.name}`,
    );
  }
  return { position: row?.position ?? null };
}

/** The position of the last event of the projection's types after `from` (null: none, it is current). */
async function lastPositionAfter(eventStore: EventStore, projection: Projection, from: { position: Position | null }): Promise<Position | null> {
  const filter = eventTypeFilterOf(projection);
  // counted no further than the bound: a read model far behind is refused at the same cost as one just past it
  const lag = await eventStore.countAfter(from.position, filter, MAX_WAITED_LAG + 1n);
  if (lag === 0n) return null;
  if (lag > MAX_WAITED_LAG) {
    throw new IllegalStateError(
      'read_model_behind',
      `the ${projection.name} read model is ${lag} events behind the log (being rebuilt, or its runner stopped); the run was not carried out. See npm run ops -- status`,
    );
  }
  let last: Position | null = null;
  let cursor = from.position;
  for (;;) {
    const page = await eventStore.readAll({ fromPosition: cursor, maxCount: PAGE, filter });
    if (page.length === 0) break;
    last = page[page.length - 1]!.position;
    if (page.length < PAGE) break;
    cursor = last;
  }
  return last;
}
