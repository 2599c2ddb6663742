import type { Role } from '../../domain/access/permissions.ts';
import type { PaymentMethod } from '../../domain/invoice/invoice-events.ts';

/** The languages a message is written in: the account's locale. */
export { LOCALES as EMAIL_LOCALES, type Locale as EmailLocale } from '../../domain/account/account-locale.ts';

export { EMAIL_KINDS, type EmailKind } from '../../domain/email/email-events.ts';
import type { EmailKind } from '../../domain/email/email-events.ts';

/**
 * What every message names: the brand it is sent under (the platform's, or a white-label
 * account's own) and the customer account it is about. Neither is ever hard-coded.
 */
export interface EmailParties {
  brandName: string;
  accountName: string;
}

/**
 * One line of an invoice as the email shows it. A rating engine's `RatedLine` fits as is
 * (its other fields are ignored). Amounts are decimal strings in major units.
 */
export interface InvoiceLineInput {
  /** `monthly_fee`, a meter (`storage_gib_month`, `egress_gib`, …), `minimum_true_up` or `adjustment` */
  kind: string;
  planId?: string | null;
  /** adjustment lines: the earlier period and the line kind they adjust */
  adjusts?: { period: string; kind: string } | null;
  quantity: string;
  unit: string;
  amount: string;
}

/** From `InvoiceIssued`, with the lines and totals of the invoice it issued (`InvoiceDrafted.rated`). */
export interface InvoiceIssuedInput extends EmailParties {
  number: string;
  /** `YYYY-MM` */
  period: string;
  /** `YYYY-MM-DD`, already in the account's time zone */
  issueDate: string;
  dueDate: string;
  currency: string;
  lines: InvoiceLineInput[];
  subtotal: string;
  tax: string;
  /** account credit taken off the invoice; `"0.00"` when none */
  creditApplied: string;
  total: string;
  /** a replacement: the voided invoice it is issued in place of, and why that one was voided */
  replaces?: { number: string; reason: string };
}

/** From `PaymentRecorded`. */
export interface PaymentReceivedInput extends EmailParties {
  timeZone: string;
  number: string;
  currency: string;
  amount: string;
  method: PaymentMethod;
  /** when the money arrived (an instant, ISO 8601); shown in `timeZone` */
  receivedAt: string;
  /** the part that became account credit (an overpayment) */
  excessAmount: string;
  amountDueAfter: string;
}

/** From `PaymentReminderDue`. */
export interface PaymentReminderInput extends EmailParties {
  number: string;
  /** `YYYY-MM-DD`, in the account's time zone */
  dueDate: string;
  /** days after the due date: 1, 7, 14 */
  day: number;
  amountDue: string;
  currency: string;
}

/** The account's stored bytes crossed 80% or 100% of its quota. */
export interface QuotaWarningInput extends EmailParties {
  timeZone: string;
  threshold: 80 | 100;
  /** bytes stored, an integer string (never a JS number: it may pass 2^53) */
  usedBytes: string;
  quotaGiB: number;
  /** when the usage was measured (an instant, ISO 8601) */
  measuredAt: string;
}

/** From `MemberInvited`, plus what the event never holds: the token itself (it keeps only its digest). */
export interface InvitationInput extends EmailParties {
  timeZone: string;
  email: string;
  role: Role;
  /** an instant, ISO 8601 */
  expiresAt: string;
  /** the portal's address, `https://…`; the acceptance link is built on it */
  acceptBaseUrl: string;
  token: string;
}

/** From `AccountSuspended` / `AccountReactivated`: why (null for a reactivation recorded without one). */
export interface AccountStatusInput extends EmailParties {
  reason: string | null;
}

/** From `InvoiceVoided`. */
export interface InvoiceVoidedInput extends EmailParties {
  number: string;
  /** `YYYY-MM` */
  period: string;
  total: string;
  currency: string;
  reason: string;
}

/** From `CreditNoteIssued`: `number` is the invoice it credits. */
export interface CreditNoteIssuedInput extends EmailParties {
  number: string;
  amount: string;
  currency: string;
  reason: string;
  /** the part of the invoice already paid, become account credit */
  excessAmount: string;
  amountDueAfter: string;
}

/** From `PaymentReversed`: `number` is the invoice the payment was on. */
export interface PaymentReversedInput extends EmailParties {
  number: string;
  externalRef: string;
  amount: string;
  currency: string;
  reason: string;
  /** taken off the account's credit (what the payment had credited) */
  excessAmount: string;
  amountDueAfter: string;
}

export interface EmailInputs {
  invoice_issued: InvoiceIssuedInput;
  payment_received: PaymentReceivedInput;
  payment_reminder: PaymentReminderInput;
  quota_warning: QuotaWarningInput;
  invitation: InvitationInput;
  account_suspended: AccountStatusInput;
  account_reactivated: AccountStatusInput;
  invoice_voided: InvoiceVoidedInput;
  credit_note_issued: CreditNoteIssuedInput;
  payment_reversed: PaymentReversedInput;
}

export interface EmailAttachment {
  filename: string;
  contentType: string;
  content: string;
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
  attachments: EmailAttachment[];
}
