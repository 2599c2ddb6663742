import { chmod, cp, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { EmbeddedPostgresError, startEmbeddedPostgres, type RunningPostgres } from '../../../src/adapters/postgres/embedded-postgres.ts';
import { unusedPort } from '../../support/smtp-test-server.ts';
import { runOps } from '../../support/ops-cli.ts';

/**
 * The embedded PostgreSQL found where it runs (postmaster.pid) by a second process started with
 * another port, and started from a clone no other user may enter (as root).
 */
const root = path.resolve(import.meta.dirname, '../../..');
const cleanup: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const step of cleanup.reverse()) await step().catch(() => undefined);
});

async function tempDir(prefix: string, mode = 0o755) {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  await chmod(dir, mode);
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function started(options: Parameters<typeof startEmbeddedPostgres>[0]): Promise<RunningPostgres> {
  const running = await startEmbeddedPostgres(options);
  cleanup.push(() => running.stop());
  return running;
}

async function selectOne(url: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ one: number }>('SELECT 1 AS one')).rows[0]!.one;
  } finally {
    await client.end();
  }
}

/** Runs `npm run ops -- …` as the service's operator would, with only the given configuration. */
const ops = (env: Record<string, string>, ...args: string[]) => {
  const { DATABASE_URL: _url, EMBEDDED_POSTGRES_PORT: _port, DATA_DIR: _dir, ...inherited } = process.env;
  return runOps({ ...inherited, LOG_LEVEL: 'silent', ...env }, ...args);
};

describe('ops beside a running service started with another EMBEDDED_POSTGRES_PORT', () => {
  let dataDir: string;
  let servicePort: number;

  it('finds the running database by its postmaster.pid and reports status, starting no second server', async () => {
    dataDir = await tempDir('cloudpro-ops-beside-');
    servicePort = await unusedPort();
    const service = await started({ dataDir, port: servicePort, database: 'cloudpro', persistent: false });
    const otherPort = await unusedPort();
    const status = await ops({ DATA_DIR: dataDir, EMBEDDED_POSTGRES_PORT: String(otherPort) }, 'status');
    expect(status.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toContain('accounts');
    // the service's server still answers, and nothing took the other port
    expect(await selectOne(service.connectionString)).toBe(1);
    const shared = await started({ dataDir, port: otherPort, database: 'cloudpro', persistent: true });
    expect(shared).toMatchObject({ attached: true, port: servicePort, clusterDir: path.join(dataDir, 'postgres') });
  }, 120_000);

  it('says in one line what to do when the cluster that holds the data directory does not answer it', async () => {
    // The cluster is someone else's now: this DATA_DIR's password does not open it.
    await writeFile(path.join(dataDir, 'postgres-password'), 'not-the-password\n');
    const attempt = startEmbeddedPostgres({ dataDir, port: await unusedPort(), database: 'cloudpro', persistent: true });
    await expect(attempt).rejects.toBeInstanceOf(EmbeddedPostgresError);
    const message = await attempt.catch((error: Error) => error.message);
    expect(message).not.toContain('\n');
    expect(message).toMatch(new RegExp(`^a PostgreSQL \\(pid \\d+\\) holds ${path.join(dataDir, 'postgres')} on port ${servicePort} \\(its postmaster.pid\\) but does not answer`));
    expect(message).toContain('set DATABASE_URL');
  }, 60_000);
});

describe.skipIf(process.getuid?.() !== 0)('as root, cloned in a directory the postgres user cannot enter (mode 0700)', () => {
  const packaged = async () => {
    const { initdb } = (await import(`@embedded-postgres/${os.platform()}-${os.arch()}`)) as { initdb: string };
    return path.dirname(path.dirname(initdb));
  };

  it('runs PostgreSQL from a copy of its binaries and keeps the data where that user can write, saying where', async () => {
    const clone = await tempDir('cloudpro-clone-', 0o700);
    const binariesDir = path.join(clone, 'node_modules', 'native');
    await cp(await packaged(), binariesDir, { recursive: true, verbatimSymlinks: true });
    const reachable = await tempDir('cloudpro-reachable-');
    const notices: string[] = [];
    const options = {
      dataDir: path.join(clone, '.data'),
      port: await unusedPort(),
      database: 'cloudpro',
      persistent: true,
      binariesDir,
      reachableCacheDir: path.join(reachable, 'cache'),
      reachableDataRoot: path.join(reachable, 'lib'),
      onNotice: (line: string) => notices.push(line),
    };
    const first = await startEmbeddedPostgres(options);
    cleanup.push(() => first.stop());
    expect(await selectOne(first.connectionString)).toBe(1);
    expect(first.clusterDir.startsWith(path.join(reachable, 'lib') + path.sep)).toBe(true);
    expect((await stat(path.join(first.clusterDir, 'PG_VERSION'))).isFile()).toBe(true);
    expect(notices).toEqual([
      expect.stringMatching(new RegExp(`^the postgres user cannot reach ${binariesDir}; running PostgreSQL from a copy in ${path.join(reachable, 'cache')}/postgres-`)),
      `the postgres user cannot reach ${path.join(clone, '.data')}; the embedded PostgreSQL's data lives in ${first.clusterDir}`,
    ]);
    // the password stays with the clone's data, readable by root only
    expect((await stat(path.join(clone, '.data', 'postgres-password'))).mode & 0o777).toBe(0o600);

    // Stopped and started again: the same cluster is found, its data kept.
    const client = new pg.Client({ connectionString: first.connectionString });
    await client.connect();
    await client.query('CREATE TABLE kept (v int); INSERT INTO kept VALUES (42)');
    await client.end();
    await first.stop();
    const again = await started({ ...options, onNotice: () => undefined });
    expect(again.clusterDir).toBe(first.clusterDir);
    const reader = new pg.Client({ connectionString: again.connectionString });
    await reader.connect();
    expect((await reader.query<{ v: number }>('SELECT v FROM kept')).rows).toEqual([{ v: 42 }]);
    await reader.end();
  }, 180_000);

  it('stops with one line naming the directory and the fix when it has nowhere reachable to go', async () => {
    const clone = await tempDir('cloudpro-closed-', 0o700);
    const attempt = startEmbeddedPostgres({
      dataDir: path.join(clone, '.data'),
      port: await unusedPort(),
      database: 'cloudpro',
      persistent: false,
      // the only places offered are inside the closed directory too
      reachableDataRoot: path.join(clone, 'lib'),
    });
    await expect(attempt).rejects.toBeInstanceOf(EmbeddedPostgresError);
    const message = await attempt.catch((error: Error) => error.message);
    expect(message).not.toContain('\n');
    expect(message).toContain(`cannot reach ${path.join(clone, '.data')}`);
    expect(message).toContain('Set DATA_DIR to a directory it can reach');
  }, 60_000);
});
