import type { EmailLocale, QuotaWarningInput, RenderedEmail } from '../email-kinds.ts';
import { html } from '../html.ts';
import { emailLayout } from '../layout.ts';
import { formatGiB, formatInstant, formatQuantity, oneLine } from '../locale-format.ts';

const WORDS = {
  'pt-BR': {
    subject: { 80: 'Você usou 80% da sua cota de armazenamento', 100: 'Sua cota de armazenamento foi atingida' },
    greeting: (name: string) => `Olá, ${name}.`,
    usage: (account: string, used: string, quota: string, when: string) => `Em ${when}, a conta ${account} usava ${used} GiB dos ${quota} GiB da sua cota.`,
    advice: {
      80: 'Para não chegar ao limite, remova objetos de que não precisa ou peça um aumento de cota no portal.',
      100: 'A cota foi atingida. Remova objetos de que não precisa ou peça um aumento de cota no portal.',
    },
  },
  en: {
    subject: { 80: 'You have used 80% of your storage quota', 100: 'Your storage quota has been reached' },
    greeting: (name: string) => `Hello ${name},`,
    usage: (account: string, used: string, quota: string, when: string) => `On ${when}, account ${account} was using ${used} GiB of its ${quota} GiB quota.`,
    advice: {
      80: 'To stay below the limit, delete objects you no longer need or request a larger quota in the portal.',
      100: 'The quota has been reached. Delete objects you no longer need or request a larger quota in the portal.',
    },
  },
} as const;

export function renderQuotaWarning(input: QuotaWarningInput, locale: EmailLocale): RenderedEmail {
  if (input.threshold !== 80 && input.threshold !== 100) throw new RangeError(`a quota warning is for 80% or 100%, not ${String(input.threshold)}`);
  const w = WORDS[locale];
  const subject = oneLine(w.subject[input.threshold]);
  const paragraphs = [
    w.usage(input.accountName, formatGiB(input.usedBytes, locale), formatQuantity(String(input.quotaGiB), locale), formatInstant(input.measuredAt, input.timeZone, locale)),
    w.advice[input.threshold],
  ];
  const text = [w.greeting(input.accountName), '', ...paragraphs.flatMap((p) => [p, '']), input.brandName, ''].join('\n');
  const body = html`<p>${w.greeting(input.accountName)}</p>
${paragraphs.map((p) => html`<p>${p}</p>
`)}`;
  return { subject, text, html: emailLayout({ locale, brandName: input.brandName, title: subject, body }), attachments: [] };
}
