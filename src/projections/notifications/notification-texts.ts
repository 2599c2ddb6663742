/**
 * What each notification says, in pt-BR and en: a short title and one or two plain
 * sentences. Amounts, dates and sizes are written the way each language writes them.
 */
import type { Locale } from '../../domain/account/account-locale.ts';

export type NotificationFacts =
  | { kind: 'invoice_issued'; number: string; period: string; total: string; currency: string; dueDate: string }
  | { kind: 'payment_received'; number: string; amount: string; currency: string; amountDueAfter: string }
  | { kind: 'invoice_overdue'; number: string; dueDate: string; amountDue: string; currency: string }
  | { kind: 'quota_80_percent' | 'quota_100_percent'; usedBytes: string; quotaBytes: string }
  | { kind: 'bucket_provisioning_failed'; bucketName: string; reason: string }
  | { kind: 'access_key_expiring'; keyName: string; expiresAt: string };

export interface NotificationText {
  title: string;
  body: string;
}

const plainSpaces = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ');

export function money(amount: string, currency: string, locale: Locale): string {
  try {
    const format = new Intl.NumberFormat(locale, { style: 'currency', currency, currencyDisplay: locale === 'en' ? 'code' : 'symbol' });
    // A decimal string keeps every digit; Intl rounds it to the currency's minor unit.
    return plainSpaces(format.format(amount as `${number}`));
  } catch {
    return `${amount} ${currency}`;
  }
}

/** `YYYY-MM-DD`, a calendar date: 10/12/2026 in pt-BR, Dec 10, 2026 in en. */
export function calendarDate(ymd: string, locale: Locale): string {
  const day = new Date(`${ymd}T12:00:00Z`);
  if (Number.isNaN(day.getTime())) return ymd;
  return plainSpaces(new Intl.DateTimeFormat(locale, { dateStyle: locale === 'en' ? 'medium' : 'short', timeZone: 'UTC' }).format(day));
}

/** An instant in the account's zone, to the minute. */
export function instant(iso: string, timeZone: string, locale: Locale): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  return plainSpaces(new Intl.DateTimeFormat(locale, { dateStyle: locale === 'en' ? 'medium' : 'short', timeStyle: 'short', timeZone }).format(at)).replace(' às ', ' ');
}

/** `YYYY-MM`: novembro de 2026, November 2026. */
export function monthName(period: string, locale: Locale): string {
  const month = new Date(`${period}-15T12:00:00Z`);
  if (Number.isNaN(month.getTime())) return period;
  return plainSpaces(new Intl.DateTimeFormat(locale, { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(month));
}

const GIB = 2n ** 30n;

/** Bytes as GiB with two decimals (rounded half up), in the locale's digits: 82,35 or 82.35. */
export function gib(bytes: string, locale: Locale): string {
  const hundredths = (BigInt(bytes) * 100n + GIB / 2n) / GIB;
  const text = `${hundredths / 100n}.${(hundredths % 100n).toString().padStart(2, '0')}`;
  return plainSpaces(new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(text as `${number}`));
}

/** Whole percent, rounded down: 79.9% reads 79%, so "80%" is never shown below the threshold. */
export function percent(usedBytes: string, quotaBytes: string): string {
  return ((BigInt(usedBytes) * 100n) / BigInt(quotaBytes)).toString();
}

const MAX_REASON = 200;
const shortReason = (reason: string) => {
  const oneLine = reason.replace(/\s+/g, ' ').trim();
  return oneLine.length > MAX_REASON ? `${oneLine.slice(0, MAX_REASON - 1)}…` : oneLine;
};

export function notificationText(facts: NotificationFacts, locale: Locale, timeZone: string): NotificationText {
  const pt = locale === 'pt-BR';
  switch (facts.kind) {
    case 'invoice_issued': {
      const total = money(facts.total, facts.currency, locale);
      const due = calendarDate(facts.dueDate, locale);
      const month = monthName(facts.period, locale);
      return pt
        ? { title: `Fatura ${facts.number} emitida`, body: `A fatura de ${month}, no valor de ${total}, vence em ${due}.` }
        : { title: `Invoice ${facts.number} issued`, body: `The invoice for ${month}, ${total}, is due on ${due}.` };
    }
    case 'payment_received': {
      const amount = money(facts.amount, facts.currency, locale);
      const due = money(facts.amountDueAfter, facts.currency, locale);
      return pt
        ? { title: 'Pagamento recebido', body: `Recebemos ${amount} referente à fatura ${facts.number}. Valor em aberto: ${due}.` }
        : { title: 'Payment received', body: `We received ${amount} for invoice ${facts.number}. Still due: ${due}.` };
    }
    case 'invoice_overdue': {
      const due = money(facts.amountDue, facts.currency, locale);
      const date = calendarDate(facts.dueDate, locale);
      return pt
        ? { title: `Fatura ${facts.number} vencida`, body: `A fatura ${facts.number} venceu em ${date} e tem ${due} em aberto.` }
        : { title: `Invoice ${facts.number} is overdue`, body: `Invoice ${facts.number} was due on ${date}; ${due} is still unpaid.` };
    }
    case 'quota_80_percent':
    case 'quota_100_percent': {
      const used = gib(facts.usedBytes, locale);
      const quota = gib(facts.quotaBytes, locale);
      const share = percent(facts.usedBytes, facts.quotaBytes);
      if (facts.kind === 'quota_80_percent') {
        return pt
          ? { title: 'Armazenamento em 80% da cota', body: `Você está usando ${used} GiB de ${quota} GiB (${share}%).` }
          : { title: 'Storage at 80% of your quota', body: `You are using ${used} GiB of ${quota} GiB (${share}%).` };
      }
      return pt
        ? { title: 'Cota de armazenamento atingida', body: `Você está usando ${used} GiB de ${quota} GiB (${share}%). Solicite um aumento da cota.` }
        : { title: 'Storage quota reached', body: `You are using ${used} GiB of ${quota} GiB (${share}%). Request a quota increase.` };
    }
    case 'bucket_provisioning_failed': {
      const reason = shortReason(facts.reason);
      return pt
        ? { title: `Falha ao criar o bucket ${facts.bucketName}`, body: `Não foi possível criar o bucket ${facts.bucketName}: ${reason}` }
        : { title: `Bucket ${facts.bucketName} could not be created`, body: `The bucket ${facts.bucketName} could not be created: ${reason}` };
    }
    case 'access_key_expiring': {
      const at = instant(facts.expiresAt, timeZone, locale);
      return pt
        ? { title: `A chave de acesso "${facts.keyName}" vai expirar`, body: `A chave de acesso "${facts.keyName}" expira em ${at}. Emita uma nova chave antes disso.` }
        : { title: `Access key "${facts.keyName}" is expiring`, body: `The access key "${facts.keyName}" expires on ${at}. Issue a new key before then.` };
    }
  }
}
