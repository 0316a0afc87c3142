package sqlitestore

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"time"
)

// position is where the file stands: its epoch and the last version it
// handed out (sysconfig_meta). Positions are ordered by epoch, then
// version; a file's position only grows, unless the file is replaced by an
// older copy of itself.
type position struct {
	epoch, version int64
}

// before reports whether p comes before q.
func (p position) before(q position) bool {
	if p.epoch != q.epoch {
		return p.epoch < q.epoch
	}
	return p.version < q.version
}

// mark is the highest position that the Stores of this process have seen
// in one file, shared by every Store on the file's path.
type mark struct {
	mu   sync.Mutex
	seen position
}

// marks holds the mark of each file this process has opened, by absolute
// path. It is package state on purpose: "what this process saw" outlives
// a Store closed and opened again.
var marks sync.Map // string → *mark

// markOf returns the mark of the file at path.
func markOf(path string) *mark {
	m, _ := marks.LoadOrStore(path, &mark{})
	return m.(*mark)
}

// raise records at as seen, if it is the highest yet.
func (m *mark) raise(at position) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.seen.before(at) {
		m.seen = at
	}
}

// get returns the highest position seen.
func (m *mark) get() position {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.seen
}

// nextEpoch returns a new epoch greater than both the file's and the
// highest this process has seen: the current time in microseconds, or one
// more than the greater of them if the clock is behind.
func nextEpoch(file, seen int64) int64 {
	return max(time.Now().UnixMicro(), file+1, seen+1)
}

// observe checks a position the store read outside a write transaction,
// before anything read with it is handed out, against seen, the highest
// position this process had seen before the read began (a read sees every
// commit made before it began, so only a file that went back can be
// behind that; a later mark proves nothing, as a read under way may
// legitimately miss a commit made meanwhile). If the file is behind, it
// starts a new epoch and reports true, and the caller reads again;
// otherwise it records the position as seen.
func (s *Store) observe(ctx context.Context, seen, at position) (restarted bool, err error) {
	if !at.before(seen) {
		s.mark.raise(at)
		return false, nil
	}
	err = s.inTx(ctx, s.busyTimeout, func(tx *sql.Tx) error {
		_, err := s.catchUp(ctx, tx)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("the file went back (a copy of an older state?) and no new epoch could be started: %w", err)
	}
	return true, nil
}

// catchUp reads the file's position in a write transaction and, if it is
// behind what this process has seen, moves the file to a new epoch. It
// returns the position, in the new epoch if one was started. (In a write
// transaction the file is at its latest: every position seen, before or
// meanwhile, was read from a commit made before it.)
func (s *Store) catchUp(ctx context.Context, tx *sql.Tx) (position, error) {
	seen := s.mark.get()
	var at position
	if err := tx.QueryRowContext(ctx, metaSQL).Scan(&at.epoch, &at.version); err != nil {
		return at, noMeta(err)
	}
	if !at.before(seen) {
		return at, nil
	}
	epoch := nextEpoch(at.epoch, seen.epoch)
	if _, err := tx.ExecContext(ctx, startEpochSQL, epoch); err != nil {
		return at, err
	}
	s.log.Warn("sysconfig/sqlitestore: the file is behind what this process has seen (restored from an older copy?): starting a new epoch",
		"file", s.path, "file_epoch", at.epoch, "file_version", at.version,
		"seen_epoch", seen.epoch, "seen_version", seen.version, "new_epoch", epoch)
	at.epoch = epoch
	return at, nil
}

// Epoch returns the store's epoch: when its current incarnation began, in
// microseconds since 1970-01-01 UTC. See the package documentation for
// when a new one starts.
func (s *Store) Epoch(ctx context.Context) (int64, error) {
	var at position
	if err := s.r.QueryRowContext(ctx, metaSQL).Scan(&at.epoch, &at.version); err != nil {
		return 0, fmt.Errorf("sysconfig/sqlitestore: epoch: %w", classify(noMeta(err)))
	}
	return at.epoch, nil
}

// NewEpoch starts a new epoch and returns it: the current time in
// microseconds, or one more than the previous epoch if that is greater.
// It is for operators, after an event the store cannot see itself: the
// file restored from a backup while no process that had seen a later
// state was running, with a shared cache in front of it.
func (s *Store) NewEpoch(ctx context.Context) (int64, error) {
	var epoch int64
	err := s.inTx(ctx, s.busyTimeout, func(tx *sql.Tx) error {
		var at position
		if err := tx.QueryRowContext(ctx, metaSQL).Scan(&at.epoch, &at.version); err != nil {
			return noMeta(err)
		}
		epoch = nextEpoch(at.epoch, s.mark.get().epoch)
		_, err := tx.ExecContext(ctx, startEpochSQL, epoch)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("sysconfig/sqlitestore: new epoch: %w", classify(err))
	}
	return epoch, nil
}

const (
	// metaSQL reads the file's position.
	metaSQL = `SELECT epoch, version FROM sysconfig_meta`

	// startEpochSQL moves the file to the epoch $1.
	startEpochSQL = `UPDATE sysconfig_meta SET epoch = ?1`
)
