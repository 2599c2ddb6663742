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

-- Appends to several streams at once, all or nothing, in a single round trip.
-- p_streams[i] is written under expectation p_expected[i]: 'any' | 'no_stream' |
-- 'stream_exists' | a decimal revision. Event k goes to stream p_event_stream[k] (1-based);
-- its data is element k of the JSON array p_data, its metadata p_metadata[p_event_metadata[k]].
-- Raises SQLSTATE ES409 on a mismatch, with DETAIL = the stream's actual revision ('' when
-- it has none) and HINT = the 1-based index of the stream that failed.
--
-- A stream is locked (or created) before its events' ids are looked up: a retry racing
-- its own first attempt waits for it, then finds every id stored and writes nothing, as a
-- retry of an append that landed must. Streams are taken in name order, so two calls
-- sharing streams queue behind each other instead of deadlocking.
--
-- Why one JSON text for the data and shared metadata: sent as a jsonb[] literal, every
-- document was escaped element by element by the client (a quarter of what ingestion
-- allocated) and unescaped again here, and the metadata, one per command, was sent and
-- parsed once per event. (The former signature, with p_data jsonb[], is left in databases
-- that have it for processes of the previous version; nothing here calls it.)
CREATE OR REPLACE FUNCTION es_append_many(
  p_streams text[], p_expected text[], p_event_stream integer[],
  p_ids uuid[], p_types text[], p_data json, p_metadata jsonb[], p_event_metadata integer[]
) RETURNS TABLE (stream_index integer, next_revision bigint, last_position text, appended integer)
LANGUAGE plpgsql
-- Every statement here touches a few rows through an index. The lookups of ids are one
-- probe of the id index per event (LATERAL ... LIMIT 1 keeps them probes), and no sequential
-- scan may stand in for a probe: a session's plans are kept, and plans made while the log's
-- statistics were those of a nearly empty table (a platform's first hours, a bulk load
-- before autovacuum comes round) turned each lookup into a scan of the whole log.
SET enable_seqscan = off
AS $fn$
DECLARE
  v_streams   integer := cardinality(p_streams);
  v_current   bigint[] := array_fill(NULL::bigint, ARRAY[v_streams]);
  v_created   boolean[] := array_fill(false, ARRAY[v_streams]);
  v_new       integer[] := array_fill(0, ARRAY[v_streams]);
  v_ords      integer[];
  v_rev       bigint;
  v_done      integer;
  v_index     integer;
  v_expected  text;
  v_unstored  integer[];
  v_positions bigint[] := array_fill(NULL::bigint, ARRAY[v_streams]);
  v_tx        text;
  v_guess     boolean;
  v_unmet     integer;
BEGIN
  -- The common case, every stream already there: all of them locked by one statement, in
  -- name order. Taking them one by one was a statement per stream, a third of the cost of
  -- an ingestion batch spread over hundreds of accounts. A stream is never deleted once
  -- committed, so what this count sees stays there until it is locked.
  IF (SELECT count(*) FROM es_streams s WHERE s.stream_name = ANY(p_streams)) = v_streams THEN
    SELECT array_agg(l.revision ORDER BY c.i) INTO v_current
      FROM unnest(p_streams) WITH ORDINALITY AS c(name, i)
      JOIN (SELECT s.stream_name, s.revision FROM es_streams s
             WHERE s.stream_name = ANY(p_streams) ORDER BY s.stream_name FOR UPDATE) l
        ON l.stream_name = c.name;
  ELSE
    -- Take each stream in name order: lock it, or, when it does not exist yet, create it if
    -- anything of it is new (ids looked up first, once for all: there is no row to lock).
    FOR v_index IN SELECT o.i FROM unnest(p_streams) WITH ORDINALITY AS o(name, i) ORDER BY o.name LOOP
      LOOP
        SELECT s.revision INTO v_rev FROM es_streams s WHERE s.stream_name = p_streams[v_index] FOR UPDATE;
        IF FOUND THEN
          v_current[v_index] := v_rev;
          EXIT;
        END IF;
        IF v_unstored IS NULL THEN
          SELECT array_agg(coalesce(u.n, 0) ORDER BY c.i) INTO v_unstored
            FROM generate_series(1, v_streams) AS c(i)
            LEFT JOIN (
              SELECT k.s, count(*)::integer AS n
                FROM unnest(p_ids, p_event_stream) AS k(id, s)
                LEFT JOIN LATERAL (SELECT true AS stored FROM es_events e WHERE e.event_id = k.id LIMIT 1) f ON true
               WHERE f.stored IS NULL
               GROUP BY k.s
            ) u ON u.s = c.i;
        END IF;
        EXIT WHEN v_unstored[v_index] = 0;
        v_expected := p_expected[v_index];
        IF v_expected NOT IN ('any', 'no_stream') THEN
          RAISE EXCEPTION 'wrong expected revision on %', p_streams[v_index]
            USING ERRCODE = 'ES409', DETAIL = '', HINT = v_index::text;
        END IF;
        -- Two writers may both find no stream; the loser waits for the winner's commit here,
        -- inserts nothing, and goes round again to lock the stream as it now is.
        INSERT INTO es_streams (stream_name, revision) VALUES (p_streams[v_index], -1)
        ON CONFLICT (stream_name) DO NOTHING;
        GET DIAGNOSTICS v_done = ROW_COUNT;
        IF v_done = 1 THEN
          v_created[v_index] := true;
          EXIT;
        END IF;
      END LOOP;
    END LOOP;
  END IF;

  -- Every stream is ours now. Events already stored, or repeated earlier in this call, are
  -- dropped: re-appending the same event id is a no-op, never a duplicate.
  --
  -- Tried first (v_guess): every event new and distinct, without looking up one id. The
  -- unique index on event_id checks that anyway as the rows go in, and the lookup was a second
  -- probe of it per event. A stored or repeated id fails the insert, which the block undoes
  -- (it is a subtransaction), and the ids are then looked up; so does an expectation the guess
  -- does not meet, since a retry of an append that landed meets its expectation only once its
  -- stored events are left out. Not tried when the ids were already looked up above.
  v_guess := v_unstored IS NULL;
  LOOP
    v_new := array_fill(0, ARRAY[v_streams]);
    IF v_guess THEN
      v_ords := ARRAY(SELECT generate_series(1, cardinality(p_ids)));
    ELSE
      SELECT coalesce(array_agg(b.ord ORDER BY b.ord), '{}')
        INTO v_ords
        FROM (
          SELECT min(k.ord)::integer AS ord
            FROM unnest(p_ids) WITH ORDINALITY AS k(id, ord)
            LEFT JOIN LATERAL (SELECT true AS stored FROM es_events e WHERE e.event_id = k.id LIMIT 1) f ON true
           WHERE f.stored IS NULL
           GROUP BY k.id
        ) b;
    END IF;
    FOR v_done IN 1 .. cardinality(v_ords) LOOP
      v_index := p_event_stream[v_ords[v_done]];
      v_new[v_index] := v_new[v_index] + 1;
    END LOOP;

    v_unmet := NULL;
    FOR v_index IN 1 .. v_streams LOOP
      CONTINUE WHEN v_new[v_index] = 0;
      v_expected := p_expected[v_index];
      v_rev := v_current[v_index];
      IF (v_expected = 'no_stream' AND v_rev IS NOT NULL)
         OR (v_expected = 'stream_exists' AND v_rev IS NULL)
         OR (v_expected NOT IN ('any', 'no_stream', 'stream_exists') AND v_rev IS DISTINCT FROM v_expected::bigint) THEN
        v_unmet := v_index;
        EXIT;
      END IF;
    END LOOP;
    IF v_unmet IS NOT NULL THEN
      IF v_guess THEN
        v_guess := false;
        CONTINUE;
      END IF;
      RAISE EXCEPTION 'wrong expected revision on %', p_streams[v_unmet]
        USING ERRCODE = 'ES409', DETAIL = coalesce(v_current[v_unmet]::text, ''), HINT = v_unmet::text;
    END IF;
    EXIT WHEN cardinality(v_ords) = 0;

    BEGIN
      UPDATE es_streams s
         SET revision = coalesce(c.rev, -1) + c.n
        FROM unnest(p_streams, v_current, v_new) AS c(name, rev, n)
       WHERE s.stream_name = c.name AND c.n > 0;

      WITH written AS (
        INSERT INTO es_events (event_id, stream_name, stream_revision, event_type, data, metadata)
        SELECT p_ids[o.ord], p_streams[p_event_stream[o.ord]],
               coalesce(v_current[p_event_stream[o.ord]], -1)
                 + row_number() OVER (PARTITION BY p_event_stream[o.ord] ORDER BY o.ord),
               p_types[o.ord], d.doc::jsonb, p_metadata[p_event_metadata[o.ord]]
          FROM unnest(v_ords) AS o(ord)
          JOIN json_array_elements(p_data) WITH ORDINALITY AS d(doc, ord) ON d.ord = o.ord
         ORDER BY o.ord
        RETURNING es_events.stream_name, es_events.global_position
      )
      SELECT array_agg(w.last ORDER BY w.i) INTO v_positions
        FROM (
          SELECT c.i, max(written.global_position) AS last
            FROM unnest(p_streams) WITH ORDINALITY AS c(name, i)
            LEFT JOIN written ON written.stream_name = c.name
           GROUP BY c.i
        ) w;
      v_tx := lpad(pg_current_xact_id()::text, 20, '0');
      PERFORM pg_notify('es_events', '');
      EXIT;
    EXCEPTION WHEN unique_violation THEN
      IF NOT v_guess THEN
        RAISE;
      END IF;
      v_guess := false;
    END;
  END LOOP;

  -- A stream created for events that turned out stored (an id seen in another stream of
  -- this call) must not be left behind empty.
  IF true = ANY(v_created) THEN
    DELETE FROM es_streams s
     USING unnest(p_streams, v_created, v_new) AS c(name, created, n)
     WHERE s.stream_name = c.name AND c.created AND c.n = 0;
  END IF;

  RETURN QUERY
    SELECT c.i::integer,
           coalesce(c.rev, -1) + c.n,
           CASE WHEN c.n > 0 THEN v_tx || '/' || lpad(v_positions[c.i]::text, 19, '0') END,
           c.n
      FROM unnest(v_current, v_new) WITH ORDINALITY AS c(rev, n, i)
     ORDER BY c.i;
END
$fn$;

-- A page of the log holding only the given types, in log order from a cursor. Each type
-- walks its own ordered index range and stops after one page; the pages are merged. Two
-- plans had to be ruled out, each of which read the rest of the log for every page:
-- - as one statement with event_type = ANY(...), a bitmap scan of every remaining event of
--   those types and a sort, whenever the statistics lagged (right after a bulk load): bitmap
--   scans are off here;
-- - with the type as a parameter, the planner guessed every type as common as the average
--   one and walked the log's own order filtering by type: for a rare type behind a month of
--   usage samples (the token cache's feed) seconds per page. Each type is therefore written
--   into the statement as a literal, so the planner sees how common it really is.
CREATE OR REPLACE FUNCTION es_read_types(p_tx xid8, p_position bigint, p_limit integer, p_types text[])
RETURNS SETOF es_events
LANGUAGE plpgsql STABLE
SET enable_bitmapscan = off
AS $fn$
DECLARE
  v_pages text;
BEGIN
  SELECT string_agg(format(
           '(SELECT * FROM es_events t WHERE t.event_type = %L'
           ' AND (t.transaction_id, t.global_position) > ($1, $2)'
           ' AND t.transaction_id < pg_snapshot_xmin(pg_current_snapshot())'
           ' ORDER BY t.transaction_id, t.global_position LIMIT $3)', w.type), ' UNION ALL ')
    INTO v_pages
    FROM (SELECT DISTINCT unnest(p_types) AS type) w;
  IF v_pages IS NULL THEN
    RETURN;
  END IF;
  RETURN QUERY EXECUTE
    'SELECT * FROM (' || v_pages || ') page ORDER BY page.transaction_id, page.global_position LIMIT $3'
    USING p_tx, p_position, p_limit;
END
$fn$;

-- The single-stream append, kept for callers of the SQL function itself.
CREATE OR REPLACE FUNCTION es_append(
  p_stream text, p_expected text,
  p_ids uuid[], p_types text[], p_data jsonb[], p_metadata jsonb[]
) RETURNS TABLE (next_revision bigint, last_position text, appended integer)
LANGUAGE sql AS $fn$
  SELECT m.next_revision, m.last_position, m.appended
    FROM es_append_many(ARRAY[p_stream], ARRAY[p_expected], array_fill(1, ARRAY[cardinality(p_ids)]),
                        p_ids, p_types, array_to_json(p_data), p_metadata,
                        ARRAY(SELECT generate_series(1, cardinality(p_ids)))) AS m
$fn$;
`;
