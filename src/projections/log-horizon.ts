import type { EventStore, HorizonHolder, LogHorizon } from '../ports/event-store.ts';

export interface LogHorizonReport extends LogHorizon {
  /**
   * Events have been held back longer than the threshold: readers are stalled behind a
   * transaction, not merely waiting for a commit in flight.
   */
  stalled: boolean;
  /** one line naming what holds the log back; null unless stalled */
  summary: string | null;
}

/**
 * What `ops status` and `/health` say about the log's readers. A few milliseconds of
 * held-back events are normal (an append commits while an older one is still in flight);
 * only a horizon that stays behind for `stalledAfterMs` is reported.
 */
export async function reportLogHorizon(eventStore: EventStore, stalledAfterMs: number): Promise<LogHorizonReport> {
  const horizon = await eventStore.horizon();
  const heldLong = horizon.heldBack > 0n && (horizon.heldBackForMs ?? 0) >= stalledAfterMs;
  // An event written long ago in a transaction that only just committed is not a stall
  // unless the transaction holding it back is itself that old.
  const holderOld = horizon.holder?.ageSeconds == null || horizon.holder.ageSeconds * 1000 >= stalledAfterMs;
  const stalled = heldLong && holderOld;
  return { ...horizon, stalled, summary: stalled ? stallSummary(horizon) : null };
}

function stallSummary(horizon: LogHorizon): string {
  const seconds = Math.round((horizon.heldBackForMs ?? 0) / 1000);
  const held = `${horizon.heldBack} event(s) written up to ${seconds} s ago are invisible to every reader of the log (projections, reactors, subscriptions)`;
  if (!horizon.holder) {
    return `${held}; the transaction holding them back is not visible to this database role (grant it pg_read_all_stats to have it named)`;
  }
  return `${held}, held back by ${describeHolder(horizon.holder)}; it ends with its COMMIT or ROLLBACK${horizon.holder.pid === null ? ' (COMMIT PREPARED / ROLLBACK PREPARED)' : `, or pg_terminate_backend(${horizon.holder.pid})`}`;
}

export function describeHolder(holder: HorizonHolder): string {
  const who = holder.pid === null ? 'a prepared transaction' : `the transaction of server process ${holder.pid}`;
  const where = holder.database ? ` in database "${holder.database}"` : '';
  const state = holder.state ? ` (${holder.state})` : '';
  const age = holder.ageSeconds === null ? '' : `, open ${Math.round(holder.ageSeconds)} s`;
  const started = holder.transactionStartedAt ? ` since ${holder.transactionStartedAt}` : '';
  const query = holder.queryStartedAt ? `, last query started ${holder.queryStartedAt}` : '';
  return `${who}${where}${state}${age}${started}${query}`;
}

/** The `/health` check: degraded, naming the holder, while the log is stalled. */
export async function logHorizonCheck(eventStore: EventStore, stalledAfterMs: number): Promise<{ degraded: string } | undefined> {
  const report = await reportLogHorizon(eventStore, stalledAfterMs);
  return report.summary ? { degraded: report.summary } : undefined;
}
