package pgstore

import "strings"

// queries holds the store's SQL with the table and function names filled in.
type queries struct {
	load, since, head, history, write, notify, recordChange, checkDeadline string
	fence, changeVersion, changeWrites                                     string
	changes, changesWrites                                                 string
}

// namer returns the replacer that fills the store's SQL in: every
// {name} placeholder becomes that table's or function's name qualified
// with schema (see qualify); {version_seq} becomes the sequence's name as
// a string literal, for nextval.
func namer(schema string) *strings.Replacer {
	return strings.NewReplacer(
		"{values}", qualify(schema, valuesTable),
		"{history}", qualify(schema, historyTable),
		"{conflict}", qualify(schema, conflictFunc),
		"{check_deadline}", qualify(schema, checkDeadlineFunc),
		"{meta}", qualify(schema, metaTable),
		"{changes}", qualify(schema, changesTable),
		"{migrations}", qualify(schema, migrationsTable),
		"{version_seq}", literal(qualify(schema, versionSequence)),
	)
}

// literal returns s as an SQL string literal.
func literal(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// newQueries fills in the store's SQL for schema.
func newQueries(schema string) queries {
	r := namer(schema)
	return queries{
		load:          r.Replace(loadSQL),
		since:         r.Replace(sinceSQL),
		head:          r.Replace(headSQL),
		history:       r.Replace(historySQL),
		write:         r.Replace(writeSQL),
		notify:        r.Replace(notifySQL),
		recordChange:  r.Replace(recordChangeSQL),
		checkDeadline: r.Replace(checkDeadlineSQL),
		fence:         r.Replace(fenceSQL),
		changeVersion: r.Replace(changeVersionSQL),
		changeWrites:  r.Replace(changeWritesSQL),
		changes:       r.Replace(changesSQL),
		changesWrites: r.Replace(changesWritesSQL),
	}
}

// Every read returns the store's epoch beside the rows (see sysconfig_meta),
// joined so that it comes back even when no row matches.
const (
	// loadSQL joins rather than filtering on path = ANY($1): pgx prepares
	// statements, and once Postgres switches to a generic plan, ANY over a
	// parameter can become a sequential scan comparing every row with every
	// path (0.1 s for 10,000 paths over 1,000 rows), while the join probes
	// the index or a hash table (6 ms).
	loadSQL = `SELECT m.epoch, v.path, v.value, v.version FROM {meta} AS m
		LEFT JOIN (SELECT v.path, v.value, v.version
			FROM unnest($1::text[]) AS p(path) JOIN {values} AS v ON v.path = p.path) AS v ON true`

	// sinceSQL returns the app's records above version $3 when $2 is the
	// store's epoch, and all of them otherwise, in version order.
	sinceSQL = `SELECT m.epoch, v.path, v.value, v.version FROM {meta} AS m
		LEFT JOIN {values} AS v
			ON v.app = $1 AND v.version > CASE WHEN m.epoch = $2 THEN $3::int8 ELSE 0 END
		ORDER BY v.version`

	// headSQL returns the store's epoch and app $1's highest version (0
	// when it has none), from the (app, version) index alone.
	headSQL = `SELECT m.epoch, coalesce((SELECT max(v.version) FROM {values} AS v WHERE v.app = $1), 0)
		FROM {meta} AS m`

	// historySQL returns a path's last $2 writes with a version of at
	// most $3, with their changes' attribution (none for writes older
	// than migration 2, which have no change_id).
	historySQL = `SELECT h.path, h.version, h.value, h.old_value, coalesce(h.old_version, 0), h.changed_at,
			coalesce(h.change_id::text, ''), coalesce(c.actor, ''), coalesce(c.reason, ''), coalesce(c.source, '')
		FROM {history} AS h LEFT JOIN {changes} AS c ON c.id = h.change_id
		WHERE h.path = $1 AND h.version <= $3 ORDER BY h.version DESC LIMIT $2`
)

// Changes' statements.
const (
	// changesSQL selects an app's committed change sets ($1), newest
	// first, at most $9, with the store's epoch; each filter is off when
	// its parameter is empty, zero or NULL: $2 the ID, $3 a path, $4 a
	// path prefix (a section's), $5 the actor, $6 and $7 the time range,
	// $8 the version paging is before. The path filters match a path
	// written (probing the history's change_id index once per candidate)
	// or revealed.
	changesSQL = `SELECT c.id::text, c.version, c.changed_at, c.actor, c.reason, c.source,
			coalesce(c.reverts, ''), coalesce(c.revealed, '{}'), m.epoch
		FROM {changes} AS c, {meta} AS m
		WHERE c.app = $1 AND c.version IS NOT NULL
			AND ($2::text = '' OR c.id = nullif($2::text, '')::uuid)
			AND ($5::text = '' OR c.actor = $5)
			AND ($6::timestamptz IS NULL OR c.changed_at >= $6)
			AND ($7::timestamptz IS NULL OR c.changed_at < $7)
			AND ($8::int8 = 0 OR c.version < $8)
			AND ($3::text = '' AND $4::text = '' OR EXISTS (SELECT FROM {history} AS h
				WHERE h.change_id = c.id AND ($3 = '' OR h.path = $3)
					AND ($4 = '' OR left(h.path, length($4)) = $4))
				OR EXISTS (SELECT FROM unnest(c.revealed) AS r(path)
					WHERE ($3 = '' OR r.path = $3) AND ($4 = '' OR left(r.path, length($4)) = $4)))
		ORDER BY c.version DESC LIMIT $9`

	// changesWritesSQL reads the writes of the change sets $1, in version
	// order.
	changesWritesSQL = `SELECT change_id::text, path, value, version, old_value, coalesce(old_version, 0)
		FROM {history} WHERE change_id = ANY($1::uuid[]) ORDER BY version`
)

// Resolve's statements.
const (
	// fenceSQL claims a change ID for "never committed" ($1 the ID, $2 the
	// app). It inserts nothing when the change committed — or when it is
	// still running and then commits: the insert waits for it.
	fenceSQL = `INSERT INTO {changes} (id, app) VALUES ($1::uuid, $2) ON CONFLICT (id) DO NOTHING`

	// changeVersionSQL reads a change's row: version NULL means fenced;
	// and whether it revealed paths (a change that did may write nothing).
	changeVersionSQL = `SELECT c.version, c.revealed IS NOT NULL, m.epoch FROM {changes} AS c, {meta} AS m
		WHERE c.id = $1::uuid`

	// changeWritesSQL reads what a committed change wrote, in write order.
	changeWritesSQL = `SELECT path, value, version, old_value, coalesce(old_version, 0) FROM {history}
		WHERE change_id = $1::uuid ORDER BY version`
)

// The statements of Apply's transaction, in the order it sends them.
const (
	// beginSQL fixes the isolation level whatever the server's default:
	// the version check relies on each statement seeing every write
	// committed before it started (see Store.writeBatch).
	beginSQL = `BEGIN ISOLATION LEVEL READ COMMITTED`

	// timeoutsSQL bounds every lock wait and every statement that follows,
	// until the transaction ends, by what is left of its budget of $1
	// milliseconds counted from its start (at least 1 ms). Sent before the
	// app's lock and again after it, so that the wait for the lock counts
	// against the statements after it.
	timeoutsSQL = `SELECT set_config('lock_timeout', left_ms, true), set_config('statement_timeout', left_ms, true)
		FROM (SELECT greatest(1, $1::int8 - (extract(epoch FROM clock_timestamp() - now()) * 1000)::int8) || 'ms')
			AS budget(left_ms)`

	// lockSQL serialises the writers of one app ($1: class, $2: app hash).
	lockSQL = `SELECT pg_advisory_xact_lock($1::int4, $2::int4)`

	// checkDeadlineSQL aborts the transaction once it has lasted longer
	// than $1 milliseconds (see sysconfig_check_deadline in migrations/functions.sql).
	checkDeadlineSQL = `SELECT {check_deadline}($1::int8)`

	commitSQL = `COMMIT`
)

// writeSQL applies one write: $1 path, $2 app, $3 value (NULL for a reset),
// $4 whether to check the version, $5 the expected version, $6 the
// change's ID.
//
// It reads the current row (prev) without locking it: every writer of the
// path holds the app's advisory lock (lockSQL), so the row cannot change
// until this transaction ends, and a row lock would only cost a write of
// the tuple header. If the version check fails,
// cur calls sysconfig_conflict, which aborts the transaction (SQLSTATE
// SC001, see functions.sql). Otherwise it upserts the row with the next
// version from the sequence (the column default) and appends a history
// row naming the change, and returns one row: the old value and version,
// the new version and the store's epoch.
const writeSQL = `WITH prev AS (
	SELECT value, version FROM {values} WHERE path = $1::text
), cur AS (
	SELECT prev.value, CASE WHEN $4::bool AND coalesce(prev.version, 0) <> $5::int8
		THEN {conflict}($1::text, $5::int8, coalesce(prev.version, 0))
		ELSE coalesce(prev.version, 0) END AS version
	FROM (VALUES (1)) AS one LEFT JOIN prev ON true
), upserted AS (
	INSERT INTO {values} AS t (path, app, value)
	SELECT $1, $2::text, $3::text FROM cur
	ON CONFLICT (path) DO UPDATE
	SET app = excluded.app, value = excluded.value, version = excluded.version, updated_at = now()
	RETURNING t.version
), logged AS (
	INSERT INTO {history} (path, app, version, value, old_value, old_version, change_id)
	SELECT $1, $2, upserted.version, $3, cur.value, cur.version, $6::uuid FROM upserted, cur
)
SELECT cur.value, cur.version, upserted.version, (SELECT epoch FROM {meta}) FROM cur, upserted`

// notifySQL queues the change's notification (see Notification), after
// its writes: $1 the change's ID, $2 the app, $3 the channel, $4 whether
// to carry the records, $5 the largest payload that may carry them. It
// returns the store's epoch and the change's Prev.
//
// Prev, the app's highest version before the change, is the greater of
// the versions the change replaced (old_version of its history rows) and
// of the app's rows it did not touch (all below the change's first
// version: under the app's lock no other writer of the app runs).
const notifySQL = `WITH w AS (
	SELECT path, value, version, old_version FROM {history} WHERE change_id = $1::uuid
), head AS (
	SELECT (SELECT epoch FROM {meta}) AS epoch, (SELECT max(version) FROM w) AS version,
		greatest(coalesce((SELECT max(old_version) FROM w), 0),
			coalesce((SELECT max(v.version) FROM {values} AS v
				WHERE v.app = $2::text AND v.version < (SELECT min(version) FROM w)), 0)) AS prev
), payload AS (
	SELECT epoch, prev,
		json_build_object('app', $2::text, 'epoch', epoch, 'prev', prev, 'version', version)::text AS short,
		CASE WHEN $4::bool THEN json_build_object('app', $2::text, 'epoch', epoch, 'prev', prev, 'version', version,
			'records', (SELECT json_agg(json_build_object('path', path, 'value', value, 'version', version)
				ORDER BY version) FROM w))::text END AS full
	FROM head
)
SELECT p.epoch, p.prev FROM payload AS p,
	pg_notify($3::text, CASE WHEN octet_length(p.full) <= $5::int4 THEN p.full ELSE p.short END)`

// recordChangeSQL records a change as committed ($1 its ID, $2 the app),
// with the last version it wrote, its attribution ($3 actor, $4 reason,
// $5 source), what it reverts ($6, NULL for none) and the paths it
// revealed ($7, NULL for none), as the last statement before the COMMIT.
// A change that wrote nothing (it only reveals) takes a version of its own
// from the sequence. If Resolve has already fenced the ID, the primary key
// refuses the row: the transaction aborts, and the change never commits.
const recordChangeSQL = `INSERT INTO {changes} (id, app, version, actor, reason, source, reverts, revealed)
	SELECT $1::uuid, $2, coalesce(max(version), nextval({version_seq}::regclass)), $3, $4, $5, nullif($6::text, ''),
		nullif($7::text[], '{}') FROM {history} WHERE change_id = $1::uuid`
