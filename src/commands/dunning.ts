import { accountDecider } from '../domain/account/account-decider.ts';
import { accountStream } from '../domain/account/account-streams.ts';
import { invoiceDecider } from '../domain/invoice/invoice-decider.ts';
import { invoiceStream } from '../domain/invoice/invoice-events.ts';
import {
  daysOverdue,
  DEFAULT_DUNNING_CONFIG,
  DUNNING_REACTIVATION_REASON,
  DUNNING_SUSPENSION_PREFIX,
  dunningActions,
  dunningSuspensionReason,
  type DunningAccount,
  type DunningAction,
  type DunningConfig,
  type DunningInvoice,
} from '../domain/invoice/dunning-rules.ts';
import { exact } from '../domain/rating/exact-decimal.ts';
import type { EventStore } from '../ports/event-store.ts';
import { invoiceProjections } from '../projections/invoices/invoice-projections.ts';
import type { OpenInvoiceRow } from '../projections/invoices/invoice-queries.ts';
import type { AccountCommands } from './account-commands.ts';
import { accountIdsInLog, loadOpenedAccount, type OpenedAccount } from './account-roster.ts';
import { handleCommand, loadAggregate, type CommandContext } from './command-handler.ts';
import { awaitReadModels, type ReadModelGuardDeps } from './read-model-guard.ts';

export interface DunningDeps extends ReadModelGuardDeps {
  eventStore: EventStore;
  /** suspends and reactivates accounts (each decided again on the account's stream) */
  accounts: Pick<AccountCommands, 'execute'>;
  /** every issued invoice not yet paid or void, from the invoices read model */
  openInvoices(): Promise<OpenInvoiceRow[]>;
  config?: DunningConfig;
  /** how long to wait for the invoices read model to reach the log's position at the start (default 30 s) */
  readModelWaitMs?: number;
}

export type DunningOutcome = DunningAction & { outcome: 'recorded' | 'unchanged' | 'failed'; error?: string };

export interface DunningSummary {
  asOf: string;
  /** where the accounts were listed from: the log's AccountOpened events, never a read model */
  accountsListedFrom: 'event-log';
  /** every account the log has opened: each is considered for suspension and reactivation */
  accounts: number;
  invoicesConsidered: number;
  markedOverdue: number;
  reminders: number;
  suspended: number;
  reactivated: number;
  unchanged: number;
  failed: number;
  outcomes: DunningOutcome[];
}

/** Every event dunning records carries this actor. */
export const DUNNING_ACTOR = 'system:dunning';

/**
 * One dunning pass at `now` (daily, or `POST /operator/dunning-runs`): lists the accounts from
 * the event log (each read from its own stream), reads the issued, unpaid invoices from the
 * invoices read model once it has caught up with the log (refused while it is failed or
 * behind: an invoice it has not got would silently escape dunning), asks the pure
 * `dunningActions` what is due, and carries each action out as a command on the write model,
 * which decides again on the stream itself: an overdue mark and each reminder are recorded
 * once, suspending a suspended account or reactivating an active one records nothing. So a
 * second run, even on a stale read model, records nothing twice.
 */
export async function runDunning(deps: DunningDeps, now: Date, context: CommandContext): Promise<DunningSummary> {
  const config = deps.config ?? DEFAULT_DUNNING_CONFIG;
  const ctx: CommandContext = { ...context, actor: DUNNING_ACTOR };
  const { accounts } = deps;

  await awaitReadModels(deps, invoiceProjections, { waitMs: deps.readModelWaitMs ?? 30_000 });
  const accountIds = await accountIdsInLog(deps.eventStore);
  const accountStates = new Map<string, OpenedAccount>();
  for (const accountId of accountIds) accountStates.set(accountId, await loadOpenedAccount(deps.eventStore, accountId));

  const rows = await deps.openInvoices();

  const invoices: DunningInvoice[] = [];
  const accountRows = new Map<string, DunningAccount>();
  const asAccount = (accountId: string, status: DunningAccount['status'], reason: string | null): DunningAccount => ({
    accountId,
    status,
    suspendedByDunning: status === 'suspended' && (reason ?? '').startsWith(DUNNING_SUSPENSION_PREFIX),
  });
  for (const row of rows) {
    if (row.number === null || row.due_date === null) continue;
    const account = accountStates.get(row.account_id);
    // the log has every account; an invoice of one it has not is a broken log, not a skip
    if (!account) throw new Error(`invoice ${row.number} names account ${row.account_id}, which the event log never opened`);
    const amountDue = exact(row.total).minus(row.amount_paid ?? '0').minus(row.amount_credited ?? '0');
    invoices.push({
      invoiceId: row.invoice_id,
      accountId: row.account_id,
      period: row.period,
      number: row.number,
      dueDate: row.due_date,
      timeZone: account.timeZone,
      amountDue: amountDue.toFixed(),
      overdue: row.overdue_at !== null,
      reminderDays: row.last_reminder_day === null ? [] : [row.last_reminder_day],
    });
    accountRows.set(row.account_id, asAccount(row.account_id, account.status, account.statusReason));
  }
  for (const [accountId, account] of accountStates) if (account.status === 'suspended') accountRows.set(accountId, asAccount(accountId, account.status, account.statusReason));

  const outcomes: DunningOutcome[] = [];
  for (const action of dunningActions(invoices, now, config, [...accountRows.values()])) {
    try {
      const recorded = await carryOut(action);
      outcomes.push({ ...action, outcome: recorded ? 'recorded' : 'unchanged' });
    } catch (error) {
      outcomes.push({ ...action, outcome: 'failed', error: error instanceof Error ? error.message : String(error) });
    }
  }

  const count = (type: DunningAction['type']) => outcomes.filter((o) => o.type === type && o.outcome === 'recorded').length;
  return {
    asOf: now.toISOString(),
    accountsListedFrom: 'event-log',
    accounts: accountIds.length,
    invoicesConsidered: invoices.length,
    markedOverdue: count('mark_overdue'),
    reminders: count('remind'),
    suspended: count('suspend'),
    reactivated: count('reactivate'),
    unchanged: outcomes.filter((o) => o.outcome === 'unchanged').length,
    failed: outcomes.filter((o) => o.outcome === 'failed').length,
    outcomes,
  };

  async function carryOut(action: DunningAction): Promise<boolean> {
    const at = now.toISOString();
    switch (action.type) {
      case 'mark_overdue': {
        const { accountId, period, invoiceId, asOfDate } = action;
        const result = await handleCommand(deps.eventStore, invoiceDecider, invoiceStream(accountId, period), { type: 'MarkInvoiceOverdue', data: { accountId, period, invoiceId, asOfDate, overdueAt: at } }, ctx);
        return result.events.length > 0;
      }
      case 'remind': {
        const { accountId, period, invoiceId, day, asOfDate } = action;
        const result = await handleCommand(deps.eventStore, invoiceDecider, invoiceStream(accountId, period), { type: 'RecordPaymentReminder', data: { accountId, period, invoiceId, day, asOfDate, remindedAt: at } }, ctx);
        return result.events.length > 0;
      }
      case 'suspend': {
        // The read model may lag a payment: suspend only if an invoice's own stream agrees.
        const stillOverdue = [];
        for (const invoice of invoices.filter((i) => i.accountId === action.accountId && action.invoiceNumbers.includes(i.number))) {
          const { state } = await loadAggregate(deps.eventStore, invoiceDecider, invoiceStream(invoice.accountId, invoice.period));
          if (state.status !== 'issued' || !exact(state.settlement.amountDue).gt(0)) continue;
          if (daysOverdue(state.issued.dueDate, now, invoice.timeZone) >= config.suspendAfterDays) stillOverdue.push(state.issued.number);
        }
        if (stillOverdue.length === 0) return false;
        const result = await accounts.execute(
          { type: 'SuspendAccount', data: { accountId: action.accountId, reason: dunningSuspensionReason(stillOverdue, action.daysOverdue), suspendedAt: at } },
          ctx,
        );
        return result.events.length > 0;
      }
      case 'reactivate': {
        // Only a suspension dunning made itself; an operator's stays until an operator lifts it.
        const { state } = await loadAggregate(deps.eventStore, accountDecider, accountStream(action.accountId));
        if (state.status !== 'suspended' || !(state.statusReason ?? '').startsWith(DUNNING_SUSPENSION_PREFIX)) return false;
        const result = await accounts.execute({ type: 'ReactivateAccount', data: { accountId: action.accountId, reason: DUNNING_REACTIVATION_REASON, reactivatedAt: at } }, ctx);
        return result.events.length > 0;
      }
    }
  }
}
