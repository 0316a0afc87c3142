package pgstore

import "time"

// SetListenIdle shortens how long Listen waits for a notification before
// it pings the server, so that tests can exercise the ping.
func SetListenIdle(s *Store, d time.Duration) { s.listenIdle = d }

// AppLockKeys returns the advisory lock keys Apply takes for app, so that
// tests can hold the lock.
func AppLockKeys(app string) (class, key int32) { return appLockClass, int32(hash32(app)) }

// SchemaOf returns the Postgres schema s keeps its tables in.
func SchemaOf(s *Store) string { return s.schema }
