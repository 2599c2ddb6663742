import type { DomainEvent } from '../decider.ts';
import type { RatedInvoice } from '../rating/rate-invoice.ts';

/**
 * What an invoice was computed from: enough to replay it exactly (audit by replay).
 * Usage is the period's stream up to `usageStreamRevision` (null: the stream was empty).
 */
export interface InvoiceInputs {
  usageStream: string;
  usageStreamRevision: string | null;
  carriedInStorage: Record<string, string>;
  planVersions: { planId: string; version: number }[];
  segments: { from: string; to: string; planId: string; version: number }[];
  creditAvailable: string;
  engineVersion: string;
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
  }
>;

export type InvoiceEvent = InvoiceDrafted | InvoiceIssued;

export const INVOICE_EVENT_TYPES = ['InvoiceDrafted', 'InvoiceIssued'] as const satisfies readonly InvoiceEvent['type'][];

export const invoiceStream = (accountId: string, period: string) => `invoice-${accountId}:${period}`;

/** Gapless, increasing per year: the stream's revision is the sequence. */
export type InvoiceNumberAssigned = DomainEvent<
  'InvoiceNumberAssigned',
  { year: number; sequence: number; number: string; invoiceId: string; accountId: string; period: string; assignedAt: string }
>;

export const invoiceNumberStream = (year: number) => `invoicenumbers-${year}`;
