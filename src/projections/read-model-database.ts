import type { Generated } from 'kysely';
import type { AccountsTable } from './accounts/accounts-table.ts';

export interface ProjectionCheckpointsTable {
  projection: string;
  position: string | null;
  events_applied: Generated<string>;
  status: Generated<'running' | 'failed'>;
  error: string | null;
  updated_at: Generated<Date>;
}

export interface IdempotencyKeysTable {
  principal: string;
  idempotency_key: string;
  request_fingerprint: string;
  status_code: number | null;
  response_body: unknown;
  created_at: Generated<Date>;
}

/** Every read-model table, as kysely sees them. */
export interface ReadModelDatabase {
  accounts: AccountsTable;
  projection_checkpoints: ProjectionCheckpointsTable;
  idempotency_keys: IdempotencyKeysTable;
}
