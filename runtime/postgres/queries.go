package postgres

import "strings"

// queries holds the store's SQL with the table names filled in.
type queries struct {
	load, loadApp, since, history, lock, write string
}

func newQueries(values, history string) queries {
	r := strings.NewReplacer("{values}", values, "{history}", history)
	return queries{
		load:    r.Replace(loadSQL),
		loadApp: r.Replace(loadAppSQL),
		since:   r.Replace(sinceSQL),
		history: r.Replace(historySQL),
		lock:    lockSQL,
		write:   r.Replace(writeSQL),
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

	// lockSQL serialises the writers of one app ($1: class, $2: app hash).
	lockSQL = `SELECT pg_advisory_xact_lock($1::int4, $2::int4)`
)

// writeSQL applies one write: $1 path, $2 app, $3 value (NULL for a reset),
// $4 whether to check the version, $5 the expected version, $6 the channel.
//
// It reads and locks the current row (prev), and only if the expected
// version matches: upserts the row with the next version from the sequence
// (the column default), appends a history row and queues a notification.
// It always returns one row: the old value and version, and the new version
// (NULL when the check failed and nothing was written).
const writeSQL = `WITH prev AS (
	SELECT value, version FROM {values} WHERE path = $1::text FOR UPDATE
), cur AS (
	SELECT prev.value, coalesce(prev.version, 0) AS version
	FROM (VALUES (1)) AS one LEFT JOIN prev ON true
), upserted AS (
	INSERT INTO {values} AS t (path, app, value)
	SELECT $1, $2::text, $3::text FROM cur WHERE NOT $4::bool OR cur.version = $5::int8
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
SELECT cur.value, cur.version, notified.version FROM cur LEFT JOIN notified ON true`
