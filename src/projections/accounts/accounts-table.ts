import type { Generated, Selectable } from 'kysely';
import type { Locale } from '../../domain/account/account-locale.ts';
import type { PostalAddress } from '../../domain/account/postal-address.ts';

/** Row shape of the `accounts` read model (bigints arrive as strings, see adapters/postgres/database.ts). */
export interface AccountsTable {
  account_id: string;
  slug: string;
  name: string;
  billing_email: string;
  document_kind: 'cpf' | 'cnpj';
  document_number: string;
  currency: string;
  time_zone: string;
  billing_day: number;
  /** the billing profile's address (migration 0130); null until one is given */
  address: Generated<PostalAddress | null>;
  status: 'active' | 'suspended' | 'closed';
  status_reason: string | null;
  opened_at: Date | string;
  updated_at: Date | string;
  closed_at: Date | string | null;
  /** 'pt-BR' when the history names none (the column's default) */
  locale: Generated<Locale>;
  /** the account's own SMTP server; all null while it uses the platform's */
  smtp_host: string | null;
  smtp_port: number | null;
  smtp_secure: boolean | null;
  smtp_username: string | null;
  /** whether a (sealed) password is configured; the password itself is in no table */
  smtp_password_set: boolean | null;
  smtp_from_name: string | null;
  smtp_from_address: string | null;
  /** stream revision of the last event applied, as a decimal string */
  revision: string;
}

/** A row as read back. */
export type AccountRow = Selectable<AccountsTable>;

/** Row shapes of the accounts read model, merged into ReadModelDatabase. */
export interface AccountTables {
  accounts: AccountsTable;
}
