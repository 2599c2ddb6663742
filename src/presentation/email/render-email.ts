import { EMAIL_LOCALES, type EmailInputs, type EmailKind, type EmailLocale, type RenderedEmail } from './email-kinds.ts';
import { renderAccountReactivated, renderAccountSuspended, renderCreditNoteIssued, renderInvoiceVoided, renderPaymentReversed } from './templates/billing-notices.ts';
import { renderInvitation } from './templates/invitation.ts';
import { renderInvoiceIssued } from './templates/invoice-issued.ts';
import { renderPaymentReceived } from './templates/payment-received.ts';
import { renderPaymentReminder } from './templates/payment-reminder.ts';
import { renderQuotaWarning } from './templates/quota-warning.ts';

const RENDERERS: { [K in EmailKind]: (input: EmailInputs[K], locale: EmailLocale) => RenderedEmail } = {
  invoice_issued: renderInvoiceIssued,
  payment_received: renderPaymentReceived,
  payment_reminder: renderPaymentReminder,
  quota_warning: renderQuotaWarning,
  invitation: renderInvitation,
  account_suspended: renderAccountSuspended,
  account_reactivated: renderAccountReactivated,
  invoice_voided: renderInvoiceVoided,
  credit_note_issued: renderCreditNoteIssued,
  payment_reversed: renderPaymentReversed,
};

/**
 * One message of a kind, in the account's language. Pure: the same input gives the same
 * message, byte for byte. The HTML escapes every value it interpolates.
 */
export function renderEmail<K extends EmailKind>(kind: K, input: EmailInputs[K], locale: EmailLocale): RenderedEmail {
  if (!(EMAIL_LOCALES as readonly string[]).includes(locale)) throw new RangeError(`no templates in ${String(locale)}; there are ${EMAIL_LOCALES.join(', ')}`);
  const render = RENDERERS[kind] as (input: EmailInputs[K], locale: EmailLocale) => RenderedEmail;
  if (!render) throw new RangeError(`no template for ${String(kind)}`);
  return render(input, locale);
}
