import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmod, chown, copyFile, lstat, mkdir, mkdtemp, readdir, readlink, rm, symlink, writeFile, appendFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres, type RunningPostgres } from '../../src/adapters/postgres/embedded-postgres.ts';
import { freePort } from './free-port.ts';

/**
 * A PostgreSQL primary and a physical streaming standby of it, both on loopback, for tests of
 * reads served by a replica. The embedded package ships no pg_basebackup, so the standby is made
 * the way PostgreSQL documents a low-level base backup: a physical replication slot keeps the
 * WAL, `pg_backup_start` / a file copy of the running cluster / `pg_backup_stop` with its
 * backup_label, then `standby.signal` and `primary_conninfo`. The standby replays what the
 * primary streams it, so it lags as a real replica does; `pauseReplay` holds it behind on purpose.
 */
export interface PrimaryWithStandby {
  /** a database on the primary (DATABASE_URL) and the same database on the standby (DATABASE_READ_URL) */
  primaryUrl: string;
  standbyUrl: string;
  /** holds the standby at what it has replayed so far; it keeps receiving WAL */
  pauseReplay(): Promise<void>;
  resumeReplay(): Promise<void>;
  /** whether the standby has replayed everything the primary has written so far */
  caughtUp(): Promise<boolean>;
  /** waits until it has (after a resume) */
  awaitCaughtUp(): Promise<void>;
  stop(): Promise<void>;
}

const SLOT = 'test_standby';

export async function startPrimaryWithStandby(database: string): Promise<PrimaryWithStandby> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'cloudpro-replica-'));
  // The unprivileged postgres user (we may be root) must reach both clusters.
  await chmod(root, 0o755);
  const primary = await startEmbeddedPostgres({ dataDir: path.join(root, 'primary'), port: await freePort(), database, persistent: false });
  let standby: ChildProcess | null = null;
  try {
    const adminUrl = withDatabase(primary.connectionString, 'postgres');
    const standbyDir = path.join(root, 'standby');
    await baseBackup(primary, adminUrl, standbyDir);
    const port = await freePort();
    standby = await startStandby(standbyDir, port);
    const standbyUrl = new URL(primary.connectionString);
    standbyUrl.port = String(port);
    const onStandby = (sql: string) => query(withDatabase(standbyUrl.toString(), 'postgres'), sql);
    const caughtUp = async () => {
      const [primaryAt] = await query<{ lsn: string }>(adminUrl, 'SELECT pg_current_wal_lsn()::text AS lsn');
      const [standbyAt] = await query<{ behind: boolean }>(withDatabase(standbyUrl.toString(), 'postgres'), `SELECT pg_wal_lsn_diff('${primaryAt!.lsn}', pg_last_wal_replay_lsn()) > 0 AS behind`);
      return !standbyAt!.behind;
    };
    const running = standby;
    return {
      primaryUrl: primary.connectionString,
      standbyUrl: standbyUrl.toString(),
      pauseReplay: async () => void (await onStandby('SELECT pg_wal_replay_pause()')),
      resumeReplay: async () => void (await onStandby('SELECT pg_wal_replay_resume()')),
      caughtUp,
      async awaitCaughtUp() {
        for (let tries = 0; !(await caughtUp()); tries++) {
          if (tries > 1_000) throw new Error('the standby did not catch up with the primary');
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      },
      async stop() {
        await stopServer(running);
        await primary.stop();
        await rm(root, { recursive: true, force: true });
      },
    };
  } catch (error) {
    if (standby) await stopServer(standby);
    await primary.stop();
    await rm(root, { recursive: true, force: true });
    throw error;
  }
}

/** A base backup of the running primary into `standbyDir`, set up to stream from it through the slot. */
async function baseBackup(primary: RunningPostgres, adminUrl: string, standbyDir: string): Promise<void> {
  await query(adminUrl, `SELECT pg_create_physical_replication_slot('${SLOT}', true)`);
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    // non-exclusive: the backup lasts as long as this session
    await client.query(`SELECT pg_backup_start('cloudpro standby', true)`);
    await copyCluster(primary.clusterDir, standbyDir);
    const { rows } = await client.query<{ labelfile: string }>('SELECT labelfile FROM pg_backup_stop(false)');
    await writeFile(path.join(standbyDir, 'backup_label'), rows[0]!.labelfile);
  } finally {
    await client.end();
  }
  const url = new URL(primary.connectionString);
  const conninfo = `host=127.0.0.1 port=${url.port} user=${decodeURIComponent(url.username)} password=${decodeURIComponent(url.password)} application_name=cloudpro_standby`;
  await writeFile(path.join(standbyDir, 'standby.signal'), '');
  await appendFile(path.join(standbyDir, 'postgresql.auto.conf'), `\nprimary_conninfo = '${conninfo}'\nprimary_slot_name = '${SLOT}'\nhot_standby = on\n`);
  const owner = await lstat(primary.clusterDir);
  await chownTree(standbyDir, owner.uid, owner.gid);
  await chmod(standbyDir, 0o700);
}

/** What pg_basebackup leaves out: the running server's own files and what is rebuilt on start. */
const EMPTIED = new Set(['pg_wal', 'pg_replslot', 'pg_dynshmem', 'pg_notify', 'pg_serial', 'pg_snapshots', 'pg_stat_tmp', 'pg_subtrans']);
const SKIPPED = new Set(['postmaster.pid', 'postmaster.opts', 'backup_label', 'tablespace_map']);

async function copyCluster(from: string, to: string, top = true): Promise<void> {
  await mkdir(to, { recursive: true });
  for (const entry of await readdir(from, { withFileTypes: true })) {
    if (top && SKIPPED.has(entry.name)) continue;
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    try {
      if (entry.isDirectory()) {
        if (top && EMPTIED.has(entry.name)) await mkdir(target);
        else await copyCluster(source, target, false);
      } else if (entry.isSymbolicLink()) await symlink(await readlink(source), target);
      else if (!entry.name.startsWith('pg_internal.init')) await copyFile(source, target);
    } catch (error) {
      // a file the running server removed while we copied: the WAL replay puts right what it held
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}

async function chownTree(dir: string, uid: number, gid: number): Promise<void> {
  await chown(dir, uid, gid);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const target = path.join(dir, entry.name);
    if (entry.isDirectory()) await chownTree(target, uid, gid);
    else await chown(target, uid, gid);
  }
}

async function startStandby(dataDir: string, port: number): Promise<ChildProcess> {
  const { postgres } = (await import(`@embedded-postgres/${os.platform()}-${os.arch()}`)) as { postgres: string };
  const runAs = process.getuid?.() === 0 ? { uid: idOf('-u'), gid: idOf('-g') } : {};
  const child = spawn(postgres, ['-D', dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'], {
    ...runAs,
    cwd: '/',
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  process.once('exit', () => child.kill('SIGINT'));
  let output = '';
  await new Promise<void>((resolve, reject) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      if (output.length < 20_000) output += chunk.toString('utf8');
      if (output.includes('ready to accept read-only connections')) resolve();
    });
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the standby did not start (exit ${code}): ${output.slice(-2_000)}`)));
  });
  return child;
}

function idOf(flag: '-u' | '-g'): number {
  return Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
}

async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGINT');
  await exited;
}

async function query<R = Record<string, unknown>>(url: string, sql: string): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as R[];
  } finally {
    await client.end();
  }
}

function withDatabase(connectionString: string, database: string): string {
  const url = new URL(connectionString);
  url.pathname = `/${database}`;
  return url.toString();
}
