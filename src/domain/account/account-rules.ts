import type { FieldIssue } from '../errors.ts';
import { fitsText, fitsWholeNumber, type TextRule, type WholeNumberRule } from '../shared/field-rule.ts';
import { parseTaxDocument, type TaxDocument } from './tax-document.ts';
import { dateTimeFormat } from '../shared/intl-formats.ts';

/** Currencies we can invoice in, with their minor unit (digits after the point). */
export const SUPPORTED_CURRENCIES = { BRL: 2, USD: 2, EUR: 2 } as const;
export type Currency = keyof typeof SUPPORTED_CURRENCIES;
export const CURRENCIES = Object.keys(SUPPORTED_CURRENCIES) as Currency[];

export const ACCOUNT_DEFAULTS = {
  currency: 'BRL' as Currency,
  timeZone: 'America/Sao_Paulo',
  billingDay: 10,
};

/**
 * Slugs name the tenant in URLs and in its SFTP username, so they are short, lowercase
 * and free of characters that need escaping anywhere.
 */
const SLUG = /^[a-z0-9](?:[a-z0-9-]{1,38}[a-z0-9])$/;
// Deliberately plain: one @, no spaces, a dot in the domain. Deliverability is proven by mail, not by regex.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Surrounding spaces are not counted. */
export const ACCOUNT_NAME: TextRule = { minLength: 1, maxLength: 200 };
export const ACCOUNT_SLUG: TextRule = { minLength: 3, maxLength: 40, pattern: SLUG };
export const EMAIL_ADDRESS: TextRule = { maxLength: 254, pattern: EMAIL };
// 29 to 31 do not exist in every month; keeping to 28 means every period has one.
export const BILLING_DAY: WholeNumberRule = { minimum: 1, maximum: 28 };
/** The longest IANA zone name is 32 characters; twice that is room, not a zone. */
export const TIME_ZONE: TextRule = { minLength: 1, maxLength: 64 };
/** A formatted CNPJ is 18 characters; more punctuation than that is not a document. */
export const TAX_DOCUMENT: TextRule = { maxLength: 32 };

export function checkName(name: string, path: string, issues: FieldIssue[]) {
  if (!fitsText(name.trim(), ACCOUNT_NAME)) issues.push({ path, message: 'must be 1 to 200 characters' });
}

export function checkSlug(slug: string, path: string, issues: FieldIssue[]) {
  if (!fitsText(slug, ACCOUNT_SLUG)) {
    issues.push({ path, message: '3 to 40 lowercase letters, digits or hyphens, starting and ending with a letter or digit' });
  } else if (slug.includes('--')) {
    issues.push({ path, message: 'must not contain two hyphens in a row' });
  }
}

export function checkEmail(email: string, path: string, issues: FieldIssue[]) {
  if (!fitsText(email, EMAIL_ADDRESS)) issues.push({ path, message: 'must be an email address' });
}

export function checkBillingDay(day: number, path: string, issues: FieldIssue[]) {
  if (!fitsWholeNumber(day, BILLING_DAY)) issues.push({ path, message: 'must be a whole number from 1 to 28' });
}

export function checkCurrency(currency: string, path: string, issues: FieldIssue[]) {
  if (!Object.hasOwn(SUPPORTED_CURRENCIES, currency)) {
    issues.push({ path, message: `must be one of ${Object.keys(SUPPORTED_CURRENCIES).join(', ')}` });
  }
}

export function checkTimeZone(timeZone: string, path: string, issues: FieldIssue[]) {
  if (!fitsText(timeZone, TIME_ZONE) || !isIanaTimeZone(timeZone)) issues.push({ path, message: 'must be an IANA time zone such as America/Sao_Paulo' });
}

export function checkDocument(document: string, path: string, issues: FieldIssue[]): TaxDocument | undefined {
  if (!fitsText(document, TAX_DOCUMENT)) {
    issues.push({ path, message: `must be at most ${TAX_DOCUMENT.maxLength} characters` });
    return undefined;
  }
  const parsed = parseTaxDocument(document);
  if (parsed.ok) return parsed.document;
  issues.push({ path, message: parsed.message });
  return undefined;
}

/** `america/sao_paulo` is accepted as typed but recorded as `America/Sao_Paulo`. */
export function canonicalTimeZone(timeZone: string): string {
  return dateTimeFormat('en-US', { timeZone }).resolvedOptions().timeZone;
}

function isIanaTimeZone(timeZone: string): boolean {
  try {
    // Intl's zone database is data, not I/O: the answer depends only on the runtime.
    dateTimeFormat('en-US', { timeZone });
    return timeZone.includes('/') || timeZone === 'UTC';
  } catch {
    return false;
  }
}
