import { BYTES_PER_GIB } from '../domain/rating/exact-decimal.ts';
import { sql, type Kysely } from 'kysely';
import { quotaThresholdDecider, quotaThresholdStream, type QuotaThresholdEvent } from '../domain/quota/quota-thresholds.ts';
import type { EventStore } from '../ports/event-store.ts';
import type { ReadModelDatabase } from '../projections/read-model-database.ts';
import { handleCommand, type CommandContext } from './command-handler.ts';

export interface QuotaThresholdDeps {
  eventStore: EventStore;
  readModels: Kysely<ReadModelDatabase>;
  /** the quota of accounts whose increase was never approved */
  defaultQuotaGiB: number;
}

export interface QuotaThresholdSummary {
  asOf: string;
  accountsChecked: number;
  /** the crossings recorded by this run */
  reached: { accountId: string; thresholdPercent: number; usedBytes: string; quotaBytes: string }[];
  rearmed: number;
  failed: { accountId: string; error: string }[];
}

/** Every event this job records carries this actor. */
export const QUOTA_THRESHOLDS_ACTOR = 'system:quota-thresholds';

/**
 * Bytes stored now, per account: each bucket's latest storage sample (from usage_totals, over
 * every period), for buckets not deleted. A bucket with no sample yet stores nothing we know of.
 */
export async function storedBytesByAccount(db: Kysely<ReadModelDatabase>): Promise<Map<string, bigint>> {
  const { rows } = await sql<{ account_id: string; stored: string }>`
    select latest.account_id, sum(latest.storage_bytes)::text as stored
    from (
      select distinct on (u.bucket_id) u.account_id, u.bucket_id, u.storage_bytes
      from usage_totals u
      join buckets b on b.bucket_id = u.bucket_id
      where u.storage_bytes is not null and b.status <> 'deleted'
      order by u.bucket_id, u.storage_at desc nulls last
    ) latest
    group by latest.account_id`.execute(db);
  return new Map(rows.map((row) => [row.account_id, BigInt(row.stored.split('.')[0]!)]));
}

/**
 * One pass at `now` (scheduled by the service): for each open account,
 * its stored bytes against its quota go to the account's threshold stream, whose decider
 * records a crossing of 80% or 100% once, and re-arms when usage falls below 80% again. A
 * second run on the same figures records nothing; concurrent runs are serialized by the
 * stream's expected revision.
 */
export async function checkQuotaThresholds(
  deps: QuotaThresholdDeps,
  now: Date,
  context: CommandContext,
): Promise<QuotaThresholdSummary> {
  const ctx: CommandContext = { ...context, actor: QUOTA_THRESHOLDS_ACTOR, occurredAt: now.toISOString() };
  const accounts = deps.readModels.selectFrom('accounts').leftJoin('account_quotas', 'account_quotas.account_id', 'accounts.account_id').select(['accounts.account_id', 'account_quotas.quota_gib']).where('accounts.status', '<>', 'closed');
  const rows = await accounts.orderBy('accounts.account_id').execute();
  const stored = await storedBytesByAccount(deps.readModels);

  const summary: QuotaThresholdSummary = { asOf: now.toISOString(), accountsChecked: rows.length, reached: [], rearmed: 0, failed: [] };
  for (const row of rows) {
    const usedBytes = (stored.get(row.account_id) ?? 0n).toString();
    const quotaBytes = (BigInt(row.quota_gib ?? deps.defaultQuotaGiB) * BYTES_PER_GIB).toString();
    try {
      const { events } = await handleCommand(
        deps.eventStore,
        quotaThresholdDecider,
        quotaThresholdStream(row.account_id),
        { type: 'CheckQuotaThresholds', data: { accountId: row.account_id, usedBytes, quotaBytes, checkedAt: ctx.occurredAt } },
        ctx,
      );
      for (const event of events as QuotaThresholdEvent[]) {
        if (event.type === 'QuotaThresholdReached') summary.reached.push({ accountId: row.account_id, thresholdPercent: event.data.thresholdPercent, usedBytes, quotaBytes });
        else summary.rearmed++;
      }
    } catch (error) {
      summary.failed.push({ accountId: row.account_id, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return summary;
}
