-- Migration 3: the audit trail. Every change set records who made it, why
-- and through what, and, for a revert, what it reverts. Idempotent, like
-- every migration; names are unqualified (see README.md).

-- actor, reason and source are the change's runtime.ChangeInfo: empty
-- strings when unknown, and for every change recorded before this
-- migration (adding a column with a constant default rewrites no row).
-- source is one of api, cli, admin, apply, revert, rotation.
ALTER TABLE sysconfig_changes ADD COLUMN IF NOT EXISTS actor text NOT NULL DEFAULT '';
ALTER TABLE sysconfig_changes ADD COLUMN IF NOT EXISTS reason text NOT NULL DEFAULT '';
ALTER TABLE sysconfig_changes ADD COLUMN IF NOT EXISTS source text NOT NULL DEFAULT '';

-- reverts is what a revert (source revert) undid: the ID of the change set
-- it reverted, or PATH@VERSION for a path put back to the value it held
-- at that version. NULL for every other change.
ALTER TABLE sysconfig_changes ADD COLUMN IF NOT EXISTS reverts text;

-- Store-wide history: an app's committed change sets, newest first (a
-- change set's version is the last version it wrote).
CREATE INDEX IF NOT EXISTS sysconfig_changes_app_version
    ON sysconfig_changes (app, version);
