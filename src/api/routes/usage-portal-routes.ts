import { BILLING_PERIOD, checkPeriod } from '../../domain/rating/billing-period.ts';
import { textField } from '../schemas/field-rule-schema.ts';
import { z } from 'zod';
import type { UsageEstimates } from '../../commands/usage-estimate.ts';
import { NotFoundError } from '../../domain/errors.ts';
import { gib } from '../../domain/rating/index.ts';
import type { RouteRegistry } from '../route.ts';
import { AccountIdParams } from '../schemas/account-schemas.ts';

const UsageView = z.object({
  period: z.string(),
  periodStart: z.string(),
  periodEnd: z.string(),
  asOf: z.string(),
  storageGibMonthsToDate: z.string().describe('GiB-month so far: bytes × time held up to now, over the whole period'),
  egressGib: z.string(),
  ingressGib: z.string(),
  requestsA: z.string(),
  requestsB: z.string(),
  estimatedInvoice: z
    .object({ currency: z.string(), subtotal: z.string(), tax: z.string(), total: z.string(), lines: z.array(z.object({ kind: z.string(), quantity: z.string(), amount: z.string() })) })
    .nullable()
    .describe('the period rated as if the storage in force now held to its end and no more traffic came; null without a plan'),
});

export interface UsagePortalRoutesDeps {
  usageEstimate: UsageEstimates;
}

export function registerUsagePortalRoutes(routes: RouteRegistry, deps: UsagePortalRoutesDeps): void {
  routes.add({
    method: 'GET',
    url: '/accounts/:accountId/usage',
    summary: 'The period so far (GiB-month to date, transfer, requests) with an estimated invoice',
    tags: ['usage'],
    access: 'usage:read',
    readModels: ['usage-totals'],
    params: AccountIdParams,
    query: z.object({ period: textField(BILLING_PERIOD, checkPeriod).optional().describe('the current period when absent') }),
    responses: { 200: UsageView },
    async handler({ params, query, context }) {
      const usage = await deps.usageEstimate(params.accountId, query.period, context.occurredAt);
      if (!usage) throw new NotFoundError('account_not_found', `account ${params.accountId} does not exist`);
      const { period, bounds, asOf, toDate, estimate } = usage;
      return {
        status: 200,
        body: {
          period,
          periodStart: bounds.start,
          periodEnd: bounds.end,
          asOf,
          storageGibMonthsToDate: toDate.storageGibMonthsToDate.toFixed(6),
          egressGib: gib(toDate.egressBytes).toFixed(6),
          ingressGib: gib(toDate.ingressBytes).toFixed(6),
          requestsA: toDate.requestsA.toString(),
          requestsB: toDate.requestsB.toString(),
          estimatedInvoice: estimate && {
            currency: estimate.currency,
            subtotal: estimate.subtotal,
            tax: estimate.tax,
            total: estimate.total,
            lines: estimate.lines.map((l) => ({ kind: l.kind, quantity: l.quantity, amount: l.amount })),
          },
        },
      };
    },
  });
}
