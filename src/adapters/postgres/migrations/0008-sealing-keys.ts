import type { Kysely } from 'kysely';

/**
 * Wrapped data keys for sealed secrets (src/adapters/secrets/postgres-secret-sealer.ts).
 * Not a read model: nothing projects it and no rebuild truncates it. Deleting a row is
 * how a secret is shredded, so it must never be restored from the event log or a backup
 * taken before the delete.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('sealing_keys')
    .addColumn('data_key_id', 'uuid', (c) => c.primaryKey())
    // base64 of iv ‖ auth tag ‖ ciphertext: the data key encrypted under the platform key
    .addColumn('wrapped_key', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(db.fn('now')))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('sealing_keys').execute();
}
