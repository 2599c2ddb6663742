import type { Transaction, UpdateObject } from 'kysely';
import { accountLifecycleEvents } from '../../domain/account/account-events.ts';
import { assertNever } from '../../domain/decider.ts';
import type { RecordedEvent } from '../../ports/event-store.ts';
import type { Projection } from '../projection.ts';
import { updateOneRow } from '../update-one-row.ts';
import type { AccountTables } from './accounts-table.ts';

const NO_SMTP = {
  smtp_host: null,
  smtp_port: null,
  smtp_secure: null,
  smtp_username: null,
  smtp_password_set: null,
  smtp_from_name: null,
  smtp_from_address: null,
} as const;

/** One row per account, as the portal and the operator console list and show them. */
export const accountsProjection: Projection = {
  name: 'accounts',
  eventTypes: new Set(accountLifecycleEvents.types),
  tables: ['accounts'],

  async apply(trx: Transaction<AccountTables>, recorded: RecordedEvent) {
    const event = accountLifecycleEvents.narrow(recorded);
    const revision = recorded.streamRevision.toString();
    const { accountId } = event.data;
    const update = (values: UpdateObject<AccountTables, 'accounts'>) => updateOneRow(trx, 'accounts', { account_id: accountId }, values, `account ${accountId}`);
    switch (event.type) {
      case 'AccountOpened': {
        const d = event.data;
        await trx
          .insertInto('accounts')
          .values({
            account_id: d.accountId,
            slug: d.slug,
            name: d.name,
            billing_email: d.billingEmail,
            document_kind: d.document.kind,
            document_number: d.document.number,
            currency: d.currency,
            time_zone: d.timeZone,
            billing_day: d.billingDay,
            status: 'active',
            status_reason: null,
            opened_at: d.openedAt,
            updated_at: d.openedAt,
            closed_at: null,
            locale: d.locale,
            address: d.address ? (JSON.stringify(d.address) as never) : null,
            ...NO_SMTP,
            revision,
          })
          .execute();
        return;
      }
      case 'BillingProfileUpdated': {
        const { changes, updatedAt } = event.data;
        await update({
          ...(changes.name !== undefined && { name: changes.name }),
          ...(changes.billingEmail !== undefined && { billing_email: changes.billingEmail }),
          ...(changes.billingDay !== undefined && { billing_day: changes.billingDay }),
          ...(changes.document !== undefined && { document_kind: changes.document.kind, document_number: changes.document.number }),
          ...(changes.locale !== undefined && { locale: changes.locale }),
          ...(changes.address !== undefined && { address: JSON.stringify(changes.address) as never }),
          updated_at: updatedAt,
          revision,
        });
        return;
      }
      case 'AccountSmtpConfigured': {
        const d = event.data;
        await update({
          smtp_host: d.host,
          smtp_port: d.port,
          smtp_secure: d.secure,
          smtp_username: d.username,
          smtp_password_set: d.sealedPassword !== null,
          smtp_from_name: d.fromName,
          smtp_from_address: d.fromAddress,
          updated_at: d.configuredAt,
          revision,
        });
        return;
      }
      case 'AccountSmtpCleared':
        await update({ ...NO_SMTP, updated_at: event.data.clearedAt, revision });
        return;
      case 'AccountSuspended':
        await update({ status: 'suspended', status_reason: event.data.reason, updated_at: event.data.suspendedAt, revision });
        return;
      case 'AccountReactivated':
        await update({ status: 'active', status_reason: null, updated_at: event.data.reactivatedAt, revision });
        return;
      case 'AccountClosed':
        await update({
          status: 'closed',
          status_reason: event.data.reason,
          updated_at: event.data.closedAt,
          closed_at: event.data.closedAt,
          revision,
        });
        return;
      default:
        assertNever(event);
    }
  },
};
