import type { FieldIssue } from '../errors.ts';
import { fitsText, type TextRule } from '../shared/field-rule.ts';
import { compactTaxDocument } from './tax-document.ts';

/**
 * What an operator may search accounts by. Each filter narrows (all given must hold):
 * - `slug`: exactly that slug;
 * - `name`, `billingEmail`: a part of it, letters compared case-insensitively;
 * - `document`: a CPF or CNPJ in any formatting, compared without punctuation: the whole
 *   number finds that account, its first characters every account whose number starts so
 *   (the 8-digit root of a CNPJ finds each of the company's establishments);
 * - `status`.
 */
export const ACCOUNT_STATUSES = ['active', 'suspended', 'closed'] as const;
export type AccountStatus = (typeof ACCOUNT_STATUSES)[number];

/** A part of a name or an email; surrounding spaces are not counted. */
export const ACCOUNT_SEARCH_TEXT: TextRule = { minLength: 1, maxLength: 200 };
/** A slug as it may be written, or a shorter one (it then finds nothing). */
export const ACCOUNT_SEARCH_SLUG: TextRule = { minLength: 1, maxLength: 40, pattern: /^[A-Za-z0-9-]+$/ };
/** Digits, letters (CNPJ) and the usual punctuation; at most 14 characters once that is stripped. */
export const DOCUMENT_SEARCH: TextRule = { minLength: 1, maxLength: 32, pattern: /^[0-9A-Za-z./\- ]+$/ };
const DOCUMENT_CHARACTERS = 14;

export function checkSearchText(text: string, path: string, issues: FieldIssue[]) {
  if (!fitsText(text.trim(), ACCOUNT_SEARCH_TEXT)) issues.push({ path, message: 'must be 1 to 200 characters (surrounding spaces not counted)' });
}

export function checkSearchSlug(slug: string, path: string, issues: FieldIssue[]) {
  if (!fitsText(slug, ACCOUNT_SEARCH_SLUG)) issues.push({ path, message: 'must be 1 to 40 letters, digits or hyphens' });
}

export function checkDocumentSearch(document: string, path: string, issues: FieldIssue[]) {
  const compact = compactTaxDocument(document);
  if (!fitsText(document, DOCUMENT_SEARCH) || compact.length === 0 || compact.length > DOCUMENT_CHARACTERS) {
    issues.push({ path, message: 'must be a CPF or CNPJ, or its first characters: 1 to 14 digits or letters, punctuation optional' });
  }
}

/** The search's text as compared: trimmed (the read model lowercases both sides alike); a document as stored (no punctuation, letters uppercase). */
export const searchableText = (text: string) => text.trim();
export const searchableDocument = compactTaxDocument;
