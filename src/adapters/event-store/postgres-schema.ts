/**
 * DDL of the PostgreSQL event store. Idempotent, applied under an advisory lock so that
 * several processes starting at once do not race each other.
 *
 * Why xid8: a bigserial position is handed out when the INSERT runs, not when the
 * transaction commits, so a reader following `global_position > last_seen` skips events
 * whose transaction started earlier but committed later. Readers here only see rows whose
 * writing transaction is older than every transaction still running
 * (`transaction_id < pg_snapshot_xmin(pg_current_snapshot())`) and follow the compound
 * cursor (transaction_id, global_position), which no later commit can land behind.
 */
export const EVENT_STORE_SCHEMA_LOCK = 4_200_417_001;

export const eventStoreSchemaSql = `
CREATE TABLE IF NOT EXISTS es_streams (
  stream_name text PRIMARY KEY,
  revision    bigint NOT NULL
);

CREATE TABLE IF NOT EXISTS es_events (
  global_position bigint GENERATED ALWAYS AS IDENTITY,
  transaction_id  xid8   NOT NULL DEFAULT pg_current_xact_id(),
  event_id        uuid   NOT NULL,
  stream_name     text   NOT NULL,
  stream_revision bigint NOT NULL,
  event_type      text   NOT NULL,
  data            jsonb  NOT NULL,
  metadata        jsonb  NOT NULL,
  recorded_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (transaction_id, global_position),
  CONSTRAINT es_events_event_id_unique UNIQUE (event_id),
  CONSTRAINT es_events_stream_revision_unique UNIQUE (stream_name, stream_revision)
);

-- Readers that want a few event types (most projections) follow this index instead of
-- scanning past millions of usage samples.
CREATE INDEX IF NOT EXISTS es_events_type_order ON es_events (event_type, transaction_id, global_position);

-- Appends one batch to one stream in a single round trip.
-- p_expected: 'any' | 'no_stream' | 'stream_exists' | a decimal revision.
-- Raises SQLSTATE ES409 with DETAIL = actual revision ('' when no stream) on a mismatch.
CREATE OR REPLACE FUNCTION es_append(
  p_stream text, p_expected text,
  p_ids uuid[], p_types text[], p_data jsonb[], p_metadata jsonb[]
) RETURNS TABLE (next_revision bigint, last_position text, appended integer)
LANGUAGE plpgsql AS $fn$
DECLARE
  v_current  bigint;
  v_new_ords bigint[];
  v_count    integer;
  v_created  integer;
  v_last_tx  xid8;
  v_last_pos bigint;
BEGIN
  -- Events already stored (or repeated within this batch) are dropped: re-appending
  -- the same event id is a no-op, never a duplicate.
  SELECT coalesce(array_agg(b.ord ORDER BY b.ord), '{}')
    INTO v_new_ords
    FROM (
      SELECT min(ord) AS ord
        FROM unnest(p_ids) WITH ORDINALITY AS i(id, ord)
       WHERE NOT EXISTS (SELECT 1 FROM es_events e WHERE e.event_id = i.id)
       GROUP BY i.id
    ) b;
  v_count := cardinality(v_new_ords);

  LOOP
    SELECT s.revision INTO v_current FROM es_streams s WHERE s.stream_name = p_stream FOR UPDATE;

    IF v_count = 0 THEN
      RETURN QUERY SELECT coalesce(v_current, -1::bigint), NULL::text, 0;
      RETURN;
    END IF;

    IF (p_expected = 'no_stream' AND v_current IS NOT NULL)
       OR (p_expected = 'stream_exists' AND v_current IS NULL)
       OR (p_expected NOT IN ('any', 'no_stream', 'stream_exists')
           AND v_current IS DISTINCT FROM p_expected::bigint) THEN
      RAISE EXCEPTION 'wrong expected revision on %', p_stream
        USING ERRCODE = 'ES409', DETAIL = coalesce(v_current::text, '');
    END IF;

    IF v_current IS NULL THEN
      -- Two writers may both find no stream; the loser waits for the winner's commit
      -- here, inserts nothing, and goes round again to see the stream as it now is.
      INSERT INTO es_streams (stream_name, revision) VALUES (p_stream, v_count - 1)
      ON CONFLICT (stream_name) DO NOTHING;
      GET DIAGNOSTICS v_created = ROW_COUNT;
      EXIT WHEN v_created = 1;
    ELSE
      UPDATE es_streams SET revision = v_current + v_count WHERE stream_name = p_stream;
      EXIT;
    END IF;
  END LOOP;

  INSERT INTO es_events (event_id, stream_name, stream_revision, event_type, data, metadata)
  SELECT p_ids[o.ord], p_stream, coalesce(v_current, -1) + o.n, p_types[o.ord], p_data[o.ord], p_metadata[o.ord]
    FROM unnest(v_new_ords) WITH ORDINALITY AS o(ord, n)
   ORDER BY o.n;

  SELECT e.transaction_id, e.global_position INTO v_last_tx, v_last_pos
    FROM es_events e
   WHERE e.stream_name = p_stream AND e.stream_revision = coalesce(v_current, -1) + v_count;

  PERFORM pg_notify('es_events', '');
  RETURN QUERY SELECT coalesce(v_current, -1) + v_count,
                      lpad(v_last_tx::text, 20, '0') || '/' || lpad(v_last_pos::text, 19, '0'),
                      v_count;
END
$fn$;
`;
