-- Tables of the sysconfig Postgres store (package runtime/postgres).
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
-- Every statement is idempotent, so the file may be run again at any time.

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
