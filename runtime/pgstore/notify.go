package pgstore

import (
	"encoding/json"
	"fmt"
)

// Notification is the payload of the notification Apply sends, on the
// store's channel, for every applied write. It never carries the value
// (secrets stay out of it, and Postgres caps payloads below 8000 bytes):
// a listener reloads the path, and can skip the reload when it already
// holds Version or newer.
type Notification struct {
	App     string `json:"app"`
	Path    string `json:"path"`
	Version int64  `json:"version"`
}

// ParseNotification decodes a notification payload, such as
// pgconn.Notification.Payload.
func ParseNotification(payload string) (Notification, error) {
	var n Notification
	if err := json.Unmarshal([]byte(payload), &n); err != nil {
		return Notification{}, fmt.Errorf("sysconfig/pgstore: bad notification %q: %w", payload, err)
	}
	return n, nil
}
