import { assertNever, type Decider } from '../decider.ts';
import { ConflictError, IllegalStateError, NotFoundError } from '../errors.ts';
import { decideIssueCreditNote, decideVoid, type IssueCreditNote, type VoidInvoice } from './credit-note-corrections.ts';
import { decideMarkOverdue, decideReminder, type MarkInvoiceOverdue, type RecordPaymentReminder } from './dunning-rules.ts';
import type { InvoiceDrafted, InvoiceIssued, InvoiceStreamEvent, InvoiceVoided, ReplacedInvoice } from './invoice-events.ts';
import type { InvoiceLegalDetails } from './invoice-parties.ts';
import { decideReversePayment, type ReversePayment } from './payment-reversal.ts';
import { decideRecordPayment, evolveSettlement, openSettlement, type InvoiceSettlement, type RecordPayment } from './payment-settlement.ts';

export type DraftInvoice = { type: 'DraftInvoice'; data: InvoiceDrafted['data'] };
/**
 * Issues the draft whose credit was applied and which was numbered: `invoiceId` and `digest`
 * name it, and a draft replaced since (late usage) is refused, to be credited and issued afresh.
 */
export type IssueInvoice = {
  type: 'IssueInvoice';
  data: {
    accountId: string;
    period: string;
    invoiceId: string;
    digest: string;
    number: string;
    issueDate: string;
    dueDate: string;
    issuedAt: string;
    /** the IANA time-zone database the dates were computed with (the caller's `process.versions.tz`); absent when unknown */
    tzDataVersion?: string;
  } & Partial<InvoiceLegalDetails>;
};
/** Commands on an issued invoice (payments, corrections, dunning): each names the invoice it means. */
export type SettlementCommand = RecordPayment | IssueCreditNote | VoidInvoice | MarkInvoiceOverdue | RecordPaymentReminder | ReversePayment;
export type InvoiceCommand = DraftInvoice | IssueInvoice | SettlementCommand;

/**
 * Invoices of this period voided (and replaced) before the current one: history, taking nothing
 * more; `replaces` is the last of them, which the current invoice replaces.
 */
type Replacing = { voidedInvoiceIds?: readonly string[]; replaces?: ReplacedInvoice };

export type InvoiceState =
  | { status: 'none' }
  | ({ status: 'draft'; draft: InvoiceDrafted['data'] } & Replacing)
  /** issued; paid, overdue and the rest are in `settlement` */
  | ({ status: 'issued'; draft: InvoiceDrafted['data']; issued: InvoiceIssued['data']; settlement: InvoiceSettlement } & Replacing)
  /** voided: the next billing run of the period drafts a replacement (a new invoice id and number) */
  | ({ status: 'void'; draft: InvoiceDrafted['data']; issued: InvoiceIssued['data']; settlement: InvoiceSettlement; voided: InvoiceVoided['data'] } & Replacing);

/**
 * One invoice per account and period. A draft may be replaced while the period's usage can
 * still change (the grace period); once issued, an invoice never changes: payments, credit
 * notes and dunning are recorded beside it, and a void lets the period's next billing run
 * draft a replacement (a new invoice id, and a new number when it is issued).
 */
export const invoiceDecider: Decider<InvoiceCommand, InvoiceStreamEvent, InvoiceState> = {
  initialState: () => ({ status: 'none' }),
  decide(command, state) {
    switch (command.type) {
      case 'DraftInvoice':
        // Late usage after issue is billed on a later invoice, never by changing this one.
        if (state.status === 'issued') return [];
        // A voided invoice is replaced by a new draft with the command's (new) invoice id.
        if (state.status === 'void') return [{ type: 'InvoiceDrafted', data: command.data }];
        if (state.status === 'draft' && state.draft.digest === command.data.digest) return [];
        return [{ type: 'InvoiceDrafted', data: state.status === 'draft' ? { ...command.data, invoiceId: state.draft.invoiceId } : command.data }];
      case 'IssueInvoice': {
        if (state.status === 'issued') return [];
        if (state.status === 'none' || state.status === 'void') throw new IllegalStateError('invoice_not_drafted', `no draft invoice for ${command.data.period}`);
        const { draft } = state;
        if (draft.invoiceId !== command.data.invoiceId || draft.digest !== command.data.digest) {
          throw new ConflictError('invoice_draft_changed', `the draft invoice for ${command.data.period} was replaced after it was numbered; issue the current draft`);
        }
        return [
          {
            type: 'InvoiceIssued',
            data: {
              ...command.data,
              invoiceId: draft.invoiceId,
              total: draft.rated.total,
              currency: draft.rated.currency,
              digest: draft.digest,
              ...(state.replaces ? { replaces: state.replaces } : {}),
            },
          },
        ];
      }
      case 'RecordPayment':
      case 'IssueCreditNote':
      case 'VoidInvoice':
      case 'MarkInvoiceOverdue':
      case 'RecordPaymentReminder':
      case 'ReversePayment':
        return decideSettlement(command, state);
      default:
        return assertNever(command);
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case 'InvoiceDrafted': {
        if (state.status === 'none' || (state.status !== 'void' && !state.voidedInvoiceIds)) return { status: 'draft', draft: event.data };
        const voidedInvoiceIds = [...(state.voidedInvoiceIds ?? []), ...(state.status === 'void' ? [state.voided.invoiceId] : [])];
        const replaces = state.status === 'void' ? replacedBy(state.voided) : state.replaces;
        return { status: 'draft', draft: event.data, voidedInvoiceIds, ...(replaces ? { replaces } : {}) };
      }
      case 'InvoiceIssued':
        if (state.status === 'none') return state;
        return {
          status: 'issued',
          draft: state.draft,
          issued: event.data,
          settlement: openSettlement(event.data),
          ...(state.voidedInvoiceIds ? { voidedInvoiceIds: state.voidedInvoiceIds } : {}),
          ...(state.replaces ? { replaces: state.replaces } : {}),
        };
      case 'InvoiceVoided':
        return state.status === 'issued' ? { ...state, status: 'void', voided: event.data } : state;
      case 'PaymentRecorded':
      case 'InvoicePaid':
      case 'CreditNoteIssued':
      case 'InvoiceOverdue':
      case 'PaymentReminderDue':
      case 'PaymentReversed':
        return state.status === 'issued' ? { ...state, settlement: evolveSettlement(state.settlement, event) } : state;
      default:
        return assertNever(event);
    }
  },
};

const replacedBy = ({ invoiceId, number, reason, voidedAt }: InvoiceVoided['data']): ReplacedInvoice => ({ invoiceId, number, reason, voidedAt });

/**
 * Payments, corrections and dunning apply to the issued invoice the command names. A void
 * invoice takes nothing more (voiding it again records nothing); a draft is not yet an
 * invoice anyone owes.
 */
function decideSettlement(command: SettlementCommand, state: InvoiceState): InvoiceStreamEvent[] {
  const { invoiceId } = command.data;
  if (state.status !== 'none' && state.voidedInvoiceIds?.includes(invoiceId)) {
    if (command.type === 'VoidInvoice') return [];
    throw new IllegalStateError('invoice_void', `invoice ${invoiceId} was voided and replaced`);
  }
  if (state.status === 'none' || (state.status === 'draft' && state.draft.invoiceId !== invoiceId)) {
    throw new NotFoundError('invoice_not_found', `invoice ${invoiceId} does not exist`);
  }
  if (state.status === 'draft') throw new IllegalStateError('invoice_not_issued', `invoice ${invoiceId} is a draft; only issued invoices take payments and corrections`);
  if (state.issued.invoiceId !== invoiceId) throw new NotFoundError('invoice_not_found', `invoice ${invoiceId} does not exist`);
  if (state.status === 'void') {
    if (command.type === 'VoidInvoice') return [];
    throw new IllegalStateError('invoice_void', `invoice ${state.issued.number} was voided: ${state.voided.reason}`);
  }
  switch (command.type) {
    case 'RecordPayment':
      return decideRecordPayment(command, state);
    case 'IssueCreditNote':
      return decideIssueCreditNote(command, state);
    case 'VoidInvoice':
      return decideVoid(command, state);
    case 'MarkInvoiceOverdue':
      return decideMarkOverdue(command, state);
    case 'RecordPaymentReminder':
      return decideReminder(command, state);
    case 'ReversePayment':
      return decideReversePayment(command, state);
    default:
      return assertNever(command);
  }
}
