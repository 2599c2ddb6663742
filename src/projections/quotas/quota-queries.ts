import type { Kysely } from 'kysely';
import type { AccountQuotasTable, QuotaRequestsTable, QuotaTables } from './quota-tables.ts';

export function findAccountQuota(db: Kysely<QuotaTables>, accountId: string): Promise<AccountQuotasTable | undefined> {
  return db.selectFrom('account_quotas').selectAll().where('account_id', '=', accountId).executeTakeFirst();
}

/** The request only if it is this account's. */
export function findQuotaRequest(db: Kysely<QuotaTables>, accountId: string, requestId: string): Promise<QuotaRequestsTable | undefined> {
  return db.selectFrom('quota_requests').selectAll().where('request_id', '=', requestId).where('account_id', '=', accountId).executeTakeFirst();
}

/** A page of the account's quota requests, newest first. */
export function accountQuotaRequestsPage(
  db: Kysely<QuotaTables>,
  accountId: string,
  page: { status?: QuotaRequestsTable['status']; after?: readonly [Date, string]; limit: number },
): Promise<QuotaRequestsTable[]> {
  const { after } = page;
  let q = db.selectFrom('quota_requests').selectAll().where('account_id', '=', accountId);
  if (page.status) q = q.where('status', '=', page.status);
  if (after) q = q.where((eb) => eb(eb.refTuple('requested_at', 'request_id'), '<', eb.tuple(after[0], after[1])));
  return q.orderBy('requested_at', 'desc').orderBy('request_id', 'desc').limit(page.limit).execute();
}

/** Every account's approved quota (accounts never given one are absent: they have the default). */
export async function approvedQuotasGiB(db: Kysely<QuotaTables>): Promise<Map<string, number | null>> {
  const rows = await db.selectFrom('account_quotas').select(['account_id', 'quota_gib']).execute();
  return new Map(rows.map((row) => [row.account_id, row.quota_gib]));
}
