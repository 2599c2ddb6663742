import type { PostalAddress } from '../account/postal-address.ts';
import type { TaxDocument } from '../account/tax-document.ts';
import { exact, ZERO, type ExactDecimal } from '../rating/exact-decimal.ts';
import type { InvoiceIssued } from './invoice-events.ts';

/**
 * What a Brazilian service invoice (NFS-e) for an issued invoice says: the service (its code
 * in the municipality's list, LC 116/2003), where it was rendered, the ISS rate and amounts,
 * the provider and the taker (tomador) with document and address. One per issued invoice,
 * made from its `InvoiceIssued` alone; a municipal gateway turns it into its own format.
 */
export interface ServiceInvoiceRecord {
  /** the invoice it is for: a gateway keys on it, so sending it twice issues one NFS-e */
  invoiceId: string;
  invoiceNumber: string;
  /** competência: the billing period, YYYY-MM */
  competence: string;
  issueDate: string;
  servicePeriod: { from: string; to: string; timeZone: string };
  service: { code: string; description: string };
  /** IBGE code of the municipality the service is rendered in (the provider's), ISS is due there */
  municipalityCode: string | null;
  currency: string;
  /** Σ lines (the services), the ISS and what the taker owes after account credit */
  servicesAmount: string;
  issAmount: string;
  creditApplied: string;
  total: string;
  /** the ISS rate, a fraction; null when lines bear different rates (see `rates`) */
  issRate: string | null;
  /** the services' amount per rate, for a municipality that takes one line per rate */
  rates: { taxName: string; taxRate: string; servicesAmount: string }[];
  provider: { legalName: string; document: TaxDocument; municipalRegistration: string | null; address: PostalAddress | null; email: string };
  taker: { legalName: string; document: TaxDocument; address: PostalAddress | null; email: string };
  /** the voided invoice this one replaces: its NFS-e is the one to cancel */
  replaces: { invoiceId: string; number: string; reason: string } | null;
}

/** What rating gave the issued invoice, which `InvoiceIssued` does not repeat. */
export interface RatedFigures {
  lines: { amount: string }[];
  subtotal: string;
  tax: string;
  creditApplied: string;
  total: string;
}

/**
 * The record for an issued invoice, or null for one issued before customer, issuer and line
 * taxes were recorded (there is no taker to name). Pure.
 */
export function serviceInvoiceOf(issued: InvoiceIssued['data'], rated: RatedFigures, service: { code: string; description: string }): ServiceInvoiceRecord | null {
  const { customer, issuer, lineTaxes, servicePeriod } = issued;
  if (!customer || !issuer || !lineTaxes || !servicePeriod) return null;
  const byRate = new Map<string, { taxName: string; taxRate: string; amount: ExactDecimal }>();
  rated.lines.forEach((line, index) => {
    const tax = lineTaxes[index];
    if (!tax) return;
    const key = `${tax.taxName}@${exact(tax.taxRate).toFixed()}`;
    const entry = byRate.get(key) ?? { taxName: tax.taxName, taxRate: tax.taxRate, amount: ZERO };
    byRate.set(key, { ...entry, amount: entry.amount.plus(line.amount) });
  });
  const rates = [...byRate.values()].map((r) => ({ taxName: r.taxName, taxRate: r.taxRate, servicesAmount: r.amount.toFixed(2) }));
  return {
    invoiceId: issued.invoiceId,
    invoiceNumber: issued.number,
    competence: issued.period,
    issueDate: issued.issueDate,
    servicePeriod,
    service,
    municipalityCode: issuer.address?.municipalityCode ?? null,
    currency: issued.currency,
    servicesAmount: rated.subtotal,
    issAmount: rated.tax,
    creditApplied: rated.creditApplied,
    total: rated.total,
    issRate: rates.length === 1 ? rates[0]!.taxRate : null,
    rates,
    provider: { legalName: issuer.legalName, document: issuer.document, municipalRegistration: issuer.municipalRegistration ?? null, address: issuer.address, email: issuer.email },
    taker: { legalName: customer.legalName, document: customer.document, address: customer.address, email: customer.email },
    replaces: issued.replaces ? { invoiceId: issued.replaces.invoiceId, number: issued.replaces.number, reason: issued.replaces.reason } : null,
  };
}
