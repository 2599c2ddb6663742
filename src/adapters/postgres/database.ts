import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';

// bigint and numeric columns arrive as strings: amounts and counters must never pass
// through a JS number on their way in.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => value);
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (value) => value);

export type Pool = pg.Pool;

/**
 * Limits every connection of a pool carries from its first byte (startup parameters).
 * Why: readers of the event log see nothing written after the oldest transaction still
 * running in the cluster, so a connection of ours stuck in a transaction stalls them all.
 */
export interface SessionLimits {
  statementTimeoutMs: number;
  idleInTransactionTimeoutMs: number;
  /** an idle pooled connection is closed after this; 0 keeps it (see DATABASE_POOL_IDLE_MS) */
  poolIdleMs?: number;
}

export function createPool(
  connectionString: string,
  max = 20,
  onConnectionLost: (error: Error) => void = () => undefined,
  limits?: SessionLimits,
): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    max,
    ...(limits ? { statement_timeout: limits.statementTimeoutMs, idle_in_transaction_session_timeout: limits.idleInTransactionTimeoutMs } : {}),
    ...(limits?.poolIdleMs === undefined ? {} : { idleTimeoutMillis: limits.poolIdleMs }),
  });
  // A connection dropping (server restart, terminated backend) must not crash the process:
  // the query running on it fails on its own, and the pool opens a new connection next time.
  pool.on('error', onConnectionLost);
  pool.on('connect', (client) => client.on('error', onConnectionLost));
  return pool;
}

export function createKysely<DB>(pool: pg.Pool): Kysely<DB> {
  return new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
}
