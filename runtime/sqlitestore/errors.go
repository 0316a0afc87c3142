package sqlitestore

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/go-sysconfig/sysconfig/runtime"
)

// misconfigured lists the primary result codes that say the store cannot
// serve this program as it is set up, rather than that it is busy or
// failing for a while: retrying does not help until an operator acts.
var misconfigured = map[int]bool{
	sqlite3.SQLITE_CANTOPEN: true, // a missing directory, no permission to create the file
	sqlite3.SQLITE_READONLY: true, // a file or directory this process may not write
	sqlite3.SQLITE_PERM:     true,
	sqlite3.SQLITE_AUTH:     true,
	sqlite3.SQLITE_NOTADB:   true, // not an SQLite file
	sqlite3.SQLITE_CORRUPT:  true,
}

// invalid lists the primary result codes that refuse the data given.
var invalid = map[int]bool{
	sqlite3.SQLITE_TOOBIG:   true,
	sqlite3.SQLITE_MISMATCH: true,
	sqlite3.SQLITE_RANGE:    true,
}

// classify marks err for the runtime: a misconfiguration (see
// misconfigured, and a missing table) matches runtime.ErrMisconfigured,
// refused data runtime.ErrInvalid. Anything else — SQLITE_BUSY after the
// busy timeout, an I/O error, a full disk, a cancelled context — is left
// as it is: unavailable.
func classify(err error) error {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return err
	}
	code := se.Code() & 0xff
	switch {
	case misconfigured[code]:
		return runtime.Misconfigured(err)
	case invalid[code]:
		return runtime.InvalidInput(err)
	case code == sqlite3.SQLITE_ERROR && strings.Contains(se.Error(), "no such "):
		return runtime.Misconfigured(fmt.Errorf("%w (has EnsureSchema run since the last upgrade?)", err))
	}
	return err
}

// isBusy reports whether err is SQLite's SQLITE_BUSY or SQLITE_LOCKED: a
// lock another connection held past the busy timeout.
func isBusy(err error) bool {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	code := se.Code() & 0xff
	return code == sqlite3.SQLITE_BUSY || code == sqlite3.SQLITE_LOCKED
}

// isTaken reports whether err is a primary key refusing a change's ID.
func isTaken(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
}

// errNoEpoch reports a file without its meta row: EnsureSchema has not run,
// or the row was deleted.
var errNoEpoch = runtime.Misconfigured(errors.New("the store has no epoch (sysconfig_meta is empty): run Store.EnsureSchema"))

// noMeta turns the absence of the meta row into errNoEpoch.
func noMeta(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return errNoEpoch
	}
	return err
}
