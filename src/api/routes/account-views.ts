import type { AccountState } from '../../domain/account/account-decider.ts';
import { formatTaxDocument } from '../../domain/account/tax-document.ts';
import type { AccountsTable } from '../../projections/accounts/accounts-table.ts';
import type { AccountView } from '../schemas/account-schemas.ts';
import { iso } from './iso.ts';

/** After a command: the account as the write model now knows it. */
export function accountViewFromState(state: Exclude<AccountState, { status: 'none' }>): AccountView {
  return {
    accountId: state.accountId,
    slug: state.slug,
    name: state.profile.name,
    billingEmail: state.profile.billingEmail,
    document: { ...state.profile.document, formatted: formatTaxDocument(state.profile.document) },
    currency: state.currency,
    timeZone: state.timeZone,
    billingDay: state.profile.billingDay,
    status: state.status,
    statusReason: state.statusReason,
    openedAt: iso(state.openedAt),
    updatedAt: iso(state.updatedAt),
    closedAt: state.closedAt ? iso(state.closedAt) : null,
  };
}

/** For reads: the account as the read model has it. */
export function accountViewFromRow(row: AccountsTable): AccountView {
  const document = { kind: row.document_kind, number: row.document_number };
  return {
    accountId: row.account_id,
    slug: row.slug,
    name: row.name,
    billingEmail: row.billing_email,
    document: { ...document, formatted: formatTaxDocument(document) },
    currency: row.currency,
    timeZone: row.time_zone,
    billingDay: row.billing_day,
    status: row.status,
    statusReason: row.status_reason,
    openedAt: iso(row.opened_at),
    updatedAt: iso(row.updated_at),
    closedAt: row.closed_at ? iso(row.closed_at) : null,
  };
}
