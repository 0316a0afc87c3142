package rediscache

import "time"

// Parse and Encode expose the entry format to the external tests.
var (
	Parse  = parse
	Encode = encode
)

// SetNotifyIdle shortens how long Listen waits for a message before it
// pings the server, so that tests can exercise the ping.
func SetNotifyIdle(n *Notifier, d time.Duration) { n.idle = d }
