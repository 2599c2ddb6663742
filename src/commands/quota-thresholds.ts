import { BYTES_PER_GIB } from '../domain/rating/exact-decimal.ts';
import { quotaThresholdDecider, quotaThresholdStream, type QuotaThresholdEvent } from '../domain/quota/quota-thresholds.ts';
import type { EventStore } from '../ports/event-store.ts';
import { bucketsProjection } from '../projections/buckets/buckets-projection.ts';
import { accountQuotasProjection } from '../projections/quotas/account-quotas-projection.ts';
import { usageTotalsProjection } from '../projections/usage/usage-totals-projection.ts';
import { accountIdsInLog, loadOpenedAccount } from './account-roster.ts';
import { handleCommand, type CommandContext } from './command-handler.ts';
import { awaitReadModels, type ReadModelGuardDeps } from './read-model-guard.ts';

export interface QuotaThresholdDeps extends ReadModelGuardDeps {
  eventStore: EventStore;
  /** each account's approved quota, from the quotas read model (absent: never changed) */
  approvedQuotasGiB(): Promise<Map<string, number | null>>;
  /** bytes stored now per account, from the usage-totals and buckets read models (a withdrawn latest sample: from its period's stream) */
  storedBytesByAccount(): Promise<Map<string, bigint>>;
  /** the quota of accounts whose increase was never approved */
  defaultQuotaGiB: number;
  /** how long to wait for the quota, bucket and usage read models to reach the log's position at the start (default 30 s) */
  readModelWaitMs?: number;
}

/**
 * Every account the log has opened is counted: checked, skipped (closed, with the reason), or
 * named in `failed` (its stream could not be read, or its check could not be recorded).
 */
export interface QuotaThresholdSummary {
  asOf: string;
  /** where the accounts were listed from: the log's AccountOpened events, never a read model */
  accountsListedFrom: 'event-log';
  accounts: number;
  accountsChecked: number;
  skipped: { accountId: string; reason: 'closed' }[];
  /** the crossings recorded by this run */
  reached: { accountId: string; thresholdPercent: number; usedBytes: string; quotaBytes: string }[];
  rearmed: number;
  failed: { accountId: string; error: string }[];
}

/** Every event this job records carries this actor. */
export const QUOTA_THRESHOLDS_ACTOR = 'system:quota-thresholds';

/**
 * One pass at `now` (scheduled by the service): for each open account the event log has
 * opened (read from its own stream), its stored bytes against its quota, both from read
 * models it first waits on (refused while one is failed or behind), go to the account's threshold stream, whose decider
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
  await awaitReadModels(deps, [accountQuotasProjection, bucketsProjection, usageTotalsProjection], { waitMs: deps.readModelWaitMs ?? 30_000 });
  const accountIds = await accountIdsInLog(deps.eventStore);
  const quotas = await deps.approvedQuotasGiB();
  const stored = await deps.storedBytesByAccount();

  const summary: QuotaThresholdSummary = { asOf: now.toISOString(), accountsListedFrom: 'event-log', accounts: accountIds.length, accountsChecked: 0, skipped: [], reached: [], rearmed: 0, failed: [] };
  const rows: { account_id: string; quota_gib: number | null }[] = [];
  for (const accountId of accountIds) {
    try {
      if ((await loadOpenedAccount(deps.eventStore, accountId)).status === 'closed') summary.skipped.push({ accountId, reason: 'closed' });
      else rows.push({ account_id: accountId, quota_gib: quotas.get(accountId) ?? null });
    } catch (error) {
      summary.failed.push({ accountId, error: error instanceof Error ? error.message : String(error) });
    }
  }
  summary.accountsChecked = rows.length;
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
