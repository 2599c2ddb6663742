import { assertNever, type Decider } from '../decider.ts';
import { IllegalStateError } from '../errors.ts';
import type { InvoiceDrafted, InvoiceEvent, InvoiceIssued, InvoiceNumberAssigned } from './invoice-events.ts';

export type DraftInvoice = { type: 'DraftInvoice'; data: InvoiceDrafted['data'] };
export type IssueInvoice = {
  type: 'IssueInvoice';
  data: { accountId: string; period: string; invoiceId: string; number: string; issueDate: string; dueDate: string; issuedAt: string };
};
export type InvoiceCommand = DraftInvoice | IssueInvoice;

export type InvoiceState =
  | { status: 'none' }
  | { status: 'draft'; draft: InvoiceDrafted['data'] }
  | { status: 'issued'; draft: InvoiceDrafted['data']; issued: InvoiceIssued['data'] };

/**
 * One invoice per account and period. A draft may be replaced while the period's usage can
 * still change (the grace period); once issued, an invoice never changes.
 */
export const invoiceDecider: Decider<InvoiceCommand, InvoiceEvent, InvoiceState> = {
  initialState: () => ({ status: 'none' }),
  decide(command, state) {
    switch (command.type) {
      case 'DraftInvoice':
        // Late usage after issue is billed on a later invoice, never by changing this one.
        if (state.status === 'issued') return [];
        if (state.status === 'draft' && state.draft.digest === command.data.digest) return [];
        return [{ type: 'InvoiceDrafted', data: state.status === 'draft' ? { ...command.data, invoiceId: state.draft.invoiceId } : command.data }];
      case 'IssueInvoice': {
        if (state.status === 'issued') return [];
        if (state.status === 'none') throw new IllegalStateError('invoice_not_drafted', `no draft invoice for ${command.data.period}`);
        const { draft } = state;
        return [
          {
            type: 'InvoiceIssued',
            data: {
              ...command.data,
              invoiceId: draft.invoiceId,
              total: draft.rated.total,
              currency: draft.rated.currency,
              digest: draft.digest,
            },
          },
        ];
      }
      default:
        return assertNever(command);
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case 'InvoiceDrafted':
        return { status: 'draft', draft: event.data };
      case 'InvoiceIssued':
        return state.status === 'none' ? state : { status: 'issued', draft: state.draft, issued: event.data };
      default:
        return assertNever(event);
    }
  },
};

export type AssignInvoiceNumber = {
  type: 'AssignInvoiceNumber';
  data: { year: number; invoiceId: string; accountId: string; period: string; assignedAt: string };
};
export type InvoiceNumbersState = { lastSequence: number; byInvoice: Record<string, string> };

export const formatInvoiceNumber = (year: number, sequence: number) => `INV-${year}-${String(sequence).padStart(6, '0')}`;

/**
 * The year's numbers, one stream: the next number is the last plus one, and the append's
 * expected revision makes two concurrent runs take turns, so numbers have no gaps and no
 * repeats. An invoice asking again gets the number it already has.
 */
export const invoiceNumbersDecider: Decider<AssignInvoiceNumber, InvoiceNumberAssigned, InvoiceNumbersState> = {
  initialState: () => ({ lastSequence: 0, byInvoice: {} }),
  decide({ data }, state) {
    if (state.byInvoice[data.invoiceId]) return [];
    const sequence = state.lastSequence + 1;
    return [{ type: 'InvoiceNumberAssigned', data: { ...data, sequence, number: formatInvoiceNumber(data.year, sequence) } }];
  },
  evolve: (state, event) => ({
    lastSequence: event.data.sequence,
    byInvoice: { ...state.byInvoice, [event.data.invoiceId]: event.data.number },
  }),
};
