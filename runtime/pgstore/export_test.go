package pgstore

import "time"

// SetListenIdle shortens how long Listen waits for a notification before
// it pings the server, so that tests can exercise the ping.
func SetListenIdle(s *Store, d time.Duration) { s.listenIdle = d }

// AppLockSQL returns the statement that takes s's lock of an app ($1)
// exclusively, so that tests can hold it: writers of the app wait for it.
func AppLockSQL(s *Store) string {
	return namer(s.schema).Replace(`SELECT pg_advisory_xact_lock({app_key:$1})`)
}

// SchemaOf returns the Postgres schema s keeps its tables in.
func SchemaOf(s *Store) string { return s.schema }
