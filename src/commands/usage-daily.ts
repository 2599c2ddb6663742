import { periodOf } from '../domain/rating/index.ts';
import { dailyUsage, type DailyUsage } from '../domain/usage/daily-usage.ts';
import { usageEvents, usageStream } from '../domain/usage/usage-events.ts';
import { withdrawnKeysOf } from '../domain/usage/sample-withdrawal.ts';
import type { EventStore } from '../ports/event-store.ts';

export interface DailyUsageDeps {
  eventStore: EventStore;
  /** the account's time zone; null when there is no such account */
  accountTimeZone(accountId: string): Promise<string | null>;
}

/**
 * `GET …/usage/daily`: one period's usage day by day, from the period's usage stream. No read
 * model holds days; a period's stream is what the usage estimate and the billing run read too.
 * Null when the account does not exist.
 */
export function createDailyUsageReader(deps: DailyUsageDeps) {
  return async function readDailyUsage(accountId: string, requestedPeriod: string | undefined, now: string): Promise<DailyUsage | null> {
    const timeZone = await deps.accountTimeZone(accountId);
    if (timeZone === null) return null;
    const period = requestedPeriod ?? periodOf(now, timeZone);
    const recorded = await deps.eventStore.readStream(usageStream(accountId, period));
    const withdrawn = withdrawnKeysOf(recorded);
    const events = recorded.filter((event) => usageEvents.is(event)).map((event) => usageEvents.narrow(event)).filter((event) => !withdrawn.has(event.data.sampleKey));
    return dailyUsage({ period, timeZone, asOf: now, events });
  };
}

export type DailyUsageReader = ReturnType<typeof createDailyUsageReader>;
