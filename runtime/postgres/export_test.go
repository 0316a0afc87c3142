package postgres

import "time"

// SetListenIdle shortens how long Listen waits for a notification before
// it pings the server, so that tests can exercise the ping.
func SetListenIdle(s *Store, d time.Duration) { s.listenIdle = d }
