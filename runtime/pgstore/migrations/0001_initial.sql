-- Migration 1: the store as it was before migrations were versioned (the
-- sequence, tables and indexes of the former schema.sql, without its
-- functions, which live in functions.sql).
--
-- Every statement is IF NOT EXISTS, so on a database set up by that
-- schema.sql this migration changes nothing: such a database is upgraded
-- by recording version 1 and running the migrations after it.
--
-- Names are unqualified: run it with the search_path set to the store's
-- schema (see README.md).

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
