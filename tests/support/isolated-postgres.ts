import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createDatabaseIfMissing, startEmbeddedPostgres } from '../../src/adapters/postgres/embedded-postgres.ts';
import { freePort } from './free-port.ts';

export interface IsolatedPostgres {
  /** the cluster's `postgres` database, as its owner */
  adminUrl: string;
  /** a fresh, empty database in this cluster */
  createDatabase(prefix: string): Promise<string>;
  stop(): Promise<void>;
}

/**
 * A throwaway cluster: the run's shared one (global-setup.ts), or one of a test file's own when
 * it holds a transaction open on purpose: the log's horizon is cluster-wide, so in the shared
 * cluster that transaction would hide every other file's new events from its readers.
 */
export async function startIsolatedPostgres(): Promise<IsolatedPostgres> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'cloudpro-test-pg-'));
  // The unprivileged postgres user needs to reach the cluster directory.
  await chmod(dataDir, 0o755);
  const postgres = await startEmbeddedPostgres({ dataDir, port: await freePort(), database: 'postgres', persistent: false });
  let databases = 0;
  return {
    adminUrl: postgres.connectionString,
    async createDatabase(prefix) {
      const url = new URL(postgres.connectionString);
      url.pathname = `/${prefix}_${++databases}`;
      await createDatabaseIfMissing(postgres.connectionString, url.pathname.slice(1));
      return url.toString();
    },
    async stop() {
      await postgres.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
