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
  status: 'active' | 'suspended' | 'closed';
  status_reason: string | null;
  opened_at: Date | string;
  updated_at: Date | string;
  closed_at: Date | string | null;
  /** stream revision of the last event applied, as a decimal string */
  revision: string;
}
