import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createDatabaseIfMissing, startEmbeddedPostgres } from '../../src/adapters/postgres/embedded-postgres.ts';
import { freePort } from './free-port.ts';

export interface IsolatedPostgres {
  /** a fresh, empty database in this cluster */
  createDatabase(prefix: string): Promise<string>;
  stop(): Promise<void>;
}

/**
 * A cluster of its own, for a test file that holds a transaction open on purpose: the log's
 * horizon is cluster-wide, so in the run's shared cluster that transaction would hide every
 * other test file's new events from its readers for as long as it is held.
 */
export async function startIsolatedPostgres(): Promise<IsolatedPostgres> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'cloudpro-isolated-pg-'));
  await chmod(dataDir, 0o755);
  const postgres = await startEmbeddedPostgres({ dataDir, port: await freePort(), database: 'postgres', persistent: false });
  let databases = 0;
  return {
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
