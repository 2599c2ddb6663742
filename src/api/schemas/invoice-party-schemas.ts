import { z } from 'zod';
import { formatTaxDocument } from '../../domain/account/tax-document.ts';
import type { InvoiceLegalDetails, InvoiceParty } from '../../domain/invoice/invoice-parties.ts';
import { PostalAddressView } from './postal-address-schemas.ts';

export const InvoicePartyView = z
  .object({
    legalName: z.string(),
    document: z.object({ kind: z.enum(['cpf', 'cnpj']), number: z.string(), formatted: z.string() }),
    address: PostalAddressView.nullable().describe('null: none had been given when the invoice was issued'),
    email: z.string(),
    municipalRegistration: z.string().optional().describe("the issuer's inscrição municipal, when configured"),
  })
  .meta({ id: 'InvoiceParty' });

export const ServicePeriodView = z
  .object({ from: z.string(), to: z.string(), timeZone: z.string() })
  .describe("the days billed, inclusive, as local dates (YYYY-MM-DD) in the account's zone")
  .meta({ id: 'ServicePeriod' });

/** What an issued invoice names beside its figures; each null for a draft and for invoices issued before they were recorded. */
export const invoicePartiesFields = {
  customer: InvoicePartyView.nullable().describe("the customer's legal name, document, address and billing email as they were at issue"),
  issuer: InvoicePartyView.nullable().describe('the platform, as configured (ISSUER_*) when the invoice was issued'),
  servicePeriod: ServicePeriodView.nullable(),
};

const partyView = (party: InvoiceParty) => ({ ...party, document: { ...party.document, formatted: formatTaxDocument(party.document) } });

export function invoicePartiesView(legal: InvoiceLegalDetails | null | undefined) {
  if (!legal) return { customer: null, issuer: null, servicePeriod: null };
  return { customer: partyView(legal.customer), issuer: partyView(legal.issuer), servicePeriod: legal.servicePeriod };
}
