/** Read models of payments, credit notes and account credit (migration 0014). Amounts are numeric, read back as decimal strings. */
export interface PaymentsTable {
  payment_id: string;
  invoice_id: string;
  account_id: string;
  period: string;
  invoice_number: string;
  external_ref: string;
  amount: string;
  currency: string;
  method: string;
  applied_amount: string;
  excess_amount: string;
  received_at: Date | string;
  recorded_at: Date | string;
  /** set once the payment is reversed (migration 0120) */
  reversed_at?: Date | string | null;
  reversal_reason?: string | null;
}

export interface CreditNotesTable {
  credit_note_id: string;
  invoice_id: string;
  account_id: string;
  period: string;
  invoice_number: string;
  amount: string;
  currency: string;
  reason: string;
  applied_amount: string;
  excess_amount: string;
  issued_at: Date | string;
}

/** One row per account with credit history: credit available = credited − applied. */
export interface AccountBalancesTable {
  account_id: string;
  currency: string;
  credited: string;
  applied: string;
  /** refunded and taken back by reversed payments (migration 0120); `not null default 0` */
  paid_out?: string;
  credit_available: string;
  updated_at: Date | string;
}

/** One row per change of an account's credit (migration 0120): `sequence` is the credit stream's revision. */
export interface CreditMovementsTable {
  account_id: string;
  sequence: string;
  kind: string;
  /** signed: credit in is positive */
  amount: string;
  currency: string;
  balance_after: string;
  cause: Record<string, string>;
  occurred_at: Date | string;
}

export interface PaymentTables {
  credit_movements: CreditMovementsTable;
  payments: PaymentsTable;
  credit_notes: CreditNotesTable;
  account_balances: AccountBalancesTable;
}
