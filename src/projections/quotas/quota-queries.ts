import type { Kysely } from 'kysely';
import type { ReadModelDatabase } from '../read-model-database.ts';
import type { AccountQuotasTable, QuotaRequestsTable } from './quota-tables.ts';

export function findAccountQuota(db: Kysely<ReadModelDatabase>, accountId: string): Promise<AccountQuotasTable | undefined> {
  return db.selectFrom('account_quotas').selectAll().where('account_id', '=', accountId).executeTakeFirst();
}

/** The request only if it is this account's. */
export function findQuotaRequest(db: Kysely<ReadModelDatabase>, accountId: string, requestId: string): Promise<QuotaRequestsTable | undefined> {
  return db.selectFrom('quota_requests').selectAll().where('request_id', '=', requestId).where('account_id', '=', accountId).executeTakeFirst();
}
