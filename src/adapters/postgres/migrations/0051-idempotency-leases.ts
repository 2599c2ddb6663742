import { sql, type Kysely } from 'kysely';

/**
 * An idempotency key in progress is leased (a request that died with it no longer blocks
 * it: a retry takes it over once the lease ends), and a completed one keeps its response
 * headers (location, event-position), so a replay answers as the first answer did.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table idempotency_keys add column leased_until timestamptz`.execute(db);
  await sql`alter table idempotency_keys add column response_headers jsonb`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table idempotency_keys drop column response_headers`.execute(db);
  await sql`alter table idempotency_keys drop column leased_until`.execute(db);
}
