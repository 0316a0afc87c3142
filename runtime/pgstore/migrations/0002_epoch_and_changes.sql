-- Migration 2: the store's epoch, change sets, and history rows that name
-- their change set. Idempotent, like every migration; names are
-- unqualified (see README.md).

-- sysconfig_meta holds exactly one row (the CHECK allows only
-- singleton = true, and it is the primary key) describing this incarnation
-- of the store. Versions only mean something within one incarnation: a
-- store that was dropped and recreated, restored from a dump or a backup,
-- or failed over to a replica that lost commits may hand out again
-- versions that caches and readers have already seen. Each such event
-- starts a new epoch, so that they can tell.
--
-- epoch is when the epoch began, in microseconds since the Unix epoch; a
-- new epoch is max(old + 1, now), so it only ever grows, even if the
-- server's clock goes back. values_oid is the oid sysconfig_values had
-- when the epoch began: a restore by pg_restore (or any DROP and CREATE)
-- makes a new table with a new oid, which EnsureSchema notices and
-- answers with a new epoch.
CREATE TABLE IF NOT EXISTS sysconfig_meta (
    singleton  boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    epoch      bigint NOT NULL,
    values_oid oid NOT NULL
);

-- The first epoch begins when this migration runs. On a database that
-- already has the row (a rerun), nothing happens.
INSERT INTO sysconfig_meta (epoch, values_oid)
VALUES ((extract(epoch FROM clock_timestamp()) * 1000000)::bigint, 'sysconfig_values'::regclass)
ON CONFLICT DO NOTHING;

-- One row per change set, that is, per Apply: its id, chosen by the
-- writer, the app it wrote to, and the version it committed with. A row
-- whose version is NULL records an id that was fenced ("abandoned"): the
-- change set never committed, and its id is taken so that it never will.
CREATE TABLE IF NOT EXISTS sysconfig_changes (
    id         uuid PRIMARY KEY,
    app        text NOT NULL,
    version    bigint,
    changed_at timestamptz NOT NULL DEFAULT now()
);

-- Each history row names the change set it belongs to, and the version the
-- path had before the write. Rows written before this migration have
-- neither (both NULL).
ALTER TABLE sysconfig_history ADD COLUMN IF NOT EXISTS change_id uuid;
ALTER TABLE sysconfig_history ADD COLUMN IF NOT EXISTS old_version bigint;

-- History: the writes of one change set.
CREATE INDEX IF NOT EXISTS sysconfig_history_change ON sysconfig_history (change_id);
