import type { AccountState } from '../../domain/account/account-decider.ts';
import { formatTaxDocument } from '../../domain/account/tax-document.ts';
import type { AccountRow } from '../../projections/accounts/accounts-table.ts';
import type { AccountView, SmtpView } from '../schemas/account-schemas.ts';
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
    address: state.profile.address ?? null,
    locale: state.locale,
    smtp: state.smtp && {
      host: state.smtp.host,
      port: state.smtp.port,
      secure: state.smtp.secure,
      username: state.smtp.username,
      passwordSet: state.smtp.sealedPassword !== null,
      fromName: state.smtp.fromName,
      fromAddress: state.smtp.fromAddress,
    },
    status: state.status,
    statusReason: state.statusReason,
    openedAt: iso(state.openedAt),
    updatedAt: iso(state.updatedAt),
    closedAt: state.closedAt ? iso(state.closedAt) : null,
  };
}

/** For reads: the account as the read model has it. */
export function accountViewFromRow(row: AccountRow): AccountView {
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
    address: row.address ?? null,
    locale: row.locale,
    smtp: smtpViewFromRow(row),
    status: row.status,
    statusReason: row.status_reason,
    openedAt: iso(row.opened_at),
    updatedAt: iso(row.updated_at),
    closedAt: row.closed_at ? iso(row.closed_at) : null,
  };
}

function smtpViewFromRow(row: AccountRow): SmtpView {
  if (row.smtp_host === null) return null;
  return {
    host: row.smtp_host,
    port: row.smtp_port!,
    secure: row.smtp_secure!,
    username: row.smtp_username,
    passwordSet: row.smtp_password_set === true,
    fromName: row.smtp_from_name!,
    fromAddress: row.smtp_from_address!,
  };
}
