import type { InvoiceLegalDetails } from '../../domain/invoice/invoice-parties.ts';
import type { RatedLine } from '../../domain/rating/index.ts';

/**
 * Account credit applied to an invoice, shown as its last line (negative). Not a rated line:
 * those are what the digest and the audit cover, and what tax is computed on.
 */
export interface CreditAppliedLine {
  kind: 'credit_applied';
  segment: null;
  planId: null;
  planVersion: null;
  from: string;
  to: string;
  quantity: '1';
  unit: 'credit';
  pricing: { model: 'credit' };
  amount: string;
  unroundedAmount: string;
  explanation: string;
}

export type InvoiceLine = RatedLine | CreditAppliedLine;

/** One row per account and period; amounts are numeric, read back as decimal strings. */
export interface InvoicesTable {
  invoice_id: string;
  account_id: string;
  period: string;
  /** issued and nothing else yet; overdue: past its due date with something due; paid: nothing due any more */
  status: InvoiceStatus;
  number: string | null;
  currency: string;
  subtotal: string;
  tax: string;
  credit_applied: string;
  total: string;
  lines: InvoiceLine[];
  digest: string;
  issue_date: string | null;
  due_date: string | null;
  drafted_at: Date | string;
  issued_at: Date | string | null;
  /** the time-zone database the invoice was issued with (migration 0091); null before issue and for invoices issued before it was recorded */
  tz_data_version?: string | null;
  /** customer, issuer, line taxes and service period as issued (migration 0130); null before issue and for invoices issued before they were recorded */
  legal?: InvoiceLegalDetails | null;
  /** the voided invoice of the period this one was issued in place of, and the one issued in place of this (migration 0131) */
  replaces_invoice_id?: string | null;
  replaced_by_invoice_id?: string | null;
  // Settlement (migration 0015): amount due = total − amount_paid − amount_credited. Both are
  // `not null default 0`; optional here only so that inserts may leave them to the default.
  amount_paid?: string;
  amount_credited?: string;
  paid_at: Date | string | null;
  overdue_at: Date | string | null;
  last_reminder_day: number | null;
  voided_at: Date | string | null;
  void_reason: string | null;
}

export const INVOICE_STATUSES = ['draft', 'issued', 'overdue', 'paid', 'void'] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];

export interface InvoiceTables {
  invoices: InvoicesTable;
}
