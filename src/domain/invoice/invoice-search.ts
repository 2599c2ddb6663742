import type { FieldIssue } from '../errors.ts';
import { fitsText, type TextRule } from '../shared/field-rule.ts';

/**
 * What invoices are looked up and listed by. A number is as `formatInvoiceNumber` writes it
 * (`INV-2026-000123`; letters in any case); a due date is a calendar date, as invoices carry it.
 */
export const INVOICE_NUMBER_SEARCH: TextRule = { minLength: 1, maxLength: 24, pattern: /^[Ii][Nn][Vv]-\d{4}-\d{6,15}$/ };
export const CALENDAR_DATE: TextRule = { minLength: 10, maxLength: 10, pattern: /^\d{4}-\d{2}-\d{2}$/ };

export function checkInvoiceNumberSearch(number: string, path: string, issues: FieldIssue[]) {
  if (!fitsText(number, INVOICE_NUMBER_SEARCH)) issues.push({ path, message: 'must be an invoice number such as INV-2026-000123' });
}

/** A real date: 2026-02-30 is not one. */
export function checkCalendarDate(date: string, path: string, issues: FieldIssue[]) {
  const real = fitsText(date, CALENDAR_DATE) && date >= '0001' && new Date(`${date}T00:00:00.000Z`).toISOString().startsWith(date);
  if (!real) issues.push({ path, message: 'must be a date, YYYY-MM-DD' });
}

/** As numbers are stored. */
export const searchableInvoiceNumber = (number: string) => number.toUpperCase();
