import type { DomainEvent } from '../decider.ts';
import type { BilledLine } from '../rating/adjustments.ts';
import type { RatedInvoice } from '../rating/rate-invoice.ts';
import { eventUnion } from '../shared/event-union.ts';
import type { InvoiceLegalDetails } from './invoice-parties.ts';

/** An issued invoice, named. */
export interface InvoiceReference {
  period: string;
  invoiceId: string;
  number: string;
}

/**
 * An earlier period whose late usage an invoice bills as adjustment lines: what the period
 * was rated again from (its usage stream up to a revision, and the carried-in storage and
 * plan segments its own issued invoice was rated with), and what the issued invoices named
 * in `billedOn` had billed for it before (per line), which the adjustment is the difference from.
 */
export interface AdjustedPeriodInputs {
  period: string;
  usageStream: string;
  usageStreamRevision: string | null;
  carriedInStorage: Record<string, string>;
  /** the deletions its own invoice was rated with (absent: none) */
  deletions?: { bucket: string; at: string }[];
  planVersions: { planId: string; version: number }[];
  segments: { from: string; to: string; planId: string; version: number }[];
  billedBefore: BilledLine[];
  billedOn: InvoiceReference[];
}

/**
 * What an invoice was computed from: enough to replay it exactly (audit by replay).
 * Usage is the period's stream up to `usageStreamRevision` (null: the stream was empty).
 * `adjustedPeriods` and `billedElsewhere` are present only when the invoice has adjustment
 * lines (late usage of earlier periods; a replacement taking off what later invoices already
 * billed for its period), so invoices without them record, and digest, what they always did.
 */
export interface InvoiceInputs {
  usageStream: string;
  usageStreamRevision: string | null;
  carriedInStorage: Record<string, string>;
  /**
   * Buckets deleted inside the period (`BucketDeleted`, from the buckets' streams): each holds 0
   * from its instant. Present only when there are some, so invoices without any record, and
   * audit, what they always did.
   */
  deletions?: { bucket: string; at: string }[];
  planVersions: { planId: string; version: number }[];
  segments: { from: string; to: string; planId: string; version: number }[];
  creditAvailable: string;
  engineVersion: string;
  adjustedPeriods?: AdjustedPeriodInputs[];
  billedElsewhere?: { lines: BilledLine[]; billedOn: InvoiceReference[] };
}

export type InvoiceDrafted = DomainEvent<
  'InvoiceDrafted',
  {
    accountId: string;
    period: string;
    invoiceId: string;
    rated: RatedInvoice;
    inputs: InvoiceInputs;
    /** SHA-256 of the rated invoice's canonical JSON */
    digest: string;
    draftedAt: string;
  }
>;

export type InvoiceIssued = DomainEvent<
  'InvoiceIssued',
  {
    accountId: string;
    period: string;
    invoiceId: string;
    number: string;
    /** dates in the account's time zone, YYYY-MM-DD */
    issueDate: string;
    dueDate: string;
    total: string;
    currency: string;
    digest: string;
    issuedAt: string;
    /**
     * The IANA time-zone database version the invoice's dates and period bounds were computed
     * with, so a later audit can tell a rule change from a data change. Absent in invoices
     * issued before it was recorded.
     */
    tzDataVersion?: string;
    /**
     * The voided invoice of the period this one replaces, and why it was voided. Absent for a
     * first invoice, and for replacements issued before it was recorded (the read model links
     * those by their period).
     */
    replaces?: ReplacedInvoice;
  } & Partial<InvoiceLegalDetails>
>;

/** A voided invoice, as the invoice replacing it names it. */
export interface ReplacedInvoice {
  invoiceId: string;
  number: string;
  reason: string;
  voidedAt: string;
}

export type InvoiceEvent = InvoiceDrafted | InvoiceIssued;

export const invoiceEvents = eventUnion<InvoiceEvent>({ InvoiceDrafted: true, InvoiceIssued: true });
export const INVOICE_EVENT_TYPES = invoiceEvents.types;

export const invoiceStream = (accountId: string, period: string) => `invoice-${accountId}:${period}`;

/** Gapless, increasing per year: the stream's revision is the sequence. */
export type InvoiceNumberAssigned = DomainEvent<
  'InvoiceNumberAssigned',
  { year: number; sequence: number; number: string; invoiceId: string; accountId: string; period: string; assignedAt: string }
>;

export const invoiceNumberStream = (year: number) => `invoicenumbers-${year}`;

/**
 * Recorded before an invoice takes its number, once per invoice: the year it is numbered in
 * (a retry after a crash uses this year, even when it runs in the next), and the year's last
 * number at that moment (`afterSequence`): the invoice's number, if it took one, comes after
 * it, so finding it reads the stream from there, never the whole year.
 */
export type InvoiceNumberRequested = DomainEvent<
  'InvoiceNumberRequested',
  { invoiceId: string; accountId: string; period: string; year: number; afterSequence: number; requestedAt: string }
>;

export const invoiceNumberRequestStream = (invoiceId: string) => `invoicenumber-${invoiceId}`;

// ---- Settlement: payments, credit notes, void, dunning (issue 4, items 5–7) ----
// They live in the invoice's own stream, so every rule about one invoice (what is still
// due, Σ credit notes ≤ total, void only without payments, each reminder once) is decided
// on one stream's state and guarded by its expected revision.

export const PAYMENT_METHODS = ['pix', 'boleto', 'card', 'transfer'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

/**
 * A payment received against an issued invoice. `appliedAmount` went to the invoice;
 * `excessAmount` (an overpayment) became account credit (`AccountCredited`, `credit-<accountId>`).
 */
export type PaymentRecorded = DomainEvent<
  'PaymentRecorded',
  {
    accountId: string;
    period: string;
    invoiceId: string;
    number: string;
    paymentId: string;
    externalRef: string;
    amount: string;
    currency: string;
    method: PaymentMethod;
    /** when the money arrived, as the payment provider says (UTC ISO) */
    receivedAt: string;
    recordedAt: string;
    appliedAmount: string;
    excessAmount: string;
    amountPaidAfter: string;
    amountDueAfter: string;
  }
>;

/** Nothing is due any more: payments (and credit notes) cover the total. */
export type InvoicePaid = DomainEvent<
  'InvoicePaid',
  { accountId: string; period: string; invoiceId: string; number: string; total: string; amountPaid: string; amountCredited: string; currency: string; paidAt: string }
>;

/**
 * A correction of an issued invoice, which itself never changes. `appliedAmount` reduced
 * what was due; `excessAmount` (the part of the invoice already paid) became account credit.
 */
export type CreditNoteIssued = DomainEvent<
  'CreditNoteIssued',
  {
    accountId: string;
    period: string;
    invoiceId: string;
    number: string;
    creditNoteId: string;
    amount: string;
    currency: string;
    reason: string;
    issuedAt: string;
    appliedAmount: string;
    excessAmount: string;
    amountCreditedAfter: string;
    amountDueAfter: string;
  }
>;

/** Cancelled as a whole (only with no payment recorded); the next billing run drafts a replacement. */
export type InvoiceVoided = DomainEvent<
  'InvoiceVoided',
  { accountId: string; period: string; invoiceId: string; number: string; total: string; creditApplied: string; currency: string; reason: string; voidedAt: string }
>;

/** Unpaid after the end of its due date in the account's time zone. */
export type InvoiceOverdue = DomainEvent<
  'InvoiceOverdue',
  { accountId: string; period: string; invoiceId: string; number: string; dueDate: string; amountDue: string; currency: string; overdueAt: string }
>;

/** A reminder to send (by the email reactor) on day 1, 7 or 14 after the due date; recorded once each. */
export type PaymentReminderDue = DomainEvent<
  'PaymentReminderDue',
  { accountId: string; period: string; invoiceId: string; number: string; dueDate: string; day: number; amountDue: string; currency: string; remindedAt: string }
>;

/**
 * A payment taken back (a chargeback, or money recorded on the wrong invoice): the payment
 * stays in the history and this event undoes it. `appliedAmount` is due on the invoice again;
 * `excessAmount` (what the payment had credited to the account) came off the account's credit
 * (`CreditReversed`). `reopened`: the invoice had been paid and now has something due again;
 * dunning picks it up where it was (its overdue mark and reminders stand).
 */
export type PaymentReversed = DomainEvent<
  'PaymentReversed',
  {
    accountId: string;
    period: string;
    invoiceId: string;
    number: string;
    paymentId: string;
    externalRef: string;
    amount: string;
    currency: string;
    reason: string;
    reversedAt: string;
    appliedAmount: string;
    excessAmount: string;
    amountPaidAfter: string;
    amountDueAfter: string;
    reopened: boolean;
  }
>;

export type InvoiceSettlementEvent = PaymentRecorded | InvoicePaid | CreditNoteIssued | InvoiceVoided | InvoiceOverdue | PaymentReminderDue | PaymentReversed;

/** Every event of an invoice stream (the drafted/issued ones above, and settlement). */
export type InvoiceStreamEvent = InvoiceEvent | InvoiceSettlementEvent;

const SETTLEMENT = { PaymentRecorded: true, InvoicePaid: true, CreditNoteIssued: true, InvoiceVoided: true, InvoiceOverdue: true, PaymentReminderDue: true, PaymentReversed: true } as const;
export const invoiceSettlementEvents = eventUnion<InvoiceSettlementEvent>(SETTLEMENT);
export const INVOICE_SETTLEMENT_EVENT_TYPES = invoiceSettlementEvents.types;
export const invoiceStreamEvents = eventUnion<InvoiceStreamEvent>({ InvoiceDrafted: true, InvoiceIssued: true, ...SETTLEMENT });

/** `paymentref-<externalRef>`: makes an external reference unique on the whole platform. */
export const paymentReferenceStream = (externalRef: string) => `paymentref-${externalRef}`;
