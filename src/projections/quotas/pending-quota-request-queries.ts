import type { Kysely } from 'kysely';
import type { AccountRow } from '../accounts/accounts-table.ts';
import type { QuotaRequestsTable, QuotaTables } from './quota-tables.ts';
import type { AccountTables } from '../accounts/accounts-table.ts';

export type PendingQuotaRequestRow = QuotaRequestsTable & { account_slug: AccountRow['slug']; account_name: AccountRow['name'] };

/**
 * Quota requests waiting for an operator, every account's, oldest first (a queue: the one
 * waiting longest comes first), then by request id.
 */
export function pendingQuotaRequestsPage(
  db: Kysely<QuotaTables & AccountTables>,
  page: { after?: readonly [Date, string]; limit: number },
): Promise<PendingQuotaRequestRow[]> {
  const { after } = page;
  let q = db
    .selectFrom('quota_requests as r')
    .innerJoin('accounts as a', 'a.account_id', 'r.account_id')
    .selectAll('r')
    .select(['a.slug as account_slug', 'a.name as account_name'])
    .where('r.status', '=', 'pending');
  if (after) q = q.where((eb) => eb(eb.refTuple('r.requested_at', 'r.request_id'), '>', eb.tuple(after[0], after[1])));
  return q.orderBy('r.requested_at').orderBy('r.request_id').limit(page.limit).execute();
}
