-- Tables and functions of the sysconfig Postgres store (package
-- runtime/postgres).
--
-- The names below are unqualified on purpose: they are created in the first
-- schema of the search_path. Store.EnsureSchema runs this file in one
-- transaction with search_path set to Options.Schema (when not empty). To
-- migrate by hand, set the search_path the same way first, for example:
--
--     BEGIN;
--     SET LOCAL search_path TO sysconfig;
--     \i schema.sql
--     COMMIT;
--
-- Every statement is idempotent, so the file may be run again at any time,
-- and must be after an upgrade of the package: Apply calls the functions at
-- the end of this file. Replacing a function requires owning it, so run the
-- file as the role that ran it first.

-- One counter for the whole store: every write takes the next value, so
-- versions are unique and increase across all paths.
CREATE SEQUENCE IF NOT EXISTS sysconfig_version;

-- One row per path that has ever been written. value NULL means "no
-- override" (a reset): the row is kept so that the reset has a version.
-- path uses the "C" collation so that "in path order" is byte order,
-- whatever the database's locale.
CREATE TABLE IF NOT EXISTS sysconfig_values (
    path       text COLLATE "C" PRIMARY KEY,
    app        text NOT NULL,
    value      text,
    version    bigint NOT NULL DEFAULT nextval('sysconfig_version'),
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- Since: the changes of one app after a version.
CREATE INDEX IF NOT EXISTS sysconfig_values_app_version
    ON sysconfig_values (app, version);

-- One row per applied write. value and old_value NULL mean "no override".
CREATE TABLE IF NOT EXISTS sysconfig_history (
    id         bigserial PRIMARY KEY,
    path       text COLLATE "C" NOT NULL,
    app        text NOT NULL,
    version    bigint NOT NULL,
    value      text,
    old_value  text,
    changed_at timestamptz NOT NULL DEFAULT now()
);

-- History: a path's entries, newest first.
CREATE INDEX IF NOT EXISTS sysconfig_history_path_version
    ON sysconfig_history (path, version);

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
