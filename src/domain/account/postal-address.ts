import type { FieldIssue } from '../errors.ts';
import { fitsText, type TextRule } from '../shared/field-rule.ts';

/**
 * Where a customer (or the platform, as issuer) is, as an invoice and a Brazilian service
 * invoice (NFS-e) name it. Brazil is the platform's home: a Brazilian address has a state
 * (UF) of the 27 and a CEP of 8 digits; an address abroad has looser rules, as its country's
 * post writes it.
 */
export interface PostalAddress {
  street: string;
  /** the building's number; "S/N" where there is none */
  number: string;
  complement?: string;
  /** bairro */
  district: string;
  city: string;
  /** a UF (SP, RJ, …) in Brazil; a region's name or code elsewhere */
  state: string;
  /** Brazil: the CEP's 8 digits, without the hyphen (formatted `01310-100` when shown) */
  postalCode: string;
  /** ISO 3166-1 alpha-2, `BR` when not given */
  country: string;
  /** the IBGE code of the municipality (7 digits), which the NFS-e names the service's place by; Brazil only */
  municipalityCode?: string;
}

/** An address as typed: the CEP may carry its hyphen, the country may be left out (BR). */
export type PostalAddressInput = Omit<PostalAddress, 'country'> & { country?: string };

/** The 26 states and the Federal District. */
export const BRAZILIAN_STATES = [
  'AC', 'AL', 'AP', 'AM', 'BA', 'CE', 'DF', 'ES', 'GO', 'MA', 'MT', 'MS', 'MG', 'PA',
  'PB', 'PR', 'PE', 'PI', 'RJ', 'RN', 'RS', 'RO', 'RR', 'SC', 'SP', 'SE', 'TO',
] as const;

/** Surrounding spaces are not counted. */
export const ADDRESS_STREET: TextRule = { minLength: 1, maxLength: 200 };
export const ADDRESS_NUMBER: TextRule = { minLength: 1, maxLength: 20 };
export const ADDRESS_COMPLEMENT: TextRule = { maxLength: 100 };
export const ADDRESS_DISTRICT: TextRule = { minLength: 1, maxLength: 100 };
export const ADDRESS_CITY: TextRule = { minLength: 1, maxLength: 100 };
export const ADDRESS_STATE: TextRule = { minLength: 1, maxLength: 100 };
/** A CEP with or without its hyphen (`01310-100`, `01310100`); abroad, letters, digits, spaces and hyphens. */
export const CEP = /^\d{5}-?\d{3}$/;
export const ADDRESS_POSTAL_CODE: TextRule = { minLength: 1, maxLength: 16, pattern: /^[0-9A-Za-z][0-9A-Za-z -]*$/ };
export const ADDRESS_COUNTRY: TextRule = { minLength: 2, maxLength: 2, pattern: /^[A-Z]{2}$/ };
export const MUNICIPALITY_CODE: TextRule = { minLength: 7, maxLength: 7, pattern: /^\d{7}$/ };

const trimmedFits = (value: string, rule: TextRule) => typeof value === 'string' && fitsText(value.trim(), rule);

/**
 * Checks every field, naming each one that fails (`address.postalCode`), and gives the address
 * as recorded: trimmed, the CEP as 8 digits, the UF uppercase, the country defaulted to BR.
 */
export function checkPostalAddress(input: PostalAddressInput, path: string, issues: FieldIssue[]): PostalAddress | undefined {
  const before = issues.length;
  const at = (field: string) => (path ? `${path}.${field}` : field);
  const text = (field: keyof PostalAddressInput, rule: TextRule, message: string) => {
    const value = input[field];
    if (value === undefined && (rule.minLength ?? 0) === 0) return;
    if (typeof value !== 'string' || !trimmedFits(value, rule)) issues.push({ path: at(field), message });
  };
  const country = input.country ?? 'BR';
  if (!fitsText(country, ADDRESS_COUNTRY)) issues.push({ path: at('country'), message: 'must be an ISO 3166 two-letter country code in capitals, such as BR' });
  text('street', ADDRESS_STREET, 'must be 1 to 200 characters');
  text('number', ADDRESS_NUMBER, 'must be 1 to 20 characters ("S/N" where there is none)');
  text('complement', ADDRESS_COMPLEMENT, 'must be at most 100 characters');
  text('district', ADDRESS_DISTRICT, 'must be 1 to 100 characters');
  text('city', ADDRESS_CITY, 'must be 1 to 100 characters');
  const brazilian = country === 'BR';
  const state = typeof input.state === 'string' ? input.state.trim() : input.state;
  if (brazilian) {
    if (typeof state !== 'string' || !(BRAZILIAN_STATES as readonly string[]).includes(state.toUpperCase())) {
      issues.push({ path: at('state'), message: 'must be a Brazilian state (UF) such as SP or RJ' });
    }
  } else {
    text('state', ADDRESS_STATE, 'must be 1 to 100 characters');
  }
  const postalCode = typeof input.postalCode === 'string' ? input.postalCode.trim() : input.postalCode;
  if (typeof postalCode !== 'string' || !fitsText(postalCode, ADDRESS_POSTAL_CODE)) {
    issues.push({ path: at('postalCode'), message: 'must be 1 to 16 letters, digits, spaces or hyphens' });
  } else if (brazilian && !CEP.test(postalCode)) {
    issues.push({ path: at('postalCode'), message: 'must be a CEP: 8 digits, as 01310-100 or 01310100' });
  }
  if (input.municipalityCode !== undefined) {
    if (!brazilian) issues.push({ path: at('municipalityCode'), message: 'is an IBGE code: only for an address in Brazil' });
    else if (typeof input.municipalityCode !== 'string' || !fitsText(input.municipalityCode, MUNICIPALITY_CODE)) {
      issues.push({ path: at('municipalityCode'), message: "must be the municipality's 7-digit IBGE code, such as 3550308" });
    }
  }
  if (issues.length > before) return undefined;
  const complement = input.complement?.trim();
  return {
    street: input.street.trim(),
    number: input.number.trim(),
    ...(complement ? { complement } : {}),
    district: input.district.trim(),
    city: input.city.trim(),
    state: brazilian ? state!.toUpperCase() : state!,
    postalCode: brazilian ? postalCode!.replace('-', '') : postalCode!,
    country,
    ...(input.municipalityCode !== undefined ? { municipalityCode: input.municipalityCode } : {}),
  };
}

/** `01310-100` for a CEP; other postal codes as recorded. */
export function formatPostalCode(address: Pick<PostalAddress, 'postalCode' | 'country'>): string {
  const code = address.postalCode;
  return address.country === 'BR' && /^\d{8}$/.test(code) ? `${code.slice(0, 5)}-${code.slice(5)}` : code;
}

/** One line each: street and number (and complement), district, city and state, CEP, country abroad. */
export function addressLines(address: PostalAddress): string[] {
  return [
    `${address.street}, ${address.number}${address.complement ? `, ${address.complement}` : ''}`,
    address.district,
    `${address.city} - ${address.state}`,
    `${address.country === 'BR' ? 'CEP ' : ''}${formatPostalCode(address)}${address.country === 'BR' ? '' : ` ${address.country}`}`,
  ];
}

export const sameAddress = (a: PostalAddress | undefined, b: PostalAddress | undefined) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
