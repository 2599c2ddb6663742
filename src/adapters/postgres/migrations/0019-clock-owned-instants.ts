import { sql, type Kysely } from 'kysely';

/**
 * Instants that a runner or command later compares with its injected clock are written by
 * that clock, never by the database's: `now()` here and a pinned clock in the code disagree
 * (a job stamped by the database a week after a test's clock is never due).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table reactor_jobs alter column not_before drop default`.execute(db);
  await sql`alter table reactor_jobs alter column created_at drop default`.execute(db);
  await sql`alter table reactor_jobs alter column updated_at drop default`.execute(db);
  await sql`alter table idempotency_keys alter column created_at drop default`.execute(db);
  await sql`alter table projection_checkpoints alter column updated_at drop default`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table reactor_jobs alter column not_before set default now()`.execute(db);
  await sql`alter table reactor_jobs alter column created_at set default now()`.execute(db);
  await sql`alter table reactor_jobs alter column updated_at set default now()`.execute(db);
  await sql`alter table idempotency_keys alter column created_at set default now()`.execute(db);
  await sql`alter table projection_checkpoints alter column updated_at set default now()`.execute(db);
}
