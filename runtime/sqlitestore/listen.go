package sqlitestore

import (
	"context"
	"database/sql"
	"time"

	"github.com/go-sysconfig/sysconfig/internal/backoff"
	"github.com/go-sysconfig/sysconfig/runtime"
)

// Backoff of Listen between failed attempts: from the first to the most.
const (
	listenRetryFirst = 50 * time.Millisecond
	listenRetryMax   = 2 * time.Second
)

// Listen implements runtime.Notifier: it calls notify with the app's
// highest version each time it finds that another connection committed,
// until ctx ends.
//
// SQLite has no notifications, so Listen polls: every
// Options.PollInterval it asks its own connection for PRAGMA data_version,
// which changes when any other connection, of this process or another,
// has committed to the file. Only then does it read the file's epoch and
// the app's highest version, and it calls notify(v) when v is above what
// it reported before. On a connection, the first and each one after a
// failure, and whenever the epoch changes, it calls notify(0): the
// receiver resynchronises with Since. Other apps' commits cost one small
// read. After a failure it reconnects by itself, waiting 50 ms, doubling
// up to 2 s.
//
// Each change is reported as a runtime.Notice with its records, read from
// the history (writers take the file's lock one at a time, so an app's
// changes follow one another: each one's Prev is the last version of the
// one before). When more than maxNoticeRows rows are new at once, it
// reports the newest version alone, and the receiver reads with Since.
func (s *Store) Listen(ctx context.Context, app string, notify func(runtime.Notice)) error {
	wait := backoff.Backoff{Min: listenRetryFirst, Max: listenRetryMax}
	for {
		if polled, _ := s.poll(ctx, app, notify); polled {
			wait.Reset()
		}
		if err := wait.Sleep(ctx); err != nil {
			return err
		}
	}
}

// poll watches the file on one connection until ctx ends or a read
// fails; polled reports whether it got as far as its first notify(0).
func (s *Store) poll(ctx context.Context, app string, notify func(runtime.Notice)) (polled bool, err error) {
	conn, err := s.r.Conn(ctx)
	if err != nil {
		return false, err
	}
	defer conn.Close()
	w := watch{s: s, conn: conn, app: app}
	if err := w.read(ctx); err != nil {
		return false, err
	}
	notify(runtime.Notice{})
	tick := time.NewTicker(s.pollInterval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return true, ctx.Err()
		case <-tick.C:
		}
		if err := w.check(ctx, notify); err != nil {
			return true, err
		}
	}
}

// watch is what one connection of Listen knows of the file.
type watch struct {
	s       *Store
	conn    *sql.Conn
	app     string
	data    int64 // PRAGMA data_version
	epoch   int64
	version int64 // the app's highest version
}

// read reads the data version, then the position and the app's version
// (so that a commit in between shows in the next check).
func (w *watch) read(ctx context.Context) error {
	return w.s.readAt(ctx, func() (position, error) {
		var at position
		if err := w.conn.QueryRowContext(ctx, "PRAGMA data_version").Scan(&w.data); err != nil {
			return at, err
		}
		err := w.conn.QueryRowContext(ctx, appVersionSQL, w.app).Scan(&at.epoch, &at.version, &w.version)
		w.epoch = at.epoch
		return at, noMeta(err)
	})
}

// check reports what changed since the last check, if the data version
// says that anything did.
func (w *watch) check(ctx context.Context, notify func(runtime.Notice)) error {
	var data int64
	if err := w.conn.QueryRowContext(ctx, "PRAGMA data_version").Scan(&data); err != nil {
		return err
	}
	if data == w.data {
		return nil
	}
	epoch, version := w.epoch, w.version
	if err := w.read(ctx); err != nil {
		return err
	}
	switch {
	case w.epoch != epoch:
		notify(runtime.Notice{})
	case w.version > version:
		return w.notices(ctx, version, notify)
	}
	return nil
}

// maxNoticeRows bounds the history rows one check reads to report changes
// with their records.
const maxNoticeRows = 1000

// notices reports, one notice each, the app's changes after version from,
// up to w.version, with their records; or w.version alone when they are
// too many.
func (w *watch) notices(ctx context.Context, from int64, notify func(runtime.Notice)) error {
	rows, err := w.conn.QueryContext(ctx, newRowsSQL, w.app, from, w.version, maxNoticeRows+1)
	if err != nil {
		return err
	}
	defer rows.Close()
	var out []runtime.Notice
	var id string
	n := 0
	for rows.Next() {
		var r runtime.Record
		var value sql.NullString
		var change string
		if err := rows.Scan(&change, &r.Path, &value, &r.Version); err != nil {
			return err
		}
		r.Value, r.Set, r.Epoch = value.String, value.Valid, w.epoch
		if n++; n > maxNoticeRows {
			notify(runtime.Notice{Version: w.version})
			return nil
		}
		if len(out) == 0 || change != id {
			prev := from
			if len(out) > 0 {
				prev = out[len(out)-1].Version
			}
			out, id = append(out, runtime.Notice{Epoch: w.epoch, Prev: prev}), change
		}
		last := &out[len(out)-1]
		last.Records, last.Version = append(last.Records, r), r.Version
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for _, notice := range out {
		notify(notice)
	}
	return nil
}

// newRowsSQL reads app ?1's history rows with versions above ?2 and up to
// ?3, at most ?4, in version order: a change's rows are consecutive.
const newRowsSQL = `SELECT change_id, path, value, version FROM sysconfig_history
	WHERE app = ?1 AND version > ?2 AND version <= ?3 ORDER BY version LIMIT ?4`

// appVersionSQL reads the file's position and the highest version of app
// $1's records.
const appVersionSQL = `SELECT m.epoch, m.version,
		coalesce((SELECT max(version) FROM sysconfig_values WHERE app = ?1), 0)
	FROM sysconfig_meta AS m`
