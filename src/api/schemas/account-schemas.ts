import { z } from 'zod';
import { choiceField, textField, wholeNumberField } from './field-rule-schema.ts';
import { ReasonText } from './reason-schemas.ts';
import {
  ACCOUNT_NAME,
  ACCOUNT_SLUG,
  BILLING_DAY,
  CURRENCIES,
  EMAIL_ADDRESS,
  TAX_DOCUMENT,
  TIME_ZONE,
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
import { PostalAddressBody, PostalAddressView } from './postal-address-schemas.ts';
import {
  checkFromName,
  checkSmtpHost,
  checkSmtpPassword,
  checkSmtpPort,
  checkSmtpUsername,
  SMTP_FROM_NAME,
  SMTP_HOST,
  SMTP_PASSWORD,
  SMTP_PORT,
  SMTP_USERNAME,
} from '../../domain/account/account-smtp.ts';

const email = () => textField(EMAIL_ADDRESS, checkEmail);
const name = textField(ACCOUNT_NAME, checkName).describe('legal or trading name, 1 to 200 characters (surrounding spaces not counted)');
const billingEmail = email().describe('where invoices and reminders go');
const document = textField(TAX_DOCUMENT, checkDocument).describe('CPF or CNPJ (alphanumeric CNPJ accepted), punctuation optional');
const billingDay = wholeNumberField(BILLING_DAY, checkBillingDay).describe('day of the month invoices fall due, 1 to 28');
const locale = choiceField(LOCALES, checkLocale).describe(`the language of its mail and notifications: ${LOCALES.join(' or ')}`);

export const AccountIdParams = z.object({ accountId: z.uuid() });

export const OpenAccountBody = z.strictObject({
  name,
  slug: textField(ACCOUNT_SLUG, checkSlug).describe('3 to 40 lowercase letters, digits or hyphens; unique; never reused'),
  billingEmail,
  ownerEmail: email().optional().describe("the owner member's email; the billing email when absent"),
  document,
  currency: choiceField(CURRENCIES, checkCurrency).default(ACCOUNT_DEFAULTS.currency),
  timeZone: textField(TIME_ZONE, checkTimeZone).default(ACCOUNT_DEFAULTS.timeZone).describe('IANA zone; billing periods follow it'),
  billingDay: billingDay.default(ACCOUNT_DEFAULTS.billingDay),
  locale: locale.default(DEFAULT_LOCALE),
  address: PostalAddressBody.optional(),
});

export const UpdateBillingProfileBody = z
  .strictObject({
    name: name.optional(),
    billingEmail: billingEmail.optional(),
    document: document.optional(),
    billingDay: billingDay.optional(),
    locale: locale.optional(),
    address: PostalAddressBody.optional(),
  })
  .refine((body) => Object.values(body).some((value) => value !== undefined), { message: 'give at least one field to change' });

export const ReasonBody = z.strictObject({ reason: ReasonText.describe('kept in the audit trail') });
/** A reactivation may say why (told to the account in-app, by mail and by webhook); older clients send no body. */
export const ReactivationBody = z.strictObject({ reason: ReasonBody.shape.reason.optional() }).optional();

export const SmtpSettingsBody = z
  .strictObject({
    host: textField(SMTP_HOST, checkSmtpHost).describe('host name or IP address of the SMTP server'),
    port: wholeNumberField(SMTP_PORT, checkSmtpPort).describe('usually 587 (STARTTLS) or 465 (TLS)'),
    secure: z.boolean().describe('true: TLS from the first byte (465); false: STARTTLS when the server offers it'),
    username: textField(SMTP_USERNAME, checkSmtpUsername).nullable().optional().describe('omit (or null) for a relay without login'),
    password: textField(SMTP_PASSWORD, checkSmtpPassword).nullable().optional().describe('required with a username; stored sealed, never shown again'),
    fromName: textField(SMTP_FROM_NAME, checkFromName).describe('the sender name recipients see, e.g. "Acme Storage" (surrounding spaces not counted)'),
    fromAddress: email().describe('the sender address, e.g. billing@acme.example'),
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
    address: PostalAddressView.nullable().describe('where the customer is, as its invoices name it; null until given'),
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
