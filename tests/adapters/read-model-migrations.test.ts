import type { Migration, MigrationProvider } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKysely, createPool } from '../../src/adapters/postgres/database.ts';
import { migrateReadModels } from '../../src/adapters/postgres/migrate.ts';
import { readModelMigrations } from '../../src/adapters/postgres/migrations/index.ts';
import { createTestDatabase } from '../support/database.ts';

const everyMigration = await readModelMigrations.getMigrations();
const withheld = '0110-account-search';

const providerWithout = (name: string): MigrationProvider => ({
  getMigrations: async (): Promise<Record<string, Migration>> =>
    Object.fromEntries(Object.entries(everyMigration).filter(([migrationName]) => migrationName !== name)),
});

describe('read-model migrations landed out of number order', () => {
  let url: string;
  beforeAll(async () => {
    url = await createTestDatabase('migorder');
  });

  it('a database migrated before a lower-numbered migration landed takes it on the next start', async () => {
    const db = createKysely<any>(createPool(url));
    try {
      const firstStart = await migrateReadModels(db, providerWithout(withheld));
      expect(firstStart).not.toContain(withheld);
      expect(firstStart).toContain('0140-schedule-runs');

      const nextStart = await migrateReadModels(db);
      expect(nextStart).toEqual([withheld]);

      const applied = await db.selectFrom('kysely_migration').select('name').execute();
      expect(applied.map((row) => row.name).sort()).toEqual(Object.keys(everyMigration).sort());
      expect(await migrateReadModels(db)).toEqual([]);
    } finally {
      await db.destroy();
    }
  });
});
