import { monitorEventLoopDelay } from 'node:perf_hooks';
import pg from 'pg';

/**
 * What PostgreSQL and this process were doing while a load ran, for finding the cause of a
 * slow second (`READ_TRACE=1`): every 50 ms, the client backends not idle with their wait
 * events, and this process's event-loop delay, when any is notable; every second, the WAL
 * written and what the checkpointer and the backends themselves wrote. Lines go to stderr as
 * `TRACE <epoch ms> …` on their own connection, so the service's pool is not disturbed; the
 * load generator prints `SLOW <epoch ms> <ms> <path>` for each slow response to line them up.
 */
export async function startPgTrace(connectionString: string): Promise<{ stop(): Promise<void> }> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  const lag = monitorEventLoopDelay({ resolution: 5 });
  lag.enable();
  let stopped = false;
  let lastSecond = 0;
  let previous: Record<string, number> | null = null;
  const loop = (async () => {
    while (!stopped) {
      const at = Date.now();
      const { rows } = await client.query<{ wait: string | null; ms: number; query: string }>(
        `SELECT wait_event_type || ':' || wait_event AS wait,
                extract(epoch from (clock_timestamp() - query_start)) * 1000 AS ms,
                left(regexp_replace(query, '\\s+', ' ', 'g'), 70) AS query
           FROM pg_stat_activity
          WHERE state = 'active' AND pid <> pg_backend_pid() AND backend_type = 'client backend'`,
      );
      const lagMs = lag.max / 1e6;
      lag.reset();
      const slowQueries = rows.filter((r) => r.wait !== null || r.ms > 20);
      if (slowQueries.length > 0 || lagMs > 30) {
        process.stderr.write(`TRACE ${at} loop-delay ${lagMs.toFixed(0)} active ${rows.length} ${slowQueries.map((r) => `[${r.wait ?? 'cpu'} ${Number(r.ms).toFixed(0)}ms ${r.query}]`).join(' ')}\n`);
      }
      if (at - lastSecond >= 1000) {
        lastSecond = at;
        const { rows: [now] } = await client.query<Record<string, string>>(
          `SELECT (SELECT wal_bytes FROM pg_stat_wal) AS wal_bytes,
                  (SELECT wal_buffers_full FROM pg_stat_wal) AS wal_buffers_full,
                  (SELECT num_timed + num_requested FROM pg_stat_checkpointer) AS checkpoints,
                  (SELECT buffers_written FROM pg_stat_checkpointer) AS checkpointer_writes,
                  (SELECT coalesce(sum(writes), 0) FROM pg_stat_io WHERE backend_type = 'client backend') AS backend_writes,
                  (SELECT coalesce(sum(fsyncs), 0) FROM pg_stat_io WHERE backend_type = 'client backend') AS backend_fsyncs,
                  (SELECT coalesce(sum(reads), 0) FROM pg_stat_io WHERE backend_type = 'client backend') AS backend_reads`,
        );
        const figures = Object.fromEntries(Object.entries(now!).map(([k, v]) => [k, Number(v)]));
        if (previous) {
          const delta = Object.entries(figures).map(([k, v]) => `${k} +${v - previous![k]!}`).join(' ');
          process.stderr.write(`TRACE ${at} second ${delta}\n`);
        }
        previous = figures;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      lag.disable();
      await client.end();
    },
  };
}
