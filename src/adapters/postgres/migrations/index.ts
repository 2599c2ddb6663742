import type { Migration, MigrationProvider } from 'kysely';
import * as projectionCheckpoints from './0001-projection-checkpoints.ts';
import * as accounts from './0002-accounts.ts';
import * as idempotencyKeys from './0003-idempotency-keys.ts';

/** Listed by hand rather than read from the folder: works the same under tsx, vitest and a bundle. */
export const readModelMigrations: MigrationProvider = {
  getMigrations: async (): Promise<Record<string, Migration>> => ({
    '0001-projection-checkpoints': projectionCheckpoints,
    '0002-accounts': accounts,
    '0003-idempotency-keys': idempotencyKeys,
  }),
};
