import { randomUUID } from 'node:crypto';
import { invoiceDecider, type InvoiceState } from '../domain/invoice/invoice-decider.ts';
import { invoiceStream, type InvoiceInputs } from '../domain/invoice/invoice-events.ts';
import { rateWithLateUsage } from '../domain/invoice/late-usage.ts';
import { checkPeriod, ENGINE_VERSION, periodBounds, type Currency } from '../domain/rating/index.ts';
import { ValidationError, type FieldIssue } from '../domain/errors.ts';
import type { EventStore } from '../ports/event-store.ts';
import { accountIdsInLog, loadOpenedAccount, loadOpenedAccounts, type OpenedAccount } from './account-roster.ts';
import { handleCommand, type CommandContext } from './command-handler.ts';
import { creditAvailableIn, digestOf, lateUsageAmong, periodStorage, readPeriodClose, readPeriodInvoices, type RatingPlanLoader } from './invoice-inputs.ts';
import { issueCurrentDraft } from './invoice-issuing.ts';
import type { BillingProfile } from '../domain/account/account-events.ts';
import { customerOf, lineTaxesOf, planVersionKey, servicePeriodOf } from '../domain/invoice/invoice-legal-details.ts';
import type { InvoiceParty } from '../domain/invoice/invoice-parties.ts';

export interface BillingRunDeps {
  /** accounts are listed from the log and each read from its own stream: no read model is trusted to list them */
  eventStore: EventStore;
  loadRatingPlan: RatingPlanLoader;
  /** drafts wait this long after the period ends for late usage before they are issued */
  graceHours: number;
  /** accounts rated at once; only the invoice-number sequence is serial */
  concurrency: number;
  /** an invoice is due no sooner than this many days after its issue date (INVOICE_MIN_DAYS_TO_PAY) */
  minDaysToPay: number;
  /** the time-zone database dates are computed with (`process.versions.tz`), recorded on each invoice issued */
  tzDataVersion?: string;
  /**
   * The issuer each invoice names and the tax name its lines bear (the rate is the plan's);
   * absent: invoices are issued without customer, issuer and line taxes (as before they were recorded).
   */
  invoiceParties?: { issuer: InvoiceParty; taxName: string };
}

/** How many accounts' streams one read brings. */
const ACCOUNT_PAGE = 50;

export type AccountOutcome =
  | { accountId: string; outcome: 'issued'; invoiceId: string; number: string; total: string }
  | { accountId: string; outcome: 'drafted'; invoiceId: string; total: string; issuableAt: string }
  | { accountId: string; outcome: 'already_issued'; invoiceId: string; number: string }
  | { accountId: string; outcome: 'skipped'; reason: SkipReason }
  | { accountId: string; outcome: 'failed'; error: string };

/** Why an account has no invoice from a run: the period has not ended in its zone, or it had no plan in it. */
export type SkipReason = 'period_not_ended' | 'no_plan';

/**
 * Every account the event log has opened has exactly one outcome, so
 * accounts = issued + drafted + alreadyIssued + skipped + failed, and a run that could not
 * list them does not answer at all.
 */
export interface BillingRunSummary {
  period: string;
  /** where the accounts were listed from: the log's AccountOpened events, never a read model */
  accountsListedFrom: 'event-log';
  accounts: number;
  issued: number;
  drafted: number;
  alreadyIssued: number;
  skipped: number;
  skippedByReason: Record<SkipReason, number>;
  failed: number;
  outcomes: AccountOutcome[];
}

/**
 * The account's billing day of the month after the period, but never less than
 * `minDaysToPay` days after the issue date (both local dates in the account's zone): an
 * invoice issued late (back-billed) gives its payer the same minimum term as any other,
 * instead of arriving overdue.
 */
export function dueDateFor(period: string, billingDay: number, issueDate: string, minDaysToPay: number): string {
  const [year, month] = period.split('-').map(Number) as [number, number];
  const next = month === 12 ? { year: year + 1, month: 1 } : { year, month: month + 1 };
  const onBillingDay = `${next.year}-${String(next.month).padStart(2, '0')}-${String(billingDay).padStart(2, '0')}`;
  // calendar arithmetic on a local date: UTC midnight has no DST to skip a day
  const earliest = new Date(Date.parse(`${issueDate}T00:00:00Z`) + minDaysToPay * 86_400_000).toISOString().slice(0, 10);
  return earliest > onBillingDay ? earliest : onBillingDay;
}

/**
 * Closes one period for every account: rates it from a replay of its usage stream, drafts
 * the invoice (replacing a draft when late usage changed it), and issues it once the grace
 * period has passed, with the next number of the year. Usage of earlier periods that arrived
 * after their invoices were issued is billed on it as adjustment lines (see `lateUsageFor`).
 * Safe to run twice, or twice at once: every step is an append with an expected revision
 * that decides nothing when already done.
 */
export async function runBilling(
  deps: BillingRunDeps,
  period: string,
  now: Date,
  context: CommandContext,
  onProgress: (done: number, total: number, outcome: AccountOutcome) => void = () => undefined,
): Promise<BillingRunSummary> {
  const issues: FieldIssue[] = [];
  checkPeriod(period, 'period', issues);
  if (issues.length > 0) throw new ValidationError(issues);

  const accounts = await accountIdsInLog(deps.eventStore);

  const outcomes: AccountOutcome[] = [];
  // Accounts are read a page at a time, a round trip per page; only the pages being worked on are held.
  // Their invoices of the period come with them: those already issued need nothing more read.
  type Page = { accounts: Map<string, OpenedAccount>; invoices: Map<string, InvoiceState> };
  const pages = new Map<number, Promise<Page>>();
  const pageOf = (index: number) => {
    const page = Math.floor(index / ACCOUNT_PAGE);
    let loading = pages.get(page);
    if (!loading) {
      pages.delete(page - 2);
      const ids = accounts.slice(page * ACCOUNT_PAGE, (page + 1) * ACCOUNT_PAGE);
      loading = Promise.all([loadOpenedAccounts(deps.eventStore, ids), readPeriodInvoices(deps.eventStore, ids, period)]).then(([opened, invoices]) => ({ accounts: opened, invoices }));
      loading.catch(() => pages.delete(page));
      pages.set(page, loading);
    }
    return loading;
  };
  let next = 0;
  const worker = async () => {
    while (next < accounts.length) {
      const index = next++;
      const accountId = accounts[index]!;
      let outcome: AccountOutcome;
      try {
        // zone, billing day and currency as the account's own stream has them now
        const page = await pageOf(index);
        const account = page.accounts.get(accountId) ?? (await loadOpenedAccount(deps.eventStore, accountId));
        outcome = await closeAccountPeriod(
          deps,
          { account_id: accountId, time_zone: account.timeZone, billing_day: account.profile.billingDay, currency: account.currency, profile: account.profile },
          period,
          now,
          context,
          page.invoices.get(accountId),
        );
      } catch (error) {
        outcome = { accountId, outcome: 'failed', error: error instanceof Error ? error.message : String(error) };
      }
      outcomes.push(outcome);
      onProgress(outcomes.length, accounts.length, outcome);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, deps.concurrency) }, worker));
  outcomes.sort((a, b) => (a.accountId < b.accountId ? -1 : 1));
  const count = (kind: AccountOutcome['outcome']) => outcomes.filter((o) => o.outcome === kind).length;
  const skippedFor = (reason: SkipReason) => outcomes.filter((o) => o.outcome === 'skipped' && o.reason === reason).length;
  return {
    period,
    accountsListedFrom: 'event-log',
    accounts: accounts.length,
    issued: count('issued'),
    drafted: count('drafted'),
    alreadyIssued: count('already_issued'),
    skipped: count('skipped'),
    skippedByReason: { period_not_ended: skippedFor('period_not_ended'), no_plan: skippedFor('no_plan') },
    failed: count('failed'),
    outcomes,
  };
}

async function closeAccountPeriod(
  deps: BillingRunDeps,
  account: { account_id: string; time_zone: string; billing_day: number; currency: string; profile: BillingProfile },
  period: string,
  now: Date,
  context: CommandContext,
  /** the period's invoice as the run's page of accounts read it, if it did */
  pagedInvoice?: InvoiceState,
): Promise<AccountOutcome> {
  const accountId = account.account_id;
  const bounds = periodBounds(period, account.time_zone);
  if (now.getTime() < Date.parse(bounds.end)) return { accountId, outcome: 'skipped', reason: 'period_not_ended' };

  const stream = invoiceStream(accountId, period);
  // An issued invoice never changes: nothing to rate (the decider would record nothing anyway),
  // and a run repeated over a closed period reads no usage.
  if (pagedInvoice?.status === 'issued') return { accountId, outcome: 'already_issued', invoiceId: pagedInvoice.issued.invoiceId, number: pagedInvoice.issued.number };

  // A subscription that starts inside the period gives segments from its start: the engine
  // rates the period from there, prorating fee, minimum, free units and tier bounds.
  const plan = await deps.loadRatingPlan(accountId, period, account.time_zone);
  if (!plan) return { accountId, outcome: 'skipped', reason: 'no_plan' };

  // One read for the invoice, the invoices late usage is decided on, the credit and the usage.
  const read = await readPeriodClose(deps.eventStore, accountId, period, account.time_zone, now);
  const before = read.invoice.state;
  if (before.status === 'issued') return { accountId, outcome: 'already_issued', invoiceId: before.issued.invoiceId, number: before.issued.number };

  const periodUsage = read.usage;
  const { carriedIn, deletions } = await periodStorage(deps.eventStore, accountId, period, account.time_zone, periodUsage);
  const late = await lateUsageAmong(deps.eventStore, accountId, period, read.issued);
  const creditAvailable = creditAvailableIn(read.credit.state, period, account.currency as Currency);
  const { rated, included } = rateWithLateUsage(
    {
      period,
      timeZone: account.time_zone,
      currency: account.currency as Currency,
      segments: plan.segments,
      usage: { ...periodUsage, deletions },
      carriedInStorage: carriedIn,
      creditAvailable,
      ...(late.billedElsewhere ? { billedElsewhere: late.billedElsewhere.lines } : {}),
    },
    late.adjustments,
  );
  if (rated.total.startsWith('-')) {
    return { accountId, outcome: 'failed', error: `the invoice for ${period} would come to ${rated.total} ${rated.currency}: what later invoices already billed for it exceeds it` };
  }
  const inputs: InvoiceInputs = {
    usageStream: read.usageStream,
    usageStreamRevision: read.usageStreamRevision === null ? null : read.usageStreamRevision.toString(),
    carriedInStorage: carriedIn,
    ...(deletions.length > 0 ? { deletions } : {}),
    planVersions: plan.planVersions,
    segments: plan.segments.map((s) => ({ from: s.from, to: s.to, planId: s.plan.planId, version: s.plan.version })),
    // Account credit (overpayments, credit notes on paid invoices): `credit-<accountId>`.
    creditAvailable,
    engineVersion: ENGINE_VERSION,
    ...(included.length > 0 ? { adjustedPeriods: included.map((a) => a.recorded) } : {}),
    ...(late.billedElsewhere ? { billedElsewhere: late.billedElsewhere } : {}),
  };
  const drafted = await handleCommand(
    deps.eventStore,
    invoiceDecider,
    stream,
    {
      type: 'DraftInvoice',
      data: { accountId, period, invoiceId: randomUUID(), rated, inputs, digest: digestOf(rated), draftedAt: now.toISOString() },
    },
    context,
    undefined,
    read.invoice,
  );
  const state = drafted.state;
  if (state.status === 'issued') return { accountId, outcome: 'already_issued', invoiceId: state.issued.invoiceId, number: state.issued.number };
  if (state.status !== 'draft') throw new Error(`invoice ${stream} has no draft after drafting`);

  const issuableAt = Date.parse(bounds.end) + deps.graceHours * 3_600_000;
  if (now.getTime() < issuableAt) {
    return { accountId, outcome: 'drafted', invoiceId: state.draft.invoiceId, total: state.draft.rated.total, issuableAt: new Date(issuableAt).toISOString() };
  }

  // The credit the invoice was rated with comes off the account's credit, the draft takes its
  // number, and exactly that draft is issued (decided again if a run replaced it meanwhile).
  const parties = deps.invoiceParties;
  // each plan version's tax rate, as the period was rated with it
  const taxRates = new Map(plan.segments.map((s) => [planVersionKey(s.plan.planId, s.plan.version), s.plan.taxRate]));
  const issued = await issueCurrentDraft(
    deps.eventStore,
    {
      accountId,
      period,
      timeZone: account.time_zone,
      dueDateFor: (issueDate) => dueDateFor(period, account.billing_day, issueDate, deps.minDaysToPay),
      credit: read.credit,
      tzDataVersion: deps.tzDataVersion,
      ...(parties && {
        legalDetailsFor: (draft) => ({
          customer: customerOf(account.profile),
          issuer: parties.issuer,
          lineTaxes: lineTaxesOf(draft.rated, draft.inputs.segments, taxRates, parties.taxName),
          servicePeriod: servicePeriodOf(draft.rated, draft.inputs.segments),
        }),
      }),
    },
    { state, revision: drafted.revision },
    now,
    context,
  );
  return issued.issuedNow
    ? { accountId, outcome: 'issued', invoiceId: issued.invoiceId, number: issued.number, total: issued.total }
    : { accountId, outcome: 'already_issued', invoiceId: issued.invoiceId, number: issued.number };
}

