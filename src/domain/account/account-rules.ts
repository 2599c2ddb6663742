import type { FieldIssue } from '../errors.ts';
import { parseTaxDocument, type TaxDocument } from './tax-document.ts';

/** Currencies we can invoice in, with their minor unit (digits after the point). */
export const SUPPORTED_CURRENCIES = { BRL: 2, USD: 2, EUR: 2 } as const;
export type Currency = keyof typeof SUPPORTED_CURRENCIES;

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

export function checkName(name: string, path: string, issues: FieldIssue[]) {
  const trimmed = name.trim();
  if (trimmed.length === 0 || trimmed.length > 200) issues.push({ path, message: 'must be 1 to 200 characters' });
}

export function checkSlug(slug: string, path: string, issues: FieldIssue[]) {
  if (!SLUG.test(slug)) {
    issues.push({ path, message: '3 to 40 lowercase letters, digits or hyphens, starting and ending with a letter or digit' });
  } else if (slug.includes('--')) {
    issues.push({ path, message: 'must not contain two hyphens in a row' });
  }
}

export function checkEmail(email: string, path: string, issues: FieldIssue[]) {
  if (email.length > 254 || !EMAIL.test(email)) issues.push({ path, message: 'must be an email address' });
}

export function checkBillingDay(day: number, path: string, issues: FieldIssue[]) {
  // 29 to 31 do not exist in every month; keeping to 28 means every period has one.
  if (!Number.isInteger(day) || day < 1 || day > 28) issues.push({ path, message: 'must be a whole number from 1 to 28' });
}

export function checkCurrency(currency: string, path: string, issues: FieldIssue[]) {
  if (!Object.hasOwn(SUPPORTED_CURRENCIES, currency)) {
    issues.push({ path, message: `must be one of ${Object.keys(SUPPORTED_CURRENCIES).join(', ')}` });
  }
}

export function checkTimeZone(timeZone: string, path: string, issues: FieldIssue[]) {
  if (!isIanaTimeZone(timeZone)) issues.push({ path, message: 'must be an IANA time zone such as America/Sao_Paulo' });
}

export function checkDocument(document: string, path: string, issues: FieldIssue[]): TaxDocument | undefined {
  const parsed = parseTaxDocument(document);
  if (parsed.ok) return parsed.document;
  issues.push({ path, message: parsed.message });
  return undefined;
}

/** `america/sao_paulo` is accepted as typed but recorded as `America/Sao_Paulo`. */
export function canonicalTimeZone(timeZone: string): string {
  return new Intl.DateTimeFormat('en-US', { timeZone }).resolvedOptions().timeZone;
}

function isIanaTimeZone(timeZone: string): boolean {
  try {
    // Intl's zone database is data, not I/O: the answer depends only on the runtime.
    new Intl.DateTimeFormat('en-US', { timeZone });
    return timeZone.includes('/') || timeZone === 'UTC';
  } catch {
    return false;
  }
}
