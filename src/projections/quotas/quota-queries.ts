import type { Kysely } from 'kysely';
import type { QuotaRequestStatus } from '../../domain/quota/quota-decider.ts';
import type { ReadModelDatabase } from '../read-model-database.ts';
import type { AccountQuotasTable, QuotaRequestsTable } from './quota-tables.ts';

export function findAccountQuota(db: Kysely<ReadModelDatabase>, accountId: string): Promise<AccountQuotasTable | undefined> {
  return db.selectFrom('account_quotas').selectAll().where('account_id', '=', accountId).executeTakeFirst();
}

/** The request only if it is this account's. */
export function findQuotaRequest(db: Kysely<ReadModelDatabase>, accountId: string, requestId: string): Promise<QuotaRequestsTable | undefined> {
  return db.selectFrom('quota_requests').selectAll().where('request_id', '=', requestId).where('account_id', '=', accountId).executeTakeFirst();
}

export interface QuotaRequestListQuery {
  accountId: string;
  status?: QuotaRequestStatus;
  limit: number;
  after: { requestedAt: Date; requestId: string } | null;
}

/** Newest first, keyset-paginated on (requested_at, request_id); up to limit + 1 rows. */
export function listQuotaRequests(db: Kysely<ReadModelDatabase>, query: QuotaRequestListQuery): Promise<QuotaRequestsTable[]> {
  let select = db.selectFrom('quota_requests').selectAll().where('account_id', '=', query.accountId);
  if (query.status) select = select.where('status', '=', query.status);
  if (query.after) {
    const { requestedAt, requestId } = query.after;
    select = select.where((eb) => eb(eb.refTuple('requested_at', 'request_id'), '<', eb.tuple(requestedAt, requestId)));
  }
  return select.orderBy('requested_at', 'desc').orderBy('request_id', 'desc').limit(query.limit + 1).execute();
}
