package pgstore

import "strings"

// queries holds the store's SQL with the table and function names filled in.
type queries struct {
	load, since, head, history, write, place, notify, recordReveal, checkDeadline string
	timeouts, writeLocks, awaitWriters                                            string
	fence, changeVersion, changeWrites                                            string
	changes, changesWrites                                                        string
}

// namer returns the replacer that fills the store's SQL in: every
// {name} placeholder becomes that table's or function's name qualified
// with schema (see qualify); {version_seq} becomes the sequence's name as
// a string literal, for nextval; {app_key:$N} and {path_class} become the
// lock keys of appKeySQL, of the app in parameter $N, and pathClassSQL;
// {left_ms:$N} becomes leftMsSQL for the budget in parameter $N.
func namer(schema string) *strings.Replacer {
	valuesOID := literal(qualify(schema, valuesTable)) + "::regclass::oid::int8"
	return strings.NewReplacer(
		"{values}", qualify(schema, valuesTable),
		"{history}", qualify(schema, historyTable),
		"{conflict}", qualify(schema, conflictFunc),
		"{check_deadline}", qualify(schema, checkDeadlineFunc),
		"{await_writers}", qualify(schema, awaitWritersFunc),
		"{meta}", qualify(schema, metaTable),
		"{changes}", qualify(schema, changesTable),
		"{migrations}", qualify(schema, migrationsTable),
		"{version_seq}", literal(qualify(schema, versionSequence)),
		"{app_key:$1}", appKey(valuesOID, "$1"),
		"{app_key:$2}", appKey(valuesOID, "$2"),
		"{left_ms:$1}", strings.ReplaceAll(leftMsSQL, "{budget}", "$1"),
		"{left_ms:$3}", strings.ReplaceAll(leftMsSQL, "{budget}", "$3"),
		"{path_class}", strings.ReplaceAll(pathClassSQL, "{values_oid}", valuesOID),
	)
}

// The keys of the advisory locks that order an app's writes (see
// Store.writeBatch and Store.Since). Both are derived from the identity of
// the store's values table, so that two stores in one database — in two
// schemas — never wait for each other, while two Stores reaching the same
// tables by different names (a schema given, or found through the
// search_path) take the same locks. The app's lock uses the 64-bit key
// space: the table's OID in the high half, a hash of the app ($1) in the
// low one. The paths' locks use the other key space, (class, key): the
// table's OID as the class, and a hash of each path as the key. The DDL
// lock of EnsureSchema is one fixed 64-bit key.
const (
	appKeySQL    = `(({values_oid} << 32) | (hashtext({app}::text)::int8 & 4294967295))`
	pathClassSQL = `({values_oid} & 2147483647)::int4`
)

// appKey returns appKeySQL for the table valuesOID and the app in
// parameter param.
func appKey(valuesOID, param string) string {
	return strings.NewReplacer("{values_oid}", valuesOID, "{app}", param).Replace(appKeySQL)
}

// leftMsSQL is what is left of a transaction's budget of {budget}
// milliseconds, counted from its start, as a setting's text (at least
// 1 ms).
const leftMsSQL = `greatest(1, {budget}::int8 - (extract(epoch FROM clock_timestamp() - now()) * 1000)::int8) || 'ms'`

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
		place:         r.Replace(placeSQL),
		notify:        r.Replace(notifySQL),
		recordReveal:  r.Replace(recordRevealSQL),
		checkDeadline: r.Replace(checkDeadlineSQL),
		timeouts:      r.Replace(timeoutsSQL),
		writeLocks:    r.Replace(writeLocksSQL),
		awaitWriters:  r.Replace(awaitWritersSQL),
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
	// milliseconds (see leftMsSQL).
	timeoutsSQL = `SELECT set_config('lock_timeout', left_ms, true), set_config('statement_timeout', left_ms, true)
		FROM (SELECT {left_ms:$1}) AS budget(left_ms)`

	// writeLocksSQL takes, for a change of app $1 writing paths $2, the
	// lock of each path, in the order of their keys, so that two changes
	// never wait for each other in a cycle, then the app's lock, shared
	// (see Store.writeBatch), then sets the time limits again, as
	// timeoutsSQL does for the budget $3, so that the waits for the locks
	// count against the statements that follow. Each query runs after the
	// one it selects from (Postgres does not merge a subquery whose
	// results are volatile, or aggregates, into the query above it), so
	// the app's lock comes after the paths': a writer waiting for it
	// (behind a transaction that holds it exclusively) holds path locks,
	// but one holding it never waits for a path lock. Two writers of one path, or of two
	// paths whose hashes collide, wait for each other.
	writeLocksSQL = `SELECT set_config('lock_timeout', t.left_ms, true), set_config('statement_timeout', t.left_ms, true)
		FROM (SELECT {left_ms:$3} AS left_ms, app.locked FROM (
			SELECT pg_advisory_xact_lock_shared({app_key:$1}) AS locked FROM (
				SELECT count(pg_advisory_xact_lock({path_class}, s.key)) FROM (
					SELECT DISTINCT hashtext(p.path) AS key FROM unnest($2::text[]) AS p(path) ORDER BY 1) AS s) AS paths) AS app) AS t`

	// awaitWritersSQL waits until every writer of app $1 in flight has
	// committed or rolled back, and returns the last version handed out
	// before (see sysconfig_await_writers in migrations/functions.sql).
	awaitWritersSQL = `SELECT {await_writers}({app_key:$1}, {version_seq}::regclass)`

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
// path holds the path's lock (writeLocksSQL), so the row cannot change
// until this transaction ends, and a row lock would only cost a write of
// the tuple header. If the version check fails, cur calls
// sysconfig_conflict, which aborts the transaction (SQLSTATE SC001, see
// functions.sql). Otherwise it upserts the row with the next version from
// the sequence (the column default) and appends a history row naming the
// change, and returns one row: the old value and version, the new version
// and the store's epoch.
//
// The last write of a change ($7 true) then tries to take the app's lock
// exclusively — after the upsert, so never while it waits for a row —
// which it is granted when no other transaction holds it, and records
// whether it was in the transaction's setting sysconfig.alone, for
// placeCTEs. Once granted, the lock is held until the transaction ends: a
// writer that comes later waits for the COMMIT, not for the writes, which
// are done.
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
), alone AS (
	SELECT CASE WHEN $7::bool THEN set_config('sysconfig.alone', pg_try_advisory_xact_lock({app_key:$2})::text, true) END
	FROM upserted
)
SELECT cur.value, cur.version, upserted.version, (SELECT epoch FROM {meta}) FROM cur, upserted, alone`

// placeCTEs place and record a change after its writes ($1 the app, $2
// the change's ID): w holds its history rows, head the store's epoch, the
// change's last version and its Prev, and record inserts its row in
// sysconfig_changes, with that version, its attribution ($4 actor, $5
// reason, $6 source), what it reverts ($7, NULL for none) and the paths
// it revealed ($8, NULL for none). If Resolve has already fenced the ID,
// the primary key refuses the row: the transaction aborts, and the change
// never commits.
//
// Prev, the app's highest version before the change, is known only when
// the writer was alone at the end (sysconfig.alone, set by writeSQL): it
// then holds the app's lock exclusively, granted while no other
// transaction held it, so every other writer that took a version before
// has committed or rolled back, and this statement's snapshot, taken
// after the grant, sees every version of the app below the change's
// (writers that come later wait for the lock, and take greater versions).
// Prev is then the greater of the versions the change replaced
// (old_version of its history rows) and of the app's rows it did not
// touch — provided that no other change's row has a version between the
// change's first and last: another writer may have taken one there and
// committed before the grant, and a reader that moved from Prev to the
// change's last version would skip it. Otherwise Prev is -1: unknown,
// and readers learn from Since where the app stands.
const placeCTEs = `w AS (
	SELECT path, value, version, old_version FROM {history} WHERE change_id = $2::uuid
), head AS (
	SELECT (SELECT epoch FROM {meta}) AS epoch, (SELECT max(version) FROM w) AS version,
		CASE WHEN current_setting('sysconfig.alone', true) = 'true' AND NOT EXISTS (
				SELECT FROM {values} AS v WHERE v.app = $1::text
					AND v.version BETWEEN (SELECT min(version) FROM w) AND (SELECT max(version) FROM w)
					AND v.version NOT IN (SELECT version FROM w)) THEN
			greatest(coalesce((SELECT max(old_version) FROM w), 0),
				coalesce((SELECT max(v.version) FROM {values} AS v
					WHERE v.app = $1::text AND v.version < (SELECT min(version) FROM w)), 0))
		ELSE -1 END AS prev
), record AS (
	INSERT INTO {changes} (id, app, version, actor, reason, source, reverts, revealed)
	SELECT $2::uuid, $1, version, $4, $5, $6, nullif($7::text, ''), nullif($8::text[], '{}') FROM head
)`

// placeSQL places and records a change (see placeCTEs) of a store that
// does not notify, and returns the store's epoch and the change's Prev,
// as the last statement before the COMMIT: it also checks that the
// transaction has not lasted longer than its budget of $3 milliseconds
// (see checkDeadlineSQL).
const placeSQL = `WITH ` + placeCTEs + ` SELECT epoch, prev FROM head, {check_deadline}($3::int8)`

// notifySQL is placeSQL for a store that notifies: it also queues the
// change's notification (see Notification), $9 the channel, $10 whether to
// carry the records, $11 the largest payload that may carry them.
const notifySQL = `WITH ` + placeCTEs + `, payload AS (
	SELECT epoch, prev,
		json_build_object('app', $1::text, 'epoch', epoch, 'prev', prev, 'version', version)::text AS short,
		CASE WHEN $10::bool THEN json_build_object('app', $1::text, 'epoch', epoch, 'prev', prev, 'version', version,
			'records', (SELECT json_agg(json_build_object('path', path, 'value', value, 'version', version)
				ORDER BY version) FROM w))::text END AS full
	FROM head
)
SELECT p.epoch, p.prev FROM payload AS p, {check_deadline}($3::int8),
	pg_notify($9::text, CASE WHEN octet_length(p.full) <= $11::int4 THEN p.full ELSE p.short END)`

// recordRevealSQL records a change that wrote nothing but revealed paths
// ($1 its ID, $2 the app), with a version of its own from the sequence,
// its attribution ($3 actor, $4 reason, $5 source), what it reverts ($6,
// NULL for none) and the paths it revealed ($7). If Resolve has already
// fenced the ID, the primary key refuses the row: the transaction aborts,
// and the change never commits.
const recordRevealSQL = `INSERT INTO {changes} (id, app, version, actor, reason, source, reverts, revealed)
	VALUES ($1::uuid, $2, nextval({version_seq}::regclass), $3, $4, $5, nullif($6::text, ''), nullif($7::text[], '{}'))`
