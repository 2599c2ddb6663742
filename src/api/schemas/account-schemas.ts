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


const name = z.string().superRefine(rule(checkName)).describe('legal or trading name, 1 to 200 characters');
const billingEmail = z.string().superRefine(rule(checkEmail)).describe('where invoices and reminders go');
const document = z.string().superRefine(rule(checkDocument)).describe('CPF or CNPJ (alphanumeric CNPJ accepted), punctuation optional');
const billingDay = z.number().int().superRefine(rule(checkBillingDay)).describe('day of the month invoices fall due, 1 to 28');

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
});

export const UpdateBillingProfileBody = z
  .strictObject({ name: name.optional(), billingEmail: billingEmail.optional(), document: document.optional(), billingDay: billingDay.optional() })
  .refine((body) => Object.values(body).some((value) => value !== undefined), { message: 'give at least one field to change' });

export const ReasonBody = z.strictObject({ reason: z.string().trim().min(1).max(500).describe('kept in the audit trail') });

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
    status: z.enum(['active', 'suspended', 'closed']),
    statusReason: z.string().nullable(),
    openedAt: z.string(),
    updatedAt: z.string(),
    closedAt: z.string().nullable(),
  })
  .meta({ id: 'Account' });
export type AccountView = z.infer<typeof AccountView>;
