import type { Kysely } from 'kysely';
import { NotFoundError } from '../../domain/errors.ts';
import type { AccountRow, AccountTables } from './accounts-table.ts';

export async function findAccount(db: Kysely<AccountTables>, accountId: string): Promise<AccountRow | undefined> {
  return db.selectFrom('accounts').selectAll().where('account_id', '=', accountId).executeTakeFirst();
}

/** The account's row; throws NotFoundError 'account_not_found' if the read model has none. */
export async function requireAccount(db: Kysely<AccountTables>, accountId: string): Promise<AccountRow> {
  const row = await findAccount(db, accountId);
  if (!row) throw new NotFoundError('account_not_found', `account ${accountId} does not exist`);
  return row;
}
