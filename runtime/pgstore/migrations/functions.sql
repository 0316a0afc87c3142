-- The functions Apply calls. Not a numbered migration: EnsureSchema runs
-- this file after the migrations every time, so that an upgrade of the
-- package brings the functions' new version. Every statement is CREATE OR
-- REPLACE, and replacing a function requires owning it, so run it as the
-- role that created it. Names are unqualified (see README.md).

-- Apply calls sysconfig_conflict when a write's expected version is not the
-- path's current one. It aborts the transaction, so that the COMMIT Apply
-- has already queued behind its writes becomes a rollback and nothing is
-- written. The error has SQLSTATE SC001 (a class of its own) and, in its
-- DETAIL, the JSON object {"path": ..., "expected": ..., "actual": ...},
-- which the store reads back into a runtime.ConflictError. It is declared
-- to return bigint only so that it can stand for a version in a CASE; it
-- never returns. It must stay VOLATILE (the default), or the planner could
-- call it while folding constants, whether or not the check fails.
CREATE OR REPLACE FUNCTION sysconfig_conflict(path text, expected bigint, actual bigint)
RETURNS bigint LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    RAISE EXCEPTION USING
        ERRCODE = 'SC001',
        MESSAGE = format('sysconfig: %s changed concurrently: expected version %s, found %s',
                         path, expected, actual),
        DETAIL = json_build_object('path', path, 'expected', expected, 'actual', actual)::text;
END
$$;

-- Apply calls sysconfig_check_deadline just before its COMMIT, with the time
-- its caller allows the transaction, in milliseconds. Once more than that
-- has passed since the transaction began, it aborts the transaction with
-- SQLSTATE 57014 (query_canceled, as a statement timeout does), so that the
-- queued COMMIT becomes a rollback: a caller that has given up never sees
-- its write commit later. (lock_timeout and statement_timeout bound each
-- statement; this bounds their sum.)
CREATE OR REPLACE FUNCTION sysconfig_check_deadline(budget_ms bigint)
RETURNS void LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    IF clock_timestamp() - now() > budget_ms * interval '1 millisecond' THEN
        RAISE EXCEPTION USING
            ERRCODE = 'query_canceled',
            MESSAGE = format('sysconfig: write transaction ran past its deadline of %s ms', budget_ms);
    END IF;
END
$$;

-- Since calls sysconfig_await_writers before it reads an app's records,
-- with the app's lock key (the writers of the app hold it shared, from
-- before they take a version until their commit is visible) and the
-- version sequence. It reads the sequence's last value, then notes the
-- transactions holding the app's lock, and waits until none of them holds
-- it any more: every version handed out until then has by then committed
-- or rolled back. It returns that last value (0 before the first). It
-- takes no lock itself, so it never holds up a writer or another reader;
-- writers that come later are not waited for. It polls pg_locks while it
-- waits, after 0.5 ms, then twice as long each time up to 8 ms: the wait
-- is bounded by the writers' own time limits, and by the caller's
-- statement_timeout or cancellation.
CREATE OR REPLACE FUNCTION sysconfig_await_writers(app_key bigint, version_seq regclass)
RETURNS bigint LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    last bigint := pg_sequence_last_value(version_seq);
    db oid := (SELECT oid FROM pg_database WHERE datname = current_database());
    writers text[];
    pause float8 := 0.0005;
BEGIN
    SELECT array_agg(virtualtransaction) INTO writers FROM pg_locks
    WHERE locktype = 'advisory' AND database = db AND objsubid = 1 AND granted
        AND classid = (app_key >> 32)::oid AND objid = (app_key & 4294967295)::oid
        AND pid <> pg_backend_pid();
    WHILE writers IS NOT NULL AND EXISTS (SELECT FROM pg_locks
        WHERE locktype = 'advisory' AND database = db AND objsubid = 1 AND granted
            AND classid = (app_key >> 32)::oid AND objid = (app_key & 4294967295)::oid
            AND virtualtransaction = ANY (writers)) LOOP
        PERFORM pg_sleep(pause);
        pause := least(pause * 2, 0.008);
    END LOOP;
    RETURN coalesce(last, 0);
END
$$;
