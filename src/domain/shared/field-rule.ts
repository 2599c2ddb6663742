/**
 * What a request field accepts, written once as data. The domain's check functions test values
 * against it, and the API documents the same object as the field's bounds (minLength, pattern,
 * minimum…; src/api/schemas/field-rule-schema.ts): what the API document promises is what the
 * domain checks, and tests/api/openapi-constraints.test.ts holds every documented bound to that.
 */
export interface TextRule {
  readonly minLength?: number;
  readonly maxLength: number;
  /** the whole text must match; the pattern is documented as written */
  readonly pattern?: RegExp;
}

export interface WholeNumberRule {
  readonly minimum: number;
  readonly maximum: number;
}

/**
 * A number written as a decimal string (money, byte counts): beyond a JS number's exact range,
 * so its bounds are decimal strings too.
 */
export interface DecimalTextRule {
  readonly pattern: RegExp;
  readonly minimum: string;
  /** true: the minimum itself is refused ("greater than zero") */
  readonly exclusiveMinimum?: boolean;
  readonly maximum: string;
  /** decimal places beyond this are refused; absent when they depend on something else (a currency) */
  readonly maxDecimals?: number;
}

export const fitsText = (text: string, rule: TextRule): boolean =>
  text.length >= (rule.minLength ?? 0) && text.length <= rule.maxLength && (rule.pattern === undefined || rule.pattern.test(text));

export const fitsWholeNumber = (value: number, rule: WholeNumberRule): boolean => Number.isInteger(value) && value >= rule.minimum && value <= rule.maximum;
