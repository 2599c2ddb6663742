import type { Kysely } from 'kysely';
import type { Position } from '../ports/event-store.ts';
import type { ProjectionCheckpointTables } from './read-model-database.ts';

export interface ProjectionCheckpoint {
  position: Position | null;
  status: string;
  error: string | null;
}

/** Where a projection's runner has got to in the log, and whether it failed; undefined before its first run. */
export async function projectionCheckpoint(db: Kysely<ProjectionCheckpointTables>, projection: string): Promise<ProjectionCheckpoint | undefined> {
  return db.selectFrom('projection_checkpoints').select(['position', 'status', 'error']).where('projection', '=', projection).executeTakeFirst();
}
