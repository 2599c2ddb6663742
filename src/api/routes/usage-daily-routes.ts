import { BILLING_PERIOD, checkPeriod } from '../../domain/rating/billing-period.ts';
import { textField } from '../schemas/field-rule-schema.ts';
import { z } from 'zod';
import type { DailyUsageReader } from '../../commands/usage-daily.ts';
import { NotFoundError } from '../../domain/errors.ts';
import type { RouteRegistry } from '../route.ts';
import { AccountIdParams } from '../schemas/account-schemas.ts';

const GibSeries = z.array(z.string()).describe('GiB per day, decimal strings with 6 places, one per entry of `days`');

const DailyUsageView = z
  .object({
    period: z.string(),
    timeZone: z.string(),
    asOf: z.string(),
    days: z.array(z.string()).describe('YYYY-MM-DD in the account time zone, up to today'),
    buckets: z.array(z.object({ bucketId: z.string(), storedGib: GibSeries, egressGib: GibSeries })),
    total: z.object({ storedGib: GibSeries, egressGib: GibSeries }),
  })
  .meta({ id: 'DailyUsage' });

export interface UsageDailyRoutesDeps {
  readDailyUsage: DailyUsageReader;
}

export function registerUsageDailyRoutes(routes: RouteRegistry, deps: UsageDailyRoutesDeps): void {
  routes.add({
    method: 'GET',
    url: '/accounts/:accountId/usage/daily',
    summary: "A period's usage day by day: stored GiB at each day's last sample and egress, per bucket and in total",
    tags: ['usage'],
    access: 'usage:read',
    // folded from the log itself: nothing to wait for
    readModels: [],
    params: AccountIdParams,
    query: z.object({ period: textField(BILLING_PERIOD, checkPeriod).optional().describe('the current period when absent') }),
    responses: { 200: DailyUsageView },
    async handler({ params, query, context }) {
      const usage = await deps.readDailyUsage(params.accountId, query.period, context.occurredAt);
      if (!usage) throw new NotFoundError('account_not_found', `account ${params.accountId} does not exist`);
      return { status: 200, body: usage };
    },
  });
}
