import type { Locale } from '../../domain/account/account-locale.ts';
import type { InvoiceLinks } from '../../projections/invoices/invoice-queries.ts';
import type { InvoicesTable } from '../../projections/invoices/invoice-tables.ts';
import { dateTimeFormat } from '../../domain/shared/intl-formats.ts';

/** An invoice as the read model has it, with what exporting it needs from its account: the language and the zone. */
export interface ExportedInvoice {
  invoice: InvoicesTable & InvoiceLinks;
  locale: Locale;
  timeZone: string;
}

/** `INV-2026-000001`, or `draft-<id>` for an invoice not yet numbered; safe in a file name. */
export function exportFilename(invoice: Pick<InvoicesTable, 'number' | 'invoice_id'>, extension: 'csv' | 'pdf'): string {
  const name = invoice.number ?? `draft-${invoice.invoice_id}`;
  return `${name.replace(/[^A-Za-z0-9._-]/g, '_')}.${extension}`;
}

/** An instant as a local time with its offset in `timeZone`: `2026-06-16T00:00:00-03:00`. */
export function localIsoTime(instant: string, timeZone: string): string {
  const at = new Date(instant);
  if (Number.isNaN(at.getTime())) return instant;
  const parts = Object.fromEntries(
    dateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  const local = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  const offsetMinutes = Math.round((local - Math.floor(at.getTime() / 1000) * 1000) / 60_000);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  const offset = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}${offset}`;
}
