import type { PaymentMethod } from '../../../domain/invoice/invoice-events.ts';
import type { EmailLocale, PaymentReceivedInput, RenderedEmail } from '../email-kinds.ts';
import { html } from '../html.ts';
import { emailLayout } from '../layout.ts';
import { formatInstant, formatMoney, isZeroAmount, oneLine } from '../locale-format.ts';

const METHODS: Record<EmailLocale, Record<PaymentMethod, string>> = {
  'pt-BR': { pix: 'Pix', boleto: 'boleto', card: 'cartão', transfer: 'transferência bancária' },
  en: { pix: 'Pix', boleto: 'boleto', card: 'card', transfer: 'bank transfer' },
};

const WORDS = {
  'pt-BR': {
    subject: (number: string, amount: string) => `Pagamento recebido: fatura ${number}, ${amount}`,
    greeting: (name: string) => `Olá, ${name}.`,
    received: (amount: string, method: string, when: string, number: string) => `Recebemos ${amount} via ${method} em ${when}, referente à fatura ${number}.`,
    excess: (excess: string) => `${excess} excederam o valor em aberto e ficaram como crédito na sua conta, abatido da próxima fatura.`,
    paid: (number: string) => `A fatura ${number} está quitada. Obrigado!`,
    stillDue: (due: string) => `Ainda resta pagar ${due} desta fatura.`,
  },
  en: {
    subject: (number: string, amount: string) => `Payment received: invoice ${number}, ${amount}`,
    greeting: (name: string) => `Hello ${name},`,
    received: (amount: string, method: string, when: string, number: string) => `We received ${amount} by ${method} on ${when} for invoice ${number}.`,
    excess: (excess: string) => `${excess} was more than the amount due and is now credit on your account, taken off your next invoice.`,
    paid: (number: string) => `Invoice ${number} is paid in full. Thank you!`,
    stillDue: (due: string) => `${due} of this invoice is still due.`,
  },
} as const;

export function renderPaymentReceived(input: PaymentReceivedInput, locale: EmailLocale): RenderedEmail {
  const w = WORDS[locale];
  const money = (amount: string) => formatMoney(amount, input.currency, locale);
  const amount = money(input.amount);
  const subject = oneLine(w.subject(input.number, amount));
  const paragraphs = [
    w.received(amount, METHODS[locale][input.method] ?? input.method, formatInstant(input.receivedAt, input.timeZone, locale), input.number),
    ...(isZeroAmount(input.excessAmount) ? [] : [w.excess(money(input.excessAmount))]),
    isZeroAmount(input.amountDueAfter) ? w.paid(input.number) : w.stillDue(money(input.amountDueAfter)),
  ];
  const text = [w.greeting(input.accountName), '', ...paragraphs.flatMap((p) => [p, '']), input.brandName, ''].join('\n');
  const body = html`<p>${w.greeting(input.accountName)}</p>
${paragraphs.map((p) => html`<p>${p}</p>
`)}`;
  return { subject, text, html: emailLayout({ locale, brandName: input.brandName, title: subject, body }), attachments: [] };
}
