import { z } from 'zod';
import { rule } from './domain-rule.ts';
import {
  checkBillingDay,
  checkCurrency,
  checkDocument,
  checkEmail,
  checkName,
  checkSlug,
  checkTimeZone,
  ACCOUNT_DEFAULTS,
} from '../../domain/account/account-rules.ts';
import { checkLocale, DEFAULT_LOCALE, LOCALES } from '../../domain/account/account-locale.ts';
import {
  checkFromName,
  checkSmtpHost,
  checkSmtpPassword,
  checkSmtpPort,
  checkSmtpUsername,
} from '../../domain/account/account-smtp.ts';


const name = z.string().superRefine(rule(checkName)).describe('legal or trading name, 1 to 200 characters');
const billingEmail = z.string().superRefine(rule(checkEmail)).describe('where invoices and reminders go');
const document = z.string().superRefine(rule(checkDocument)).describe('CPF or CNPJ (alphanumeric CNPJ accepted), punctuation optional');
const billingDay = z.number().int().superRefine(rule(checkBillingDay)).describe('day of the month invoices fall due, 1 to 28');
const locale = z.string().superRefine(rule(checkLocale)).describe(`the language of its mail and notifications: ${LOCALES.join(' or ')}`);

export const AccountIdParams = z.object({ accountId: z.uuid() });

export const OpenAccountBody = z.strictObject({
  name,
  slug: z.string().superRefine(rule(checkSlug)).describe('3 to 40 lowercase letters, digits or hyphens; unique; never reused'),
  billingEmail,
  ownerEmail: z.string().superRefine(rule(checkEmail)).optional().describe("the owner member's email; the billing email when absent"),
  document,
  currency: z.string().superRefine(rule(checkCurrency)).default(ACCOUNT_DEFAULTS.currency),
  timeZone: z.string().superRefine(rule(checkTimeZone)).default(ACCOUNT_DEFAULTS.timeZone).describe('IANA zone; billing periods follow it'),
  billingDay: billingDay.default(ACCOUNT_DEFAULTS.billingDay),
  locale: locale.default(DEFAULT_LOCALE),
});

export const UpdateBillingProfileBody = z
  .strictObject({
    name: name.optional(),
    billingEmail: billingEmail.optional(),
    document: document.optional(),
    billingDay: billingDay.optional(),
    locale: locale.optional(),
  })
  .refine((body) => Object.values(body).some((value) => value !== undefined), { message: 'give at least one field to change' });

export const ReasonBody = z.strictObject({ reason: z.string().trim().min(1).max(500).describe('kept in the audit trail') });

export const SmtpSettingsBody = z
  .strictObject({
    host: z.string().superRefine(rule(checkSmtpHost)).describe('host name or IP address of the SMTP server'),
    port: z.number().int().superRefine(rule(checkSmtpPort)).describe('usually 587 (STARTTLS) or 465 (TLS)'),
    secure: z.boolean().describe('true: TLS from the first byte (465); false: STARTTLS when the server offers it'),
    username: z.string().superRefine(rule(checkSmtpUsername)).nullable().optional().describe('omit (or null) for a relay without login'),
    password: z.string().superRefine(rule(checkSmtpPassword)).nullable().optional().describe('required with a username; stored sealed, never shown again'),
    fromName: z.string().superRefine(rule(checkFromName)).describe('the sender name recipients see, e.g. "Acme Storage"'),
    fromAddress: z.string().superRefine(rule(checkEmail)).describe('the sender address, e.g. billing@acme.example'),
  })
  .refine((body) => (body.username ?? null) === null || (body.password ?? null) !== null, { path: ['password'], message: 'is required with a username' })
  .refine((body) => (body.password ?? null) === null || (body.username ?? null) !== null, { path: ['username'], message: 'is required with a password' });

export const SmtpView = z
  .object({
    host: z.string(),
    port: z.number().int(),
    secure: z.boolean(),
    username: z.string().nullable(),
    passwordSet: z.boolean().describe('whether a password is stored (sealed); the password itself is never shown'),
    fromName: z.string(),
    fromAddress: z.string(),
  })
  .nullable()
  .describe("the account's own SMTP server; null: mail goes through the platform's")
  .meta({ id: 'AccountSmtp' });
export type SmtpView = z.infer<typeof SmtpView>;

export const AccountView = z
  .object({
    accountId: z.string(),
    slug: z.string(),
    name: z.string(),
    billingEmail: z.string(),
    document: z.object({ kind: z.enum(['cpf', 'cnpj']), number: z.string(), formatted: z.string() }),
    currency: z.string(),
    timeZone: z.string(),
    billingDay: z.number().int(),
    locale: z.enum(LOCALES),
    smtp: SmtpView,
    status: z.enum(['active', 'suspended', 'closed']),
    statusReason: z.string().nullable(),
    openedAt: z.string(),
    updatedAt: z.string(),
    closedAt: z.string().nullable(),
  })
  .meta({ id: 'Account' });
export type AccountView = z.infer<typeof AccountView>;
