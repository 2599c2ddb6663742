import { sql, type Kysely } from 'kysely';

/**
 * Finding accounts (`GET /accounts`): a part of a name or billing email, any case, and the
 * start of a CPF/CNPJ. A part of a text is what a trigram index serves, so pg_trgm is
 * installed when the server has it and lets us (it is a trusted extension: the database's
 * owner may). Where it cannot be, lower() with text_pattern_ops serves what starts with the
 * text, and a part elsewhere is a scan of the accounts: correct, only slower. Either way the
 * query is the same (src/projections/accounts/account-search-queries.ts).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    DO $$
    BEGIN
      CREATE EXTENSION IF NOT EXISTS pg_trgm;
    EXCEPTION WHEN OTHERS THEN
      RAISE NOTICE 'pg_trgm is not available (%): account search by a part of a name scans', SQLERRM;
    END $$`.execute(db);
  await sql`
    DO $$
    DECLARE trgm_schema text;
    BEGIN
      SELECT n.nspname INTO trgm_schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm';
      IF trgm_schema IS NOT NULL THEN
        EXECUTE format('CREATE INDEX accounts_name_search_idx ON accounts USING gin (lower(name) %I.gin_trgm_ops)', trgm_schema);
        EXECUTE format('CREATE INDEX accounts_email_search_idx ON accounts USING gin (lower(billing_email) %I.gin_trgm_ops)', trgm_schema);
      ELSE
        CREATE INDEX accounts_name_search_idx ON accounts (lower(name) text_pattern_ops);
        CREATE INDEX accounts_email_search_idx ON accounts (lower(billing_email) text_pattern_ops);
      END IF;
    END $$`.execute(db);
  await sql`CREATE INDEX accounts_document_search_idx ON accounts (document_number text_pattern_ops)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX accounts_document_search_idx`.execute(db);
  await sql`DROP INDEX accounts_email_search_idx`.execute(db);
  await sql`DROP INDEX accounts_name_search_idx`.execute(db);
}
