import type { UsageSampleKeysTable } from '../adapters/postgres/sample-key-claims.ts';
import type { ScheduleRunTables } from '../adapters/scheduler/schedule-runs.ts';
import type { IdempotencyTables } from '../api/idempotency-tables.ts';
import type { ReadModelDatabase } from '../projections/read-model-database.ts';
import type { CollectorRunTables } from '../projections/usage/collector-run-tables.ts';
import type { ReactorTables } from '../reactors/reactor-tables.ts';

/**
 * The process's whole PostgreSQL schema, as its one Kysely instance sees it: each module owns
 * its tables' types, and only here are they put together. Code elsewhere asks for the tables it uses.
 */
export interface LedgerDatabase extends ReadModelDatabase, ReactorTables, IdempotencyTables, CollectorRunTables, ScheduleRunTables {
  usage_sample_keys: UsageSampleKeysTable;
}
