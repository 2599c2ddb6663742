import { REASON_TEXT } from '../../domain/shared/reason-text.ts';
import { trimmedTextField } from './field-rule-schema.ts';

/** Why an operator did something (a void, a reversal, a suspension): trimmed, REASON_TEXT's bounds. */
export const ReasonText = trimmedTextField(REASON_TEXT);
