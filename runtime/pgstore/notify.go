package pgstore

import (
	"encoding/json"
	"fmt"

	"github.com/go-sysconfig/sysconfig/runtime"
)

// MaxNotificationSize is the largest payload Apply sends with a change's
// records: Postgres refuses payloads of 8000 bytes or more. A larger
// change is notified without its records, and listeners read it with
// Since.
const MaxNotificationSize = 7999

// Notification is the payload of the notification Apply sends, on the
// store's channel, for every committed change that wrote: one per Apply,
// in JSON.
//
// It places the change (see runtime.Notice): the change moved App, in
// epoch Epoch, from version Prev to Version; Prev is -1 when the writer
// did not know it (it ran beside other writers of the app: see
// runtime.Applied.Prev): a listener applies its records, but learns from
// Since where the app stands.
// A store with Options.NoNotify sends none. Records are what it wrote,
// when the payload fits in MaxNotificationSize and the store notifies
// values (see Options.NotifyVersionsOnly); else they are left out, and a
// listener reads the change with Since. A record's Value is the stored
// text — a secret's is sealed, never plaintext — or null for a reset.
//
// Stores of releases before Notice sent one notification per write, with
// Path and Version only: such a payload parses with Epoch 0, and is
// passed on as a version only.
type Notification struct {
	App     string               `json:"app"`
	Epoch   int64                `json:"epoch,omitempty"`
	Prev    int64                `json:"prev"`
	Version int64                `json:"version"`
	Records []NotificationRecord `json:"records,omitempty"`
	Path    string               `json:"path,omitempty"` // older releases only
}

// NotificationRecord is one record of a Notification.
type NotificationRecord struct {
	Path    string  `json:"path"`
	Value   *string `json:"value"` // nil: reset (no override)
	Version int64   `json:"version"`
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

// Notice returns the runtime.Notice of n.
func (n Notification) Notice() runtime.Notice {
	if n.Epoch == 0 {
		return runtime.Notice{Version: n.Version}
	}
	rn := runtime.Notice{Epoch: n.Epoch, Prev: n.Prev, Version: n.Version}
	if n.Records != nil {
		rn.Records = make([]runtime.Record, len(n.Records))
		for i, r := range n.Records {
			rn.Records[i] = runtime.Record{Path: r.Path, Set: r.Value != nil, Epoch: n.Epoch, Version: r.Version}
			if r.Value != nil {
				rn.Records[i].Value = *r.Value
			}
		}
	}
	return rn
}
