import { Migrator, type Kysely } from 'kysely';
import { readModelMigrations } from './migrations/index.ts';

/** Brings the read-model schema up to date; kysely's migrator locks, so concurrent starts are safe. */
export async function migrateReadModels(db: Kysely<any>): Promise<string[]> {
  const migrator = new Migrator({ db, provider: readModelMigrations });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(`read-model migration ${failed?.migrationName ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
