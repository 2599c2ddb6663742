import type { TextRule } from './field-rule.ts';

/**
 * Why an operator did something (a reversal, a refund, a withdrawal, a void, a credit note, an
 * account's suspension, closure or reactivation): kept with its event and shown in the audit log.
 */
export const REASON_TEXT = { minLength: 1, maxLength: 500 } as const satisfies TextRule;
