import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { printStatus } from '../../ops/status-command.ts';
import { loadConfig } from '../../src/config.ts';
import { compose, type Application } from '../../src/main.ts';
import { issueApiToken } from '../../src/commands/api-token-commands.ts';
import { reportLogHorizon, type LogHorizonReport } from '../../src/projections/log-horizon.ts';
import { testContext } from '../support/app.ts';
import { startIsolatedPostgres, type IsolatedPostgres } from '../support/isolated-postgres.ts';
import { bearer } from '../support/api-requests.ts';

const STALL_SECONDS = '1';

let databaseUrl: string;
let otherDatabaseUrl: string;
const platformKey = randomBytes(32).toString('base64');
let app: Application;

const env = () => ({ DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent', PLATFORM_KEY: platformKey, LOG_STALL_SECONDS: STALL_SECONDS, DATABASE_STATEMENT_TIMEOUT_MS: '45000', DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: '20000' });

/** What `ops status` prints and its exit code, run in this process. */
async function opsStatus(): Promise<{ code: number; stdout: string }> {
  const lines: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(' ')));
  const table = vi.spyOn(console, 'table').mockImplementation((rows: unknown) => void lines.push(JSON.stringify(rows)));
  try {
    const code = await printStatus(app);
    return { code, stdout: lines.join('\n') };
  } finally {
    log.mockRestore();
    table.mockRestore();
  }
}

/** Polls until `done` holds, for conditions that become true as other work in the cluster ends; never asserts a duration. */
async function until<T>(probe: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}: ${JSON.stringify(value, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

// This file holds the cluster's horizon on purpose, for seconds: in a cluster of its own, so
// other test files' readers are not held with it.
let cluster: IsolatedPostgres;

beforeAll(async () => {
  cluster = await startIsolatedPostgres();
  databaseUrl = await cluster.createDatabase('horizon');
  otherDatabaseUrl = await cluster.createDatabase('elsewhere');
  app = await compose(loadConfig(env()), { httpLogs: false });
});
afterAll(async () => {
  await app?.close();
  await cluster?.stop();
});

describe('a transaction held open in another database of the cluster', () => {
  // Every reader in the cluster waits while the transaction is held (hence a cluster of this
  // file's own): it is held only as long as the checks need.
  it("is named by ops status and /health, counted in the projections' lag, and once it ends everything catches up", async () => {
    const { token } = await issueApiToken(app.infrastructure.eventStore, { name: 'ops', scope: { kind: 'operator' } }, testContext());
    await app.runner.catchUp();

    const otherDatabase = new URL(otherDatabaseUrl).pathname.slice(1);
    const holder = new pg.Client({ connectionString: otherDatabaseUrl });
    await holder.connect();
    let open = true;
    try {
      await holder.query('BEGIN');
      // a transaction id of its own: from here on, readers in every database see nothing newer
      await holder.query('SELECT pg_current_xact_id()');
      const { rows } = await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      const holderPid = rows[0]!.pid;

      const opened = await app.api.inject({
        method: 'POST',
        url: '/accounts',
        headers: bearer(token),
        payload: { name: 'Held Back', slug: 'held-back', billingEmail: 'f@held.example', document: '11.222.333/0001-81' },
      });
      expect(opened.statusCode, opened.body).toBe(201);
      const { accountId } = opened.json<{ accountId: string }>();

      // Written, but no reader can see it: the lag says so.
      await app.runner.catchUp(['accounts']);
      const [accounts] = (await app.runner.status()).filter((s) => s.projection === 'accounts');
      expect(accounts!.heldBack).toBeGreaterThanOrEqual(1n);
      expect(accounts!.lag).toBeGreaterThanOrEqual(accounts!.heldBack);
      const read = await app.api.inject({ method: 'GET', url: `/accounts/${accountId}`, headers: bearer(token) });
      expect(read.statusCode).toBe(404);

      // Once held back past LOG_STALL_SECONDS, the holder is named (other tests' short
      // transactions may be older for a moment; ours is the one that stays).
      const stalled = await until<LogHorizonReport>(
        () => reportLogHorizon(app.infrastructure.eventStore, Number(STALL_SECONDS) * 1000),
        (r) => r.stalled && r.holder?.pid === holderPid,
        'the horizon to be reported stalled by our transaction',
      );
      expect(stalled.heldBack).toBeGreaterThanOrEqual(1n);
      expect(stalled.holder).toMatchObject({ pid: holderPid, database: otherDatabase, state: 'idle in transaction' });
      expect(stalled.holder!.transactionStartedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
      expect(stalled.holder!.queryStartedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
      expect(stalled.summary).toContain(`server process ${holderPid} in database "${otherDatabase}"`);

      const health = await until(
        async () => (await app.api.inject({ method: 'GET', url: '/health' })).json<{ status: string; checks: Record<string, { status: string; detail?: string }> }>(),
        (h) => h.checks.eventLog?.detail?.includes(`server process ${holderPid}`) === true,
        '/health to name our transaction',
      );
      expect(health.status).toBe('degraded');
      expect(health.checks.eventLog!.status).toBe('degraded');
      expect(health.checks.postgres!.status).toBe('ok');

      const status = await until(opsStatus, (s) => s.stdout.includes(`server process ${holderPid}`), 'ops status to name our transaction');
      expect(status.code).toBe(1);
      expect(status.stdout).toContain('LOG STALLED');
      expect(status.stdout).toContain(`in database "${otherDatabase}"`);
      expect(status.stdout).toMatch(/"projection":"accounts","status":"(running|new)","applied":"\d+","lag":"[1-9]\d*","held back":"[1-9]\d*"/);

      await holder.query('ROLLBACK');
      open = false;

      // Everything catches up: the account is read, lag and held-back go to 0, health is ok.
      await app.runner.catchUp();
      const afterwards = await app.api.inject({ method: 'GET', url: `/accounts/${accountId}`, headers: bearer(token) });
      expect(afterwards.statusCode).toBe(200);
      const caughtUp = await until(
        async () => (await app.runner.status()).find((s) => s.projection === 'accounts')!,
        (s) => s.lag === 0n,
        'the accounts projection to show no lag',
      );
      expect(caughtUp.heldBack).toBe(0n);
      const healthy = await until(
        async () => (await app.api.inject({ method: 'GET', url: '/health' })).json<{ status: string }>(),
        (h) => h.status === 'ok',
        '/health to be ok again',
      );
      expect(healthy.status).toBe('ok');
      const quiet = await opsStatus();
      expect(quiet.stdout).not.toContain('LOG STALLED');
    } finally {
      if (open) await holder.query('ROLLBACK').catch(() => undefined);
      await holder.end();
    }
  });

  it("the service's connections carry the configured statement and idle-in-transaction timeouts", async () => {
    const { rows } = await sql<{ statement: string; idle: string }>`SELECT current_setting('statement_timeout') AS statement,
      current_setting('idle_in_transaction_session_timeout') AS idle`.execute(app.infrastructure.readModels);
    expect(rows[0]).toEqual({ statement: '45s', idle: '20s' });
  });

  it('a connection of the service left idle in a transaction is closed, so it cannot hold the log back', async () => {
    const short = await compose(loadConfig({ ...env(), DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: '1000' }), { httpLogs: false });
    try {
      const failure = await short.infrastructure.readModels
        .transaction()
        .execute(async (trx) => {
          // no transaction id taken: idle, it holds no reader back while the test waits
          await sql`SELECT 1`.execute(trx);
          await new Promise((resolve) => setTimeout(resolve, 1500));
          await sql`SELECT 1`.execute(trx);
        })
        .then(
          () => null,
          (error: unknown) => error,
        );
      expect(failure).toBeInstanceOf(Error);
      expect(String((failure as Error).message)).toMatch(/idle-in-transaction|terminat|Connection/i);
    } finally {
      await short.close();
    }
  });
});
