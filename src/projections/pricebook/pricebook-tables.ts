import type { Currency } from '../../domain/rating/money.ts';

/** One row per plan: its latest version's name and terms at a glance. */
export interface PlansTable {
  plan_id: string;
  /** the latest version's name */
  name: string;
  currency: Currency;
  latest_version: number;
  latest_effective_from: string;
  /** when version 1 was published */
  created_at: Date | string;
  /** when the latest version was published */
  updated_at: Date | string;
  /** stream revision of the last event applied, as a decimal string */
  revision: string;
}

/** One row per published version; `plan` is the PlanVersion the rating engine takes, as JSON. */
export interface PlanVersionsTable {
  plan_id: string;
  version: number;
  name: string;
  effective_from: string;
  /** jsonb: written as a JSON string, read back parsed */
  plan: unknown;
  published_at: Date | string;
}

/** Row shapes of the price book read models. */
export interface PricebookTables {
  plans: PlansTable;
  plan_versions: PlanVersionsTable;
}
