import type { Kysely } from 'kysely';
import type { SubscriptionChangesTable, SubscriptionTables } from './subscription-tables.ts';

/** An account's plan changes in the order recorded (empty: never subscribed). */
export function listSubscriptionChanges(db: Kysely<SubscriptionTables>, accountId: string): Promise<SubscriptionChangesTable[]> {
  return db
    .selectFrom('subscription_changes')
    .selectAll()
    .where('account_id', '=', accountId)
    .orderBy('revision', 'asc')
    .execute();
}
