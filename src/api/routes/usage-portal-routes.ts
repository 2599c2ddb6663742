import { z } from 'zod';
import { periodStorage, readPeriodUsage, toPeriodUsage, type RatingPlan } from '../../commands/invoice-inputs.ts';
import { NotFoundError, ValidationError, type FieldIssue } from '../../domain/errors.ts';
import { gib, meterSegments, parseUsage, periodBounds, periodOf, rateInvoice, type Currency, type PeriodUsage, type RatedInvoice } from '../../domain/rating/index.ts';
import { usageSoFar } from '../../commands/usage-so-far.ts';
import { createUsageSoFarInputs } from '../../commands/usage-so-far-inputs.ts';
import type { ModuleDeps } from '../module-deps.ts';
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

export function registerUsagePortalRoutes(routes: RouteRegistry, deps: ModuleDeps): void {
  // A kept plan stays one object until a stream it came from changes: the same usage on it rates the same.
  const estimates = new WeakMap<RatingPlan, { key: string; estimate: RatedInvoice }>();
  const estimateOn = (plan: RatingPlan, period: string, timeZone: string, currency: Currency, usage: PeriodUsage) => {
    const key = `${period} ${timeZone} ${currency} ${JSON.stringify(usage)}`;
    const last = estimates.get(plan);
    if (last?.key === key) return last.estimate;
    const estimate = rateInvoice({ period, timeZone, currency, segments: plan.segments, usage, carriedInStorage: {}, creditAvailable: '0' });
    estimates.set(plan, { key, estimate });
    return estimate;
  };
  // Bounds depend on the period and zone only; the zone's offsets are looked up day by day.
  const keptBounds = new Map<string, ReturnType<typeof periodBounds>>();
  const boundsOf = (period: string, timeZone: string) => {
    const key = `${period} ${timeZone}`;
    let found = keptBounds.get(key);
    if (!found) {
      if (keptBounds.size >= 1_000) keptBounds.clear();
      keptBounds.set(key, (found = periodBounds(period, timeZone)));
    }
    return found;
  };
  const inputs = createUsageSoFarInputs({ eventStore: deps.eventStore, readModels: deps.readModels, loadRatingPlan: deps.loadRatingPlan, ...(deps.streamChanges ? { changes: deps.streamChanges } : {}) });
  routes.add({
    method: 'GET',
    url: '/accounts/:accountId/usage',
    summary: 'The period so far (GiB-month to date, transfer, requests) with an estimated invoice',
    tags: ['usage'],
    access: 'usage:read',
    params: AccountIdParams,
    query: z.object({ period: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be YYYY-MM').optional().describe('the current period when absent') }),
    responses: { 200: UsageView },
    async handler({ params, query, context }) {
      const account = await inputs.account(params.accountId);
      if (!account) throw new NotFoundError('account_not_found', `account ${params.accountId} does not exist`);
      const now = Date.parse(context.occurredAt);
      const period = query.period ?? periodOf(context.occurredAt, account.timeZone);
      const bounds = boundsOf(period, account.timeZone);
      const startMs = Date.parse(bounds.start);
      const endMs = Date.parse(bounds.end);
      const asOfMs = Math.min(Math.max(now, startMs), endMs);

      const { timeZone, currency } = account;
      const plan = await inputs.ratingPlan(params.accountId, period, timeZone);
      const estimable = plan !== null && Date.parse(plan.segments[0]!.from) <= startMs;
      // From the usage-totals read model (and the stream after it), unless a plan change cuts the
      // period (storage must then be cut at the change) or the read model cannot answer exactly.
      const folded = !estimable || plan.segments.length === 1 ? await usageSoFar(inputs.sources, params.accountId, period, timeZone, { startMs, endMs }, asOfMs) : null;
      const { sofar, estimate } = folded
        ? {
            sofar: folded,
            estimate: estimable ? estimateOn(plan, period, timeZone, currency, folded.estimateUsage) : null,
          }
        : await replayed();
      const toDate = asOfMs > startMs ? sofar : { storageGibMonths: gib(0n), storageGibMonthsToDate: gib(0n), egressBytes: 0n, ingressBytes: 0n, requestsA: 0n, requestsB: 0n };

      /** The period's whole stream replayed: what the read model's figures must equal. */
      async function replayed() {
        const usage = await readPeriodUsage(deps.eventStore, params.accountId, period);
        const events = toPeriodUsage(usage.events);
        // a deleted bucket holds 0 from its deletion, to date and in the estimate
        const { carriedIn, deletions } = await periodStorage(deps.eventStore, params.accountId, period, timeZone, events);
        const periodUsage = { ...events, deletions };
        const issues: FieldIssue[] = [];
        const parsed = parseUsage(periodUsage, carriedIn, startMs, endMs, issues);
        if (issues.length > 0) throw new ValidationError(issues);
        const boundaries = asOfMs > startMs && asOfMs < endMs ? [startMs, asOfMs, endMs] : [startMs, endMs];
        const [segment] = meterSegments(parsed, boundaries);
        return {
          sofar: { ...segment!, storageGibMonthsToDate: segment!.storageGibMonths },
          estimate: estimable ? rateInvoice({ period, timeZone, currency, segments: plan!.segments, usage: periodUsage, carriedInStorage: carriedIn, creditAvailable: '0' }) : null,
        };
      }
      return {
        status: 200,
        body: {
          period,
          periodStart: bounds.start,
          periodEnd: bounds.end,
          asOf: new Date(asOfMs).toISOString(),
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
