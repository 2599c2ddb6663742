import type { Transaction, UpdateObject } from 'kysely';
import { assertNever } from '../../domain/decider.ts';
import { quotaEvents } from '../../domain/quota/quota-events.ts';
import type { RecordedEvent } from '../../ports/event-store.ts';
import type { Projection } from '../projection.ts';
import { updateOneRow } from '../update-one-row.ts';
import type { QuotaTables } from './quota-tables.ts';

/** Every quota increase request, with who asked and who decided (the events' actors). */
export const quotaRequestsProjection: Projection = {
  name: 'quota-requests',
  eventTypes: new Set(quotaEvents.types),
  tables: ['quota_requests'],

  async apply(trx: Transaction<QuotaTables>, recorded: RecordedEvent) {
    const event = quotaEvents.narrow(recorded);
    const actor = recorded.metadata.actor;
    const { requestId } = event.data;
    const decide = (values: UpdateObject<QuotaTables, 'quota_requests'>) =>
      updateOneRow(trx, 'quota_requests', { request_id: requestId }, values, `quota request ${requestId}`);
    switch (event.type) {
      case 'QuotaIncreaseRequested': {
        const d = event.data;
        await trx
          .insertInto('quota_requests')
          .values({
            request_id: d.requestId,
            account_id: d.accountId,
            current_gib: d.currentGiB,
            requested_gib: d.requestedGiB,
            reason: d.reason,
            status: 'pending',
            note: null,
            requested_at: d.requestedAt,
            requested_by: actor,
            decided_at: null,
            decided_by: null,
          })
          .execute();
        return;
      }
      case 'QuotaRequestApproved':
        return decide({ status: 'approved', note: event.data.note, decided_at: event.data.approvedAt, decided_by: actor });
      case 'QuotaRequestRejected':
        return decide({ status: 'rejected', note: event.data.note, decided_at: event.data.rejectedAt, decided_by: actor });
      default:
        assertNever(event);
    }
  },
};
