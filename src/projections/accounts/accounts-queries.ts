import type { Kysely } from 'kysely';
import type { ReadModelDatabase } from '../read-model-database.ts';
import type { AccountsTable } from './accounts-table.ts';

export async function findAccount(db: Kysely<ReadModelDatabase>, accountId: string): Promise<AccountsTable | undefined> {
  return db.selectFrom('accounts').selectAll().where('account_id', '=', accountId).executeTakeFirst();
}
