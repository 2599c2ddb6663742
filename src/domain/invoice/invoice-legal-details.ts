import type { BillingProfile } from '../account/account-events.ts';
import type { RatedInvoice } from '../rating/rated-lines.ts';
import { localDate } from './dunning-rules.ts';
import type { InvoiceParty, LineTax, ServicePeriod } from './invoice-parties.ts';

/** The customer as its billing profile names it now. */
export const customerOf = (profile: BillingProfile): InvoiceParty => ({
  legalName: profile.name,
  document: profile.document,
  address: profile.address ?? null,
  email: profile.billingEmail,
});

/** `storage-basic@1`: a plan version, as tax rates are looked up by. */
export const planVersionKey = (planId: string, version: number) => `${planId}@${version}`;

/**
 * Each line's tax, at the rate rating taxed it with: a period's line at its plan version's
 * rate, the minimum true-up at the rate of the period's last segment, an adjustment at the
 * rate of the plan it adjusts (which the line records). The tax total is rating's, rounded
 * once over the invoice; these say what each line bore.
 */
export function lineTaxesOf(
  rated: RatedInvoice,
  segments: readonly { planId: string; version: number }[],
  taxRates: ReadonlyMap<string, string>,
  taxName: string,
): LineTax[] {
  const rateOf = (planId: string, version: number) => {
    const rate = taxRates.get(planVersionKey(planId, version));
    if (rate === undefined) throw new Error(`no tax rate known for plan ${planId} v${version}`);
    return rate;
  };
  return rated.lines.map((line) => {
    if (line.pricing.model === 'adjustment') return { taxName, taxRate: line.pricing.taxRate };
    if (line.planId !== null && line.planVersion !== null) return { taxName, taxRate: rateOf(line.planId, line.planVersion) };
    const last = segments[segments.length - 1];
    if (!last) throw new Error(`invoice line ${line.kind} has no plan to take its tax rate from`);
    return { taxName, taxRate: rateOf(last.planId, last.version) };
  });
}

/**
 * From the first day billed (the period's first, or the subscription's in a partial first
 * period) to the period's last day, in the account's zone.
 */
export function servicePeriodOf(rated: RatedInvoice, segments: readonly { from: string }[]): ServicePeriod {
  const first = segments[0]?.from ?? rated.periodStart;
  const start = Math.max(Date.parse(first), Date.parse(rated.periodStart));
  return {
    from: localDate(new Date(start), rated.timeZone),
    to: localDate(new Date(Date.parse(rated.periodEnd) - 1), rated.timeZone),
    timeZone: rated.timeZone,
  };
}
