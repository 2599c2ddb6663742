import type { RatedLine } from '../../domain/rating/index.ts';

/** One row per account and period; amounts are numeric, read back as decimal strings. */
export interface InvoicesTable {
  invoice_id: string;
  account_id: string;
  period: string;
  status: 'draft' | 'issued';
  number: string | null;
  currency: string;
  subtotal: string;
  tax: string;
  credit_applied: string;
  total: string;
  lines: RatedLine[];
  digest: string;
  issue_date: string | null;
  due_date: string | null;
  drafted_at: Date | string;
  issued_at: Date | string | null;
}

export interface InvoiceTables {
  invoices: InvoicesTable;
}
