/**
 * What each notification says, in pt-BR and en: a short title and one or two plain
 * sentences. Amounts, dates and sizes are written the way each language writes them.
 */
import type { Locale } from '../../domain/account/account-locale.ts';
import { formatDate, formatGiB, formatMoney, formatPeriod, oneLine } from '../email/locale-format.ts';
import { dateTimeFormat } from '../../domain/shared/intl-formats.ts';

export type NotificationFacts =
  | { kind: 'invoice_issued'; number: string; period: string; total: string; currency: string; dueDate: string }
  | { kind: 'payment_received'; number: string; amount: string; currency: string; amountDueAfter: string }
  | { kind: 'invoice_overdue'; number: string; dueDate: string; amountDue: string; currency: string }
  | { kind: 'quota_80_percent' | 'quota_100_percent'; usedBytes: string; quotaBytes: string }
  | { kind: 'bucket_provisioning_failed'; bucketName: string; reason: string }
  | { kind: 'access_key_expiring'; keyName: string; expiresAt: string }
  | { kind: 'account_suspended'; reason: string }
  | { kind: 'account_reactivated'; reason: string | null }
  | { kind: 'invoice_voided'; number: string; period: string; total: string; currency: string; reason: string }
  | { kind: 'invoice_replacement_issued'; number: string; period: string; total: string; currency: string; dueDate: string; replacedNumber: string; reason: string }
  | { kind: 'credit_note_issued'; number: string; amount: string; currency: string; reason: string; amountDueAfter: string }
  | { kind: 'payment_reversed'; number: string; externalRef: string; amount: string; currency: string; reason: string; amountDueAfter: string };

export interface NotificationText {
  title: string;
  body: string;
}

/** A projection must not stop on a malformed figure in an old event: the raw value is shown instead. */
function orRaw(raw: string, format: () => string): string {
  try {
    return format();
  } catch {
    return raw;
  }
}

const money = (amount: string, currency: string, locale: Locale) => orRaw(`${amount} ${currency}`, () => formatMoney(amount, currency, locale));
const calendarDate = (ymd: string, locale: Locale) => orRaw(ymd, () => formatDate(ymd, locale));
const monthName = (period: string, locale: Locale) => orRaw(period, () => formatPeriod(period, locale));
const gib = (bytes: string, locale: Locale) => orRaw(bytes, () => formatGiB(bytes, locale));

/** An instant in the account's zone, to the minute (shorter than mail's: no zone name, no "às"). */
function instant(iso: string, timeZone: string, locale: Locale): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  return dateTimeFormat(locale, { dateStyle: locale === 'en' ? 'medium' : 'short', timeStyle: 'short', timeZone })
    .format(at)
    .replace(/[\u00a0\u202f]/g, ' ')
    .replace(' às ', ' ');
}

/** Whole percent, rounded down: 79.9% reads 79%, so "80%" is never shown below the threshold. */
export function percent(usedBytes: string, quotaBytes: string): string {
  return ((BigInt(usedBytes) * 100n) / BigInt(quotaBytes)).toString();
}

const MAX_REASON = 200;
const shortReason = (reason: string) => {
  const line = oneLine(reason);
  return line.length > MAX_REASON ? `${line.slice(0, MAX_REASON - 1)}…` : line;
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
    case 'account_suspended': {
      const reason = shortReason(facts.reason);
      return pt ? { title: 'Conta suspensa', body: `Sua conta foi suspensa. Motivo: ${reason}` } : { title: 'Account suspended', body: `Your account was suspended. Reason: ${reason}` };
    }
    case 'account_reactivated': {
      const why = facts.reason === null ? '' : pt ? ` Motivo: ${shortReason(facts.reason)}` : ` Reason: ${shortReason(facts.reason)}`;
      return pt ? { title: 'Conta reativada', body: `Sua conta foi reativada.${why}` } : { title: 'Account reactivated', body: `Your account was reactivated.${why}` };
    }
    case 'invoice_voided': {
      const total = money(facts.total, facts.currency, locale);
      const month = monthName(facts.period, locale);
      const reason = shortReason(facts.reason);
      return pt
        ? { title: `Fatura ${facts.number} cancelada`, body: `A fatura ${facts.number} de ${month} (${total}) foi cancelada e será substituída. Motivo: ${reason}` }
        : { title: `Invoice ${facts.number} voided`, body: `Invoice ${facts.number} for ${month} (${total}) was voided and will be replaced. Reason: ${reason}` };
    }
    case 'invoice_replacement_issued': {
      const total = money(facts.total, facts.currency, locale);
      const due = calendarDate(facts.dueDate, locale);
      const month = monthName(facts.period, locale);
      return pt
        ? { title: `Fatura ${facts.number} emitida em substituição à ${facts.replacedNumber}`, body: `A fatura de ${month}, no valor de ${total}, vence em ${due}. Ela substitui a fatura ${facts.replacedNumber}, cancelada: ${shortReason(facts.reason)}` }
        : { title: `Invoice ${facts.number} issued in place of ${facts.replacedNumber}`, body: `The invoice for ${month}, ${total}, is due on ${due}. It replaces invoice ${facts.replacedNumber}, voided: ${shortReason(facts.reason)}` };
    }
    case 'credit_note_issued': {
      const amount = money(facts.amount, facts.currency, locale);
      const due = money(facts.amountDueAfter, facts.currency, locale);
      const reason = shortReason(facts.reason);
      return pt
        ? { title: `Nota de crédito na fatura ${facts.number}`, body: `Nota de crédito de ${amount} na fatura ${facts.number}. Motivo: ${reason}. Valor em aberto: ${due}.` }
        : { title: `Credit note on invoice ${facts.number}`, body: `A credit note of ${amount} on invoice ${facts.number}. Reason: ${reason}. Still due: ${due}.` };
    }
    case 'payment_reversed': {
      const amount = money(facts.amount, facts.currency, locale);
      const due = money(facts.amountDueAfter, facts.currency, locale);
      const reason = shortReason(facts.reason);
      return pt
        ? { title: `Pagamento da fatura ${facts.number} estornado`, body: `O pagamento de ${amount} (${facts.externalRef}) na fatura ${facts.number} foi estornado. Motivo: ${reason}. Valor em aberto: ${due}.` }
        : { title: `Payment on invoice ${facts.number} reversed`, body: `The payment of ${amount} (${facts.externalRef}) on invoice ${facts.number} was reversed. Reason: ${reason}. Still due: ${due}.` };
    }
  }
}
