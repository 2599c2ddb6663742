import { Migrator, type Kysely, type MigrationProvider } from 'kysely';
import { readModelMigrations } from './migrations/index.ts';

/**
 * Brings the read-model schema up to date; kysely's migrator locks, so concurrent starts are safe.
 *
 * Unordered migrations are allowed because numbers are handed out in ranges to work that lands in
 * parallel (0110 can land after 0130): a database migrated in between must take the late, lower
 * number instead of refusing to start. Each migration touches only its own tables or columns, so
 * the order between ranges does not matter; within a range the numbers still run in order.
 */
export async function migrateReadModels(db: Kysely<any>, provider: MigrationProvider = readModelMigrations): Promise<string[]> {
  const migrator = new Migrator({ db, provider, allowUnorderedMigrations: true });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(`read-model migration ${failed?.migrationName ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
