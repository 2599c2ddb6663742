import type { Kysely } from 'kysely';
import type { ReadModelDatabase } from '../read-model-database.ts';
import type { SubscriptionChangesTable } from './subscription-tables.ts';

/** An account's plan changes in the order recorded (empty: never subscribed). */
export function listSubscriptionChanges(db: Kysely<ReadModelDatabase>, accountId: string): Promise<SubscriptionChangesTable[]> {
  return db
    .selectFrom('subscription_changes')
    .selectAll()
    .where('account_id', '=', accountId)
    .orderBy('revision', 'asc')
    .execute();
}
