import type { EmailLocale, PaymentReminderInput, RenderedEmail } from '../email-kinds.ts';
import { html } from '../html.ts';
import { emailLayout } from '../layout.ts';
import { formatDate, formatMoney, oneLine } from '../locale-format.ts';

/** From this many days overdue the reminder says the service may be suspended (dunning suspends later). */
const WARN_OF_SUSPENSION_FROM_DAY = 14;

const WORDS = {
  'pt-BR': {
    days: (day: number) => (day === 1 ? '1 dia' : `${day} dias`),
    subject: (number: string, days: string, due: string) => `Fatura ${number} em atraso há ${days}: ${due} em aberto`,
    greeting: (name: string) => `Olá, ${name}.`,
    overdue: (number: string, brand: string, dueDate: string, days: string) => `A fatura ${number} de ${brand} venceu em ${dueDate} e está em atraso há ${days}.`,
    amountDue: (due: string) => `Valor em aberto: ${due}.`,
    suspension: 'Se a fatura continuar em aberto, o serviço poderá ser suspenso.',
    alreadyPaid: 'Se o pagamento já foi feito, desconsidere esta mensagem.',
  },
  en: {
    days: (day: number) => (day === 1 ? '1 day' : `${day} days`),
    subject: (number: string, days: string, due: string) => `Invoice ${number} is ${days} overdue: ${due} due`,
    greeting: (name: string) => `Hello ${name},`,
    overdue: (number: string, brand: string, dueDate: string, days: string) => `Invoice ${number} from ${brand} was due on ${dueDate} and is ${days} overdue.`,
    amountDue: (due: string) => `Amount due: ${due}.`,
    suspension: 'If the invoice remains unpaid, the service may be suspended.',
    alreadyPaid: 'If you have already paid, please disregard this message.',
  },
} as const;

export function renderPaymentReminder(input: PaymentReminderInput, locale: EmailLocale): RenderedEmail {
  if (!Number.isInteger(input.day) || input.day < 1) throw new RangeError(`a reminder's day must be a whole number from 1, got ${input.day}`);
  const w = WORDS[locale];
  const due = formatMoney(input.amountDue, input.currency, locale);
  const days = w.days(input.day);
  const subject = oneLine(w.subject(input.number, days, due));
  const paragraphs = [
    w.overdue(input.number, input.brandName, formatDate(input.dueDate, locale), days),
    w.amountDue(due),
    ...(input.day >= WARN_OF_SUSPENSION_FROM_DAY ? [w.suspension] : []),
    w.alreadyPaid,
  ];
  const text = [w.greeting(input.accountName), '', ...paragraphs.flatMap((p) => [p, '']), input.brandName, ''].join('\n');
  const body = html`<p>${w.greeting(input.accountName)}</p>
${paragraphs.map((p) => html`<p>${p}</p>
`)}`;
  return { subject, text, html: emailLayout({ locale, brandName: input.brandName, title: subject, body }), attachments: [] };
}
