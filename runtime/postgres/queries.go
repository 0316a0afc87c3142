package postgres

import "strings"

// queries holds the store's SQL with the table and function names filled in.
type queries struct {
	load, loadApp, since, history, write, checkDeadline string
}

// newQueries qualifies every name with schema (see qualify).
func newQueries(schema string) queries {
	r := strings.NewReplacer(
		"{values}", qualify(schema, valuesTable),
		"{history}", qualify(schema, historyTable),
		"{conflict}", qualify(schema, conflictFunc),
		"{check_deadline}", qualify(schema, checkDeadlineFunc),
	)
	return queries{
		load:          r.Replace(loadSQL),
		loadApp:       r.Replace(loadAppSQL),
		since:         r.Replace(sinceSQL),
		history:       r.Replace(historySQL),
		write:         r.Replace(writeSQL),
		checkDeadline: r.Replace(checkDeadlineSQL),
	}
}

const (
	// loadSQL joins rather than filtering on path = ANY($1): pgx prepares
	// statements, and once Postgres switches to a generic plan, ANY over a
	// parameter can become a sequential scan comparing every row with every
	// path (0.1 s for 10,000 paths over 1,000 rows), while the join probes
	// the index or a hash table (6 ms).
	loadSQL = `SELECT v.path, v.value, v.version
		FROM unnest($1::text[]) AS p(path) JOIN {values} AS v ON v.path = p.path`
	loadAppSQL = `SELECT path, value, version FROM {values} WHERE app = $1 ORDER BY path`
	sinceSQL   = `SELECT path, value, version FROM {values}
		WHERE app = $1 AND version > $2 ORDER BY version`
	historySQL = `SELECT path, version, value, old_value, changed_at FROM {history}
		WHERE path = $1 ORDER BY version DESC LIMIT $2`
)

// The statements of Apply's transaction, in the order it sends them.
const (
	// beginSQL fixes the isolation level whatever the server's default:
	// the version check relies on each statement seeing every write
	// committed before it started (see Store.writeBatch).
	beginSQL = `BEGIN ISOLATION LEVEL READ COMMITTED`

	// timeoutsSQL bounds, until the transaction ends, every lock wait and
	// every statement that follows ($1: a duration such as "1500ms").
	timeoutsSQL = `SELECT set_config('lock_timeout', $1, true), set_config('statement_timeout', $1, true)`

	// lockSQL serialises the writers of one app ($1: class, $2: app hash).
	lockSQL = `SELECT pg_advisory_xact_lock($1::int4, $2::int4)`

	// checkDeadlineSQL aborts the transaction once it has lasted longer
	// than $1 milliseconds (see sysconfig_check_deadline in schema.sql).
	checkDeadlineSQL = `SELECT {check_deadline}($1::int8)`

	commitSQL = `COMMIT`
)

// writeSQL applies one write: $1 path, $2 app, $3 value (NULL for a reset),
// $4 whether to check the version, $5 the expected version, $6 the channel.
//
// It reads the current row (prev) without locking it: every writer of the
// path holds the app's advisory lock (lockSQL), so the row cannot change
// until this transaction ends, and a row lock would only cost a write of
// the tuple header. If the version check fails,
// cur calls sysconfig_conflict, which aborts the transaction (SQLSTATE
// SC001, see schema.sql). Otherwise it upserts the row with the next
// version from the sequence (the column default), appends a history row
// and queues a notification, and returns one row: the old value and
// version, and the new version.
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
	INSERT INTO {history} (path, app, version, value, old_value)
	SELECT $1, $2, upserted.version, $3, cur.value FROM upserted, cur
), notified AS (
	SELECT upserted.version FROM upserted,
		pg_notify($6::text, json_build_object('app', $2, 'path', $1, 'version', upserted.version)::text)
)
SELECT cur.value, cur.version, notified.version FROM cur, notified`
