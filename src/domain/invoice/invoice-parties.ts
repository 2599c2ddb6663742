import type { PostalAddress } from '../account/postal-address.ts';
import type { TaxDocument } from '../account/tax-document.ts';

/**
 * Who an invoice is between, as they were when it was issued: a later change of the billing
 * profile (a new address, a new legal name) never changes an invoice already issued.
 */
export interface InvoiceParty {
  legalName: string;
  document: TaxDocument;
  /** null: the customer had given none when the invoice was issued */
  address: PostalAddress | null;
  email: string;
  /** the issuer's municipal registration (inscrição municipal), which an NFS-e names */
  municipalRegistration?: string;
}

/** The tax a line bears: its name (ISS by default) and its rate, a fraction (`0.05` is 5 %). */
export interface LineTax {
  taxName: string;
  taxRate: string;
}

/** The days the invoice bills, inclusive, as local dates in the account's zone. */
export interface ServicePeriod {
  from: string;
  to: string;
  timeZone: string;
}

/**
 * What an issued invoice names beside its figures. Recorded on `InvoiceIssued` (never on the
 * draft): the rated invoice, its digest and its audit stay exactly what they were.
 */
export interface InvoiceLegalDetails {
  customer: InvoiceParty;
  issuer: InvoiceParty;
  /** one per rated line, in the lines' order */
  lineTaxes: LineTax[];
  servicePeriod: ServicePeriod;
}
