import type { AccountStatusInput, CreditNoteIssuedInput, EmailLocale, InvoiceVoidedInput, PaymentReversedInput, RenderedEmail } from '../email-kinds.ts';
import { html } from '../html.ts';
import { emailLayout } from '../layout.ts';
import { formatMoney, formatPeriod, isZeroAmount, oneLine } from '../locale-format.ts';

/**
 * Short notices about the account and its invoices: suspended, reactivated, an invoice voided,
 * a credit note issued. Each says what happened and why, in the account's language.
 */
const WORDS = {
  'pt-BR': {
    greeting: (name: string) => `Olá, ${name}.`,
    suspendedSubject: (brand: string) => `Sua conta em ${brand} foi suspensa`,
    suspended: (brand: string) => `Sua conta em ${brand} foi suspensa.`,
    reactivatedSubject: (brand: string) => `Sua conta em ${brand} foi reativada`,
    reactivated: (brand: string) => `Sua conta em ${brand} foi reativada e voltou a funcionar normalmente.`,
    why: (reason: string) => `Motivo: ${reason}`,
    voidedSubject: (number: string) => `Fatura ${number} cancelada`,
    voided: (number: string, period: string, total: string) => `A fatura ${number}, de ${period}, no valor de ${total}, foi cancelada. Uma nova fatura substituirá esta.`,
    creditSubject: (number: string, amount: string) => `Nota de crédito de ${amount} na fatura ${number}`,
    credit: (number: string, amount: string) => `Emitimos uma nota de crédito de ${amount} referente à fatura ${number}.`,
    excess: (excess: string) => `${excess} já haviam sido pagos e ficaram como crédito na sua conta, abatido da próxima fatura.`,
    paid: (number: string) => `Não há mais valor em aberto na fatura ${number}.`,
    stillDue: (due: string) => `Valor ainda em aberto desta fatura: ${due}.`,
    reversedSubject: (number: string, amount: string) => `Pagamento de ${amount} da fatura ${number} estornado`,
    reversed: (number: string, amount: string, ref: string) => `O pagamento de ${amount} (${ref}) registrado na fatura ${number} foi estornado e deixou de valer.`,
    creditTaken: (excess: string) => `${excess} que esse pagamento havia deixado como crédito na sua conta foram retirados do crédito.`,
  },
  en: {
    greeting: (name: string) => `Hello ${name},`,
    suspendedSubject: (brand: string) => `Your ${brand} account was suspended`,
    suspended: (brand: string) => `Your ${brand} account was suspended.`,
    reactivatedSubject: (brand: string) => `Your ${brand} account was reactivated`,
    reactivated: (brand: string) => `Your ${brand} account was reactivated and works as usual again.`,
    why: (reason: string) => `Reason: ${reason}`,
    voidedSubject: (number: string) => `Invoice ${number} voided`,
    voided: (number: string, period: string, total: string) => `Invoice ${number}, for ${period}, of ${total}, was voided. A new invoice will replace it.`,
    creditSubject: (number: string, amount: string) => `Credit note of ${amount} on invoice ${number}`,
    credit: (number: string, amount: string) => `We issued a credit note of ${amount} on invoice ${number}.`,
    excess: (excess: string) => `${excess} of it had already been paid and is now credit on your account, taken off your next invoice.`,
    paid: (number: string) => `Nothing is due on invoice ${number} any more.`,
    stillDue: (due: string) => `Still due on this invoice: ${due}.`,
    reversedSubject: (number: string, amount: string) => `Payment of ${amount} on invoice ${number} reversed`,
    reversed: (number: string, amount: string, ref: string) => `The payment of ${amount} (${ref}) recorded on invoice ${number} was reversed and no longer counts.`,
    creditTaken: (excess: string) => `The ${excess} this payment had left as credit on your account was taken off the credit.`,
  },
} as const;

function notice(input: { brandName: string; accountName: string }, locale: EmailLocale, subject: string, paragraphs: string[]): RenderedEmail {
  const w = WORDS[locale];
  const title = oneLine(subject);
  const text = [w.greeting(input.accountName), '', ...paragraphs.flatMap((p) => [p, '']), input.brandName, ''].join('\n');
  const body = html`<p>${w.greeting(input.accountName)}</p>
${paragraphs.map((p) => html`<p>${p}</p>
`)}`;
  return { subject: title, text, html: emailLayout({ locale, brandName: input.brandName, title, body }), attachments: [] };
}

export function renderAccountSuspended(input: AccountStatusInput, locale: EmailLocale): RenderedEmail {
  const w = WORDS[locale];
  return notice(input, locale, w.suspendedSubject(input.brandName), [w.suspended(input.brandName), ...(input.reason ? [w.why(oneLine(input.reason))] : [])]);
}

export function renderAccountReactivated(input: AccountStatusInput, locale: EmailLocale): RenderedEmail {
  const w = WORDS[locale];
  return notice(input, locale, w.reactivatedSubject(input.brandName), [w.reactivated(input.brandName), ...(input.reason ? [w.why(oneLine(input.reason))] : [])]);
}

export function renderInvoiceVoided(input: InvoiceVoidedInput, locale: EmailLocale): RenderedEmail {
  const w = WORDS[locale];
  const total = formatMoney(input.total, input.currency, locale);
  return notice(input, locale, w.voidedSubject(input.number), [w.voided(input.number, formatPeriod(input.period, locale), total), w.why(oneLine(input.reason))]);
}

export function renderCreditNoteIssued(input: CreditNoteIssuedInput, locale: EmailLocale): RenderedEmail {
  const w = WORDS[locale];
  const money = (amount: string) => formatMoney(amount, input.currency, locale);
  const amount = money(input.amount);
  return notice(input, locale, w.creditSubject(input.number, amount), [
    w.credit(input.number, amount),
    w.why(oneLine(input.reason)),
    ...(isZeroAmount(input.excessAmount) ? [] : [w.excess(money(input.excessAmount))]),
    isZeroAmount(input.amountDueAfter) ? w.paid(input.number) : w.stillDue(money(input.amountDueAfter)),
  ]);
}

export function renderPaymentReversed(input: PaymentReversedInput, locale: EmailLocale): RenderedEmail {
  const w = WORDS[locale];
  const money = (amount: string) => formatMoney(amount, input.currency, locale);
  const amount = money(input.amount);
  return notice(input, locale, w.reversedSubject(input.number, amount), [
    w.reversed(input.number, amount, oneLine(input.externalRef)),
    w.why(oneLine(input.reason)),
    ...(isZeroAmount(input.excessAmount) ? [] : [w.creditTaken(money(input.excessAmount))]),
    isZeroAmount(input.amountDueAfter) ? w.paid(input.number) : w.stillDue(money(input.amountDueAfter)),
  ]);
}
