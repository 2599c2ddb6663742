import type { Transaction, UpdateObject } from 'kysely';
import { assertNever } from '../../domain/decider.ts';
import { quotaEvents } from '../../domain/quota/quota-events.ts';
import type { RecordedEvent } from '../../ports/event-store.ts';
import type { Projection } from '../projection.ts';
import { updateOneRow } from '../update-one-row.ts';
import type { QuotaTables } from './quota-tables.ts';

/**
 * Each account's quota and the request waiting on it. An account without a row, or with a
 * null quota, is on the configured default, which the API fills in when it answers.
 */
export const accountQuotasProjection: Projection = {
  name: 'account-quotas',
  eventTypes: new Set(quotaEvents.types),
  tables: ['account_quotas'],

  async apply(trx: Transaction<QuotaTables>, recorded: RecordedEvent) {
    const event = quotaEvents.narrow(recorded);
    const revision = recorded.streamRevision.toString();
    const { accountId } = event.data;
    const update = (values: UpdateObject<QuotaTables, 'account_quotas'>) =>
      updateOneRow(trx, 'account_quotas', { account_id: accountId }, values, `the quota row of account ${accountId}`);
    switch (event.type) {
      case 'QuotaIncreaseRequested': {
        const values = { pending_request_id: event.data.requestId, updated_at: event.data.requestedAt, revision };
        // The first quota event of an account creates its row, still on the default quota.
        await trx
          .insertInto('account_quotas')
          .values({ account_id: accountId, quota_gib: null, ...values })
          .onConflict((oc) => oc.column('account_id').doUpdateSet(values))
          .execute();
        return;
      }
      case 'QuotaRequestApproved':
        return update({ quota_gib: event.data.toGiB, pending_request_id: null, updated_at: event.data.approvedAt, revision });
      case 'QuotaRequestRejected':
        return update({ pending_request_id: null, updated_at: event.data.rejectedAt, revision });
      default:
        assertNever(event);
    }
  },
};
