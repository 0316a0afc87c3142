-- Migration 4: reveals in the audit trail. An operator shown secrets in
-- plaintext (runtime.Client.RecordReveal, the CLI's --reveal) leaves a
-- change set that writes nothing and names the fields it showed.
-- Idempotent, like every migration; names are unqualified (see README.md).

-- revealed lists the paths of the secret fields whose values were shown;
-- NULL for every change that revealed nothing, and for every change
-- recorded before this migration (adding a nullable column rewrites no
-- row). A change set that only reveals takes its version from
-- sysconfig_version, as writes do, so that it is listed in order.
ALTER TABLE sysconfig_changes ADD COLUMN IF NOT EXISTS revealed text[];
