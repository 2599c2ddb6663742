import type { TextRule } from './field-rule.ts';

/** Why a correction was made (a reversal, a refund, a withdrawal): kept with its event and shown in the audit log. */
export const REASON_TEXT = { minLength: 1, maxLength: 500 } as const satisfies TextRule;
