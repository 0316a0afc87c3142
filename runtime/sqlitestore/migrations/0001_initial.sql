-- Migration 1: the store's tables. EnsureSchema runs each migration once,
-- in one transaction with the migrations after it, and records it in
-- sysconfig_migrations; every statement is IF NOT EXISTS all the same, so
-- that running it again by hand changes nothing.

-- sysconfig_meta holds exactly one row (singleton = 1): the store's epoch
-- and its version counter.
--
-- epoch is when this incarnation of the store began, in microseconds since
-- the Unix epoch: a file created anew starts a new epoch here, and the
-- store starts a greater one when it finds the file behind what its
-- process saw (a copy of an older file restored over it; see the package
-- documentation). version is the last version handed out: every write,
-- and every change that only reveals, takes the next one, so versions are
-- unique and increase across all paths.
CREATE TABLE IF NOT EXISTS sysconfig_meta (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    epoch     INTEGER NOT NULL,
    version   INTEGER NOT NULL
);

INSERT INTO sysconfig_meta (singleton, epoch, version)
VALUES (1, CAST((julianday('now') - 2440587.5) * 86400000000.0 AS INTEGER), 0)
ON CONFLICT (singleton) DO NOTHING;

-- One row per path that has ever been written. value NULL means "no
-- override" (a reset): the row is kept so that the reset has a version.
-- Text compares with the BINARY collation: path order is byte order.
CREATE TABLE IF NOT EXISTS sysconfig_values (
    path       TEXT PRIMARY KEY,
    app        TEXT NOT NULL,
    value      TEXT,
    version    INTEGER NOT NULL,
    updated_at INTEGER NOT NULL -- microseconds since the Unix epoch
);

-- Since, and the notifier: the records of one app after a version.
CREATE INDEX IF NOT EXISTS sysconfig_values_app_version ON sysconfig_values (app, version);

-- One row per change set (one Apply), keyed by the ID its writer chose,
-- with the last version it wrote (or, for a change that only reveals, a
-- version of its own), its attribution and, for a revert, what it reverts.
-- A row whose version is NULL is a fence: Resolve found the change not
-- committed, and its ID is taken so that it never will be.
-- revealed is a JSON array of the paths a reveal showed; NULL for none.
CREATE TABLE IF NOT EXISTS sysconfig_changes (
    id         TEXT PRIMARY KEY,
    app        TEXT NOT NULL,
    version    INTEGER,
    changed_at INTEGER NOT NULL, -- microseconds since the Unix epoch
    actor      TEXT NOT NULL DEFAULT '',
    reason     TEXT NOT NULL DEFAULT '',
    source     TEXT NOT NULL DEFAULT '',
    reverts    TEXT,
    revealed   TEXT
);

-- Changes: an app's change sets, newest first.
CREATE INDEX IF NOT EXISTS sysconfig_changes_app_version ON sysconfig_changes (app, version);

-- One row per applied write, keyed by its version (unique across paths).
-- value and old_value NULL mean "no override"; old_version is 0 for a path
-- never written before.
CREATE TABLE IF NOT EXISTS sysconfig_history (
    version     INTEGER PRIMARY KEY,
    path        TEXT NOT NULL,
    app         TEXT NOT NULL,
    value       TEXT,
    old_value   TEXT,
    old_version INTEGER NOT NULL,
    change_id   TEXT NOT NULL,
    changed_at  INTEGER NOT NULL -- microseconds since the Unix epoch
);

-- History: a path's entries, newest first.
CREATE INDEX IF NOT EXISTS sysconfig_history_path_version ON sysconfig_history (path, version);
-- Changes and Resolve: the writes of one change set.
CREATE INDEX IF NOT EXISTS sysconfig_history_change ON sysconfig_history (change_id);
