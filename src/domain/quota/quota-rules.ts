import type { FieldIssue } from '../errors.ts';
import { fitsText, type TextRule } from '../shared/field-rule.ts';

/** 1 PiB. Beyond that a request is a contract negotiation, not a form. */
export const MAX_QUOTA_GIB = 1_048_576;
/** Reasons and notes are read by people (operators, the tenant): 1 to 500 characters once trimmed. */
export const QUOTA_TEXT = { minLength: 1, maxLength: 500 } as const satisfies TextRule;

export function checkRequestedGiB(requestedGiB: number, currentGiB: number, path: string, issues: FieldIssue[]): void {
  if (!Number.isInteger(requestedGiB) || requestedGiB < 1 || requestedGiB > MAX_QUOTA_GIB) {
    issues.push({ path, message: `must be a whole number of GiB from 1 to ${MAX_QUOTA_GIB}` });
  } else if (requestedGiB <= currentGiB) {
    issues.push({ path, message: `must be more than the current quota of ${currentGiB} GiB` });
  }
}

export function checkText(text: string, path: string, issues: FieldIssue[]): void {
  if (!fitsText(text.trim(), QUOTA_TEXT)) issues.push({ path, message: `must be ${QUOTA_TEXT.minLength} to ${QUOTA_TEXT.maxLength} characters` });
}
