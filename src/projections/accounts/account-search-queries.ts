import { sql, type Kysely } from 'kysely';
import type { AccountStatus } from '../../domain/account/account-search.ts';
import type { AccountRow, AccountTables } from './accounts-table.ts';

export interface AccountSearch {
  slug?: string;
  /** a part of the name, any case */
  name?: string;
  /** the start of the document number, as stored (no punctuation, letters uppercase) */
  documentPrefix?: string;
  /** a part of the billing email, any case */
  billingEmail?: string;
  status?: AccountStatus;
  /** after this slug: accounts are listed by slug, which is unique and never changes */
  afterSlug?: string;
  limit: number;
}

/** `%`, `_` and the escape character itself stand for themselves in a LIKE pattern. */
const likeLiteral = (text: string) => text.replace(/[\\%_]/g, (character) => `\\${character}`);

/**
 * A page of the accounts that match every filter given, by slug ascending. Both sides of a
 * text comparison go through PostgreSQL's lower(), so case folds alike whatever the locale;
 * `lower(name)` and `lower(billing_email)` carry trigram indexes where pg_trgm is installed
 * (migration 0110), and `document_number` a text_pattern_ops index for the prefix.
 */
export function searchAccountsPage(db: Kysely<AccountTables>, search: AccountSearch): Promise<AccountRow[]> {
  let q = db.selectFrom('accounts').selectAll();
  if (search.slug !== undefined) q = q.where('slug', '=', search.slug.toLowerCase());
  if (search.name !== undefined) q = q.where(sql<boolean>`lower(name) like lower(${`%${likeLiteral(search.name)}%`})`);
  if (search.billingEmail !== undefined) q = q.where(sql<boolean>`lower(billing_email) like lower(${`%${likeLiteral(search.billingEmail)}%`})`);
  if (search.documentPrefix !== undefined) q = q.where(sql<boolean>`document_number like ${`${likeLiteral(search.documentPrefix)}%`}`);
  if (search.status !== undefined) q = q.where('status', '=', search.status);
  if (search.afterSlug !== undefined) q = q.where('slug', '>', search.afterSlug);
  return q.orderBy('slug', 'asc').limit(search.limit).execute();
}
