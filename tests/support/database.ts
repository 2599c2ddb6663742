import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { createDatabaseIfMissing } from '../../src/adapters/postgres/embedded-postgres.ts';

/** A fresh, empty database in the run's embedded cluster; returns its connection string. */
export async function createTestDatabase(prefix = 'test'): Promise<string> {
  const adminUrl = inject('postgresAdminUrl');
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  await createDatabaseIfMissing(adminUrl, name);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
