import { sql, type Kysely } from 'kysely';

/** The version of the projection code a read model was built with; null: built before versions (1). */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table projection_checkpoints add column version integer`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table projection_checkpoints drop column version`.execute(db);
}
