//go:build linux

package main

import (
	"encoding/json"
	"fmt"
	"os"
	"sync"
)

// The kinds of journal entries.
const (
	kindStart   = "start"   // a worker incarnation began: Worker, Snapshot, Start
	kindRead    = "read"    // a Lookup: Path, Value, Epoch, Version, Source or Err, Start, End
	kindWrite   = "write"   // a write is sent: Seq, Paths, Values, Start
	kindDone    = "done"    // its outcome: Seq, Outcome, Change, Err, End
	kindResolve = "resolve" // Resolve settled an unknown outcome: Seq, Change, Committed, End
)

// The outcomes of a write.
const (
	outcomeOK      = "ok"      // nil: acknowledged
	outcomeFailed  = "failed"  // matches runtime.ErrUnavailable: never committed
	outcomeUnknown = "unknown" // a *runtime.OutcomeUnknownError
	outcomeOther   = "other"   // none of the three: not a documented outcome
)

// entry is one line of a journal. Times are Unix nanoseconds.
type entry struct {
	Kind      string   `json:"k"`
	Worker    int      `json:"w"`
	Snapshot  bool     `json:"snapshot,omitempty"`
	Seq       int64    `json:"seq,omitempty"`
	Path      string   `json:"path,omitempty"`
	Value     int64    `json:"value,omitempty"`
	Epoch     int64    `json:"epoch,omitempty"`
	Version   int64    `json:"version,omitempty"`
	Source    string   `json:"source,omitempty"`
	Paths     []string `json:"paths,omitempty"`
	Values    []int64  `json:"values,omitempty"`
	Outcome   string   `json:"outcome,omitempty"`
	Change    string   `json:"change,omitempty"`
	Committed bool     `json:"committed,omitempty"`
	By        string   `json:"by,omitempty"` // "leader" on a resolution the leader made
	Err       string   `json:"err,omitempty"`
	Start     int64    `json:"start,omitempty"`
	End       int64    `json:"end,omitempty"`
}

// journal appends entries to a file, each line with one write(2) on an
// unbuffered file: once put returns, the line survives a SIGKILL of the
// process.
type journal struct {
	mu  sync.Mutex
	f   *os.File
	err error // the first failed write
}

// openJournal creates (or appends to) the journal at path.
func openJournal(path string) (*journal, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open the journal: %w", err)
	}
	return &journal{f: f}, nil
}

// put appends e as one line.
func (j *journal) put(e entry) {
	line, err := json.Marshal(e)
	line = append(line, '\n')
	j.mu.Lock()
	defer j.mu.Unlock()
	if err == nil {
		_, err = j.f.Write(line)
	}
	if err != nil && j.err == nil {
		j.err = fmt.Errorf("write the journal: %w", err)
	}
}

// close closes the file and returns the first error of any write.
func (j *journal) close() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if err := j.f.Close(); err != nil && j.err == nil {
		j.err = err
	}
	return j.err
}
