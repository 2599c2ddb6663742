import type { FieldIssue } from '../errors.ts';

/** 1 PiB. Beyond that a request is a contract negotiation, not a form. */
export const MAX_QUOTA_GIB = 1_048_576;
export const MAX_TEXT_LENGTH = 500;

export function checkRequestedGiB(requestedGiB: number, currentGiB: number, path: string, issues: FieldIssue[]): void {
  if (!Number.isInteger(requestedGiB) || requestedGiB < 1 || requestedGiB > MAX_QUOTA_GIB) {
    issues.push({ path, message: `must be a whole number of GiB from 1 to ${MAX_QUOTA_GIB}` });
  } else if (requestedGiB <= currentGiB) {
    issues.push({ path, message: `must be more than the current quota of ${currentGiB} GiB` });
  }
}

/** Reasons and notes are read by people (operators, the tenant): 1 to 500 characters once trimmed. */
export function checkText(text: string, path: string, issues: FieldIssue[]): void {
  const trimmed = text.trim();
  if (trimmed.length === 0 || trimmed.length > MAX_TEXT_LENGTH) issues.push({ path, message: `must be 1 to ${MAX_TEXT_LENGTH} characters` });
}
