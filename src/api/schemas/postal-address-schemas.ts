import { z } from 'zod';
import {
  ADDRESS_CITY,
  ADDRESS_COMPLEMENT,
  ADDRESS_COUNTRY,
  ADDRESS_DISTRICT,
  ADDRESS_NUMBER,
  ADDRESS_POSTAL_CODE,
  ADDRESS_STATE,
  ADDRESS_STREET,
  BRAZILIAN_STATES,
  checkPostalAddress,
  MUNICIPALITY_CODE,
  type PostalAddressInput,
} from '../../domain/account/postal-address.ts';
import type { FieldIssue } from '../../domain/errors.ts';
import { fitsText, type TextRule } from '../../domain/shared/field-rule.ts';
import { textField } from './field-rule-schema.ts';

const trimmed = (rule: TextRule, message: string) =>
  textField(rule, (value: string, path: string, issues: FieldIssue[]) => {
    if (!fitsText(value.trim(), rule)) issues.push({ path, message });
  });

/**
 * An address as a request gives it. Each field has its own bounds; what depends on the country
 * (a Brazilian UF, the CEP's 8 digits, an IBGE code only in Brazil) is the domain's check of the
 * whole address, naming the field.
 */
export const PostalAddressBody = z
  .strictObject({
    street: trimmed(ADDRESS_STREET, 'must be 1 to 200 characters'),
    number: trimmed(ADDRESS_NUMBER, 'must be 1 to 20 characters ("S/N" where there is none)'),
    complement: trimmed(ADDRESS_COMPLEMENT, 'must be at most 100 characters').optional(),
    district: trimmed(ADDRESS_DISTRICT, 'must be 1 to 100 characters').describe('bairro'),
    city: trimmed(ADDRESS_CITY, 'must be 1 to 100 characters'),
    state: trimmed(ADDRESS_STATE, 'must be 1 to 100 characters').describe(`in Brazil a UF: ${BRAZILIAN_STATES.join(', ')}`),
    postalCode: trimmed(ADDRESS_POSTAL_CODE, 'must be 1 to 16 letters, digits, spaces or hyphens').describe('in Brazil a CEP: 8 digits, `01310-100` or `01310100`'),
    country: trimmed(ADDRESS_COUNTRY, 'must be an ISO 3166 two-letter country code in capitals, such as BR').optional().describe('ISO 3166-1 alpha-2; BR when absent'),
    municipalityCode: trimmed(MUNICIPALITY_CODE, "must be the municipality's 7-digit IBGE code").optional().describe('IBGE code of the municipality (Brazil only), which the NFS-e names'),
  })
  .superRefine((address, ctx) => {
    const issues: FieldIssue[] = [];
    checkPostalAddress(address as PostalAddressInput, '', issues);
    // the fields' own bounds were reported above; only the rules across fields are added here
    const CROSS_FIELD = ['state', 'postalCode', 'municipalityCode'];
    for (const issue of issues) {
      if (!CROSS_FIELD.includes(issue.path)) continue;
      const rule = { state: ADDRESS_STATE, postalCode: ADDRESS_POSTAL_CODE, municipalityCode: MUNICIPALITY_CODE }[issue.path as 'state']!;
      const value = (address as Record<string, unknown>)[issue.path];
      if (typeof value === 'string' && !fitsText(value.trim(), rule)) continue;
      ctx.addIssue({ code: 'custom', path: [issue.path], message: issue.message });
    }
  })
  .describe('where the customer is; in Brazil with a UF and a CEP');

export const PostalAddressView = z
  .object({
    street: z.string(),
    number: z.string(),
    complement: z.string().optional(),
    district: z.string(),
    city: z.string(),
    state: z.string(),
    postalCode: z.string().describe('a CEP as its 8 digits'),
    country: z.string(),
    municipalityCode: z.string().optional(),
  })
  .meta({ id: 'PostalAddress' });
