import { z } from 'zod';
import type { FieldIssue } from '../../domain/errors.ts';
import type { DecimalTextRule, TextRule, WholeNumberRule } from '../../domain/shared/field-rule.ts';
import { rule } from './domain-rule.ts';

/**
 * A domain field rule as a request field: the domain's check decides (its messages, one per
 * broken rule), and the rule's bounds are the field's documented ones. Both come from the
 * one rule object in src/domain, so the OpenAPI document cannot say more or less than is
 * checked (tests/api/openapi-constraints.test.ts sends a value just outside each bound).
 */
type Check<T> = (value: T, path: string, issues: FieldIssue[]) => unknown;

export const textBounds = (text: TextRule) => ({
  ...(text.minLength !== undefined ? { minLength: text.minLength } : {}),
  maxLength: text.maxLength,
  ...(text.pattern ? { pattern: text.pattern.source } : {}),
});

export const wholeNumberBounds = (range: WholeNumberRule) => ({ minimum: range.minimum, maximum: range.maximum });

/**
 * JSON Schema bounds numbers, not numbers written as text: a decimal string documents its
 * pattern, and its range under `x-decimal` (decimal strings, as the field is).
 */
export const decimalBounds = (decimal: DecimalTextRule) => ({
  pattern: decimal.pattern.source,
  'x-decimal': {
    minimum: decimal.minimum,
    ...(decimal.exclusiveMinimum ? { exclusiveMinimum: true } : {}),
    maximum: decimal.maximum,
    ...(decimal.maxDecimals !== undefined ? { maxDecimals: decimal.maxDecimals } : {}),
  },
});

export const textField = (text: TextRule, check: Check<string>) => z.string().superRefine(rule(check)).meta(textBounds(text));

export const wholeNumberField = (range: WholeNumberRule, check: Check<number>) => z.number().int().superRefine(rule(check)).meta(wholeNumberBounds(range));

/**
 * A text the API trims before it is checked and kept (a reason, a note): zod's own bounds,
 * taken from the rule, are both the check after trimming and the document's bounds.
 */
export const trimmedTextField = (text: TextRule) => {
  const bounded = z.string().trim().min(text.minLength ?? 0).max(text.maxLength);
  return text.pattern ? bounded.regex(text.pattern) : bounded;
};

/** One of a domain's fixed choices, checked by the domain (its message) and documented as an enum. */
export const choiceField = (values: readonly string[], check: Check<string>) => z.string().superRefine(rule(check)).meta({ enum: [...values] });
