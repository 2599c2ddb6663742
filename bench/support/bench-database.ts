import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createDatabaseIfMissing, startEmbeddedPostgres } from '../../src/adapters/postgres/embedded-postgres.ts';

/**
 * A fresh database for one benchmark: on DATABASE_URL's server when set, else on a
 * throwaway embedded PostgreSQL that `drop()` stops and deletes.
 */
export async function benchDatabase(name: string): Promise<{ url: string; drop(): Promise<void> }> {
  let adminUrl = process.env.DATABASE_URL;
  let drop = async () => undefined as void;
  if (!adminUrl) {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), `cloudpro-bench-${name}-`));
    await chmod(dataDir, 0o755);
    const embedded = await startEmbeddedPostgres({ dataDir, port: 20000 + Math.floor(Math.random() * 20000), database: 'postgres', persistent: false });
    adminUrl = embedded.connectionString;
    drop = async () => {
      await embedded.stop();
      await rm(dataDir, { recursive: true, force: true });
    };
  }
  const database = `bench_${name}_${Date.now()}`;
  await createDatabaseIfMissing(adminUrl, database);
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return { url: url.toString(), drop };
}

/**
 * VACUUM (ANALYZE) of the whole database, as autovacuum leaves a platform's database some
 * minutes after a load. Why: without it, autovacuum met the setup's rows in the middle of a
 * measured load and took one of this machine's two cores for a second or more.
 */
export async function settleDatabase(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('VACUUM (ANALYZE)');
  } finally {
    await client.end();
  }
}

/** One figure, as `npm run bench` collects them: `RESULT {"name":…,"value":…,"unit":…[,"baseline":…,"ratio":…]}`. */
export function printResult(figure: { name: string; value: number; unit: string; baseline?: number; ratio?: number }): void {
  console.log(`RESULT ${JSON.stringify(figure)}`);
}

export const QUICK = process.argv.includes('--quick');
