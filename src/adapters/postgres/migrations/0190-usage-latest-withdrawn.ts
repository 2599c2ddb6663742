import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // When a withdrawn storage sample was a row's latest, the row cannot tell which sample holds
  // now (the fold keeps only the latest): it records the withdrawn sample's instant instead, and
  // readers fold that period's stream. Rows projected before are rebuilt at start (usage-totals
  // version 2), so a withdrawal already applied to them is applied again with this rule.
  await db.schema.alterTable('usage_totals').addColumn('storage_latest_withdrawn_at', 'timestamptz').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('usage_totals').dropColumn('storage_latest_withdrawn_at').execute();
}
