/** One row per subscribed account: its latest change (which may still lie in the future). */
export interface SubscriptionsTable {
  account_id: string;
  plan_id: string;
  effective_at: Date | string;
  previous_plan_id: string | null;
  changed_at: Date | string;
  /** stream revision of the last event applied, as a decimal string */
  revision: string;
}

/** Every change, per account, in the order recorded. */
export interface SubscriptionChangesTable {
  account_id: string;
  /** stream revision of the change, as a decimal string: orders an account's changes */
  revision: string;
  plan_id: string;
  previous_plan_id: string | null;
  effective_at: Date | string;
  changed_at: Date | string;
}

/** Row shapes of the subscription read models. */
export interface SubscriptionTables {
  subscriptions: SubscriptionsTable;
  subscription_changes: SubscriptionChangesTable;
}
