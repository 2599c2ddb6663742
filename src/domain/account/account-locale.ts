import type { FieldIssue } from '../errors.ts';

/** The languages the platform writes to an account in: emails, notifications. */
export const LOCALES = ['pt-BR', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

/**
 * The platform's customers are Brazilian first; accounts opened before locales existed
 * have none in their history and read as this.
 */
export const DEFAULT_LOCALE: Locale = 'pt-BR';

export const isLocale = (value: unknown): value is Locale => (LOCALES as readonly unknown[]).includes(value);

export function checkLocale(locale: string, path: string, issues: FieldIssue[]) {
  if (!isLocale(locale)) issues.push({ path, message: `must be one of ${LOCALES.join(', ')}` });
}
