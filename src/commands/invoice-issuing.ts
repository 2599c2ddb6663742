import { invoiceDecider, type InvoiceState } from '../domain/invoice/invoice-decider.ts';
import { localDate } from '../domain/invoice/dunning-rules.ts';
import { invoiceStream, type InvoiceDrafted } from '../domain/invoice/invoice-events.ts';
import type { InvoiceLegalDetails } from '../domain/invoice/invoice-parties.ts';
import { creditDecider, type CreditState } from '../domain/credit/credit-decider.ts';
import { creditStream } from '../domain/credit/credit-events.ts';
import { ConflictError } from '../domain/errors.ts';
import type { EventStore } from '../ports/event-store.ts';
import { handleCommand, loadAggregate, type CommandContext } from './command-handler.ts';
import { numberInvoice } from './invoice-numbering.ts';

export interface InvoiceToIssue {
  accountId: string;
  period: string;
  timeZone: string;
  /** the account's due date for an invoice issued on `issueDate` (local, YYYY-MM-DD) */
  dueDateFor: (issueDate: string) => string;
  /** the account's credit as the caller read it before rating the draft, if it did: not read again for the first attempt */
  credit?: { state: CreditState; revision: bigint | null };
  /** the time-zone database the caller computes dates with (`process.versions.tz`), recorded on the invoice */
  tzDataVersion?: string;
  /** who the invoice names and each line's tax, for the draft being issued; absent: none recorded */
  legalDetailsFor?: (draft: InvoiceDrafted['data']) => InvoiceLegalDetails;
}

export type IssueOutcome =
  /** `issuedNow` false: another run (or an earlier attempt) had issued it */
  { issuedNow: boolean; invoiceId: string; number: string; total: string };

/** A draft replaced under a run more often than this in one go is left to the next run. */
const MAX_REDRAFTS = 5;

/**
 * Issues the period's current draft: takes its credit off the account's credit, gives it its
 * number, and issues exactly that draft (its id and digest). Another run may replace the draft
 * in between (late usage): then issuing is refused and all three steps are decided again on
 * the new draft, whose credit, applied for a later draft revision, a run still holding the
 * older draft can no longer overwrite. The number belongs to the invoice id, which a re-draft
 * keeps, so deciding again takes no second number.
 *
 * `current` is the invoice's state and revision as the caller last read them.
 */
export async function issueCurrentDraft(
  eventStore: EventStore,
  invoice: InvoiceToIssue,
  current: { state: InvoiceState; revision: bigint | null },
  now: Date,
  context: CommandContext,
): Promise<IssueOutcome> {
  const { accountId, period, timeZone } = invoice;
  const stream = invoiceStream(accountId, period);
  let { state, revision } = current;
  for (let attempt = 1; ; attempt++) {
    if (state.status === 'issued') return { issuedNow: false, invoiceId: state.issued.invoiceId, number: state.issued.number, total: state.issued.total };
    if (state.status !== 'draft' || revision === null) throw new Error(`invoice ${stream} has no draft to issue`);
    const { draft } = state;

    // Refused if the credit is no longer available: the account fails, and the next run re-rates.
    // Most drafts take no credit from an account that has none: decided on the credit as read, that is no round trip.
    await handleCommand(
      eventStore,
      creditDecider,
      creditStream(accountId),
      {
        type: 'ApplyCredit',
        data: { accountId, period, invoiceId: draft.invoiceId, amount: draft.rated.creditApplied, currency: draft.rated.currency, appliedAt: now.toISOString(), draftRevision: revision.toString() },
      },
      context,
      undefined,
      attempt === 1 ? invoice.credit : undefined,
    );
    const taken = await numberInvoice(
      eventStore,
      { invoiceId: draft.invoiceId, accountId, period, year: Number(localDate(now, timeZone).slice(0, 4)), at: now.toISOString() },
      context,
    );
    // Issued when numbered: an overlapping run may have numbered an invoice after this run
    // started, and a higher number must not carry an earlier issue time (or date).
    const numberedIssueDate = localDate(new Date(taken.assignedAt), timeZone);
    // never into the next year: the number belongs to its year's sequence
    const issueDate = numberedIssueDate.startsWith(`${taken.year}-`) ? numberedIssueDate : localDate(now, timeZone);
    try {
      const issued = await handleCommand(
        eventStore,
        invoiceDecider,
        stream,
        {
          type: 'IssueInvoice',
          data: {
            accountId,
            period,
            invoiceId: draft.invoiceId,
            digest: draft.digest,
            number: taken.number,
            issueDate,
            dueDate: invoice.dueDateFor(issueDate),
            issuedAt: taken.assignedAt,
            ...(invoice.tzDataVersion !== undefined && { tzDataVersion: invoice.tzDataVersion }),
            ...(invoice.legalDetailsFor && invoice.legalDetailsFor(draft)),
          },
        },
        { ...context, occurredAt: taken.assignedAt },
        undefined,
        // as drafted (or read again after a re-draft): the issue is appended at that revision
        { state, revision },
      );
      if (issued.state.status !== 'issued') throw new Error(`invoice ${stream} was not issued`);
      const { invoiceId, number, total } = issued.state.issued;
      return { issuedNow: issued.events.length > 0, invoiceId, number, total };
    } catch (error) {
      if (!(error instanceof ConflictError && error.code === 'invoice_draft_changed') || attempt >= MAX_REDRAFTS) throw error;
      ({ state, revision } = await loadAggregate(eventStore, invoiceDecider, stream));
    }
  }
}
