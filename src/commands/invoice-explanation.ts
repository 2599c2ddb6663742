import type { EventStore } from '../ports/event-store.ts';
import { findInvoice } from './invoice-audit.ts';

/**
 * How an invoice was computed, in words: what `ops explain-invoice` prints and what
 * `GET …/invoices/:invoiceId/explanation` answers, from one function so the two never differ.
 * `text` is the printed form, a paragraph a string; `lines` holds each line's explanation alone.
 */
export interface InvoiceExplanation {
  invoiceId: string;
  number: string | null;
  period: string;
  voided: boolean;
  currency: string;
  /** what the invoice was computed from: period, engine, usage stream, plans, adjustments */
  header: string[];
  lines: { kind: string; amount: string; explanation: string }[];
  totals: string;
  text: string[];
}

export async function explainInvoice(eventStore: EventStore, invoice: { accountId: string; period: string; invoiceId: string }): Promise<InvoiceExplanation> {
  const { drafted, number, voided, tzDataVersion } = await findInvoiceInStream(eventStore, invoice);
  const { rated, inputs } = drafted;
  const header = [
    `Invoice ${number ?? '(draft)'}${voided ? ' (voided)' : ''}, account ${invoice.accountId}, period ${rated.period} (${rated.periodStart} to ${rated.periodEnd}, ${rated.timeZone}).`,
    `Computed by ${inputs.engineVersion} from ${inputs.usageStream} up to revision ${inputs.usageStreamRevision ?? '(empty)'}, plans ${inputs.planVersions.map((p) => `${p.planId} v${p.version}`).join(', ')}.`,
    tzDataVersion !== null
      ? `Dates computed with time-zone database ${tzDataVersion}.`
      : number === null
        ? 'Time-zone database: recorded when the invoice is issued.'
        : 'Time-zone database: not recorded (issued before it was).',
  ];
  for (const adjusted of inputs.adjustedPeriods ?? []) {
    header.push(
      `Late usage of ${adjusted.period}: rated again from ${adjusted.usageStream} up to revision ${adjusted.usageStreamRevision ?? '(empty)'}, plans ${adjusted.planVersions.map((p) => `${p.planId} v${p.version}`).join(', ')}, against what ${adjusted.billedOn.map((r) => r.number).join(', ')} billed for it.`,
    );
  }
  if (inputs.billedElsewhere) header.push(`Replaces a voided invoice: takes off what ${inputs.billedElsewhere.billedOn.map((r) => r.number).join(', ')} already billed for ${rated.period} as adjustments.`);
  const lines = rated.lines.map((line) => ({ kind: line.kind, amount: line.amount, explanation: line.explanation }));
  const totals = `Subtotal ${rated.subtotal}; tax ${rated.tax}; credit applied ${rated.creditApplied}; total ${rated.total} ${rated.currency}.`;
  return {
    invoiceId: invoice.invoiceId,
    number,
    period: rated.period,
    voided,
    currency: rated.currency,
    header,
    lines,
    totals,
    text: [...header, ...lines.map((line, i) => `\n${i + 1}. ${line.kind}: ${line.amount} ${rated.currency}\n   ${line.explanation}`), `\n${totals}`],
  };
}

const findInvoiceInStream = (eventStore: EventStore, invoice: { accountId: string; period: string; invoiceId: string }) =>
  findInvoice(eventStore, invoice.accountId, invoice.period, invoice.invoiceId);
