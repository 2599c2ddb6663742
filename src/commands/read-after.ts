import { IllegalStateError } from '../domain/errors.ts';
import type { EventStore, Position } from '../ports/event-store.ts';
import type { ProjectionCheckpoint } from '../projections/checkpoint-queries.ts';
import { eventTypeFilterOf, type Projection } from '../projections/projection.ts';

export interface ReadAfterDeps {
  eventStore: EventStore;
  projections: readonly Pick<Projection, 'name' | 'eventTypes'>[];
  projectionCheckpoint(projection: string): Promise<ProjectionCheckpoint | undefined>;
  /** how long a read waits for its read models at most */
  waitMs: number;
  pollMs?: number;
}

/** Waits until the named read models (all when none are named) reflect the log up to `position`. */
export type ReadAfter = (position: Position, readModels?: readonly string[]) => Promise<void>;

/**
 * A read that follows a write (`?after=<event-position of the command>`) waits, bounded, until
 * each read model it names has applied every event of its types up to that position: its
 * checkpoint is there, or the first event of its types after its checkpoint lies beyond it.
 * Past the bound it is refused (409 `read_model_behind`), never answered from older rows.
 */
export function createReadAfter(deps: ReadAfterDeps): ReadAfter {
  const pollMs = deps.pollMs ?? 20;
  const filters = new Map(deps.projections.map((p) => [p.name, eventTypeFilterOf(p)]));
  const hasReached = async (name: string, position: Position): Promise<boolean> => {
    const filter = filters.get(name);
    if (!filter) throw new Error(`no read model named ${name}`);
    const checkpoint = await deps.projectionCheckpoint(name);
    if (checkpoint?.status === 'failed') {
      throw new IllegalStateError('read_model_failed', `the ${name} read model has failed (${checkpoint.error ?? 'no error recorded'}); it cannot reach position ${position}`);
    }
    const at = checkpoint?.position ?? null;
    if (at !== null && at >= position) return true;
    const [next] = await deps.eventStore.readAll({ fromPosition: at, maxCount: 1, filter });
    if (next !== undefined && next.position <= position) return false;
    // Nothing readable of its types up to the position; but an event committed behind an older
    // open transaction is not readable yet (it may be the command's own): wait until none is.
    return (await deps.eventStore.backlogAfter(at, filter)).heldBack === 0n;
  };
  return async (position, readModels) => {
    let waiting = readModels ? [...readModels] : deps.projections.map((p) => p.name);
    // counted in polls, so no clock is read: the wait is a bound, not an instant anything compares
    for (let pollsLeft = Math.ceil(deps.waitMs / pollMs); ; pollsLeft--) {
      const reached = await Promise.all(waiting.map((name) => hasReached(name, position)));
      waiting = waiting.filter((_, i) => !reached[i]);
      if (waiting.length === 0) return;
      if (pollsLeft <= 0) {
        throw new IllegalStateError(
          'read_model_behind',
          `the ${waiting.join(', ')} read model${waiting.length > 1 ? 's have' : ' has'} not reached position ${position} within ${deps.waitMs} ms; try again shortly`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  };
}
