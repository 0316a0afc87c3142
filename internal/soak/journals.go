//go:build linux

package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// leaderJournal is the journal of the leader's resolutions.
const leaderJournal = "leader.jsonl"

// read is one journalled Lookup. Times are Unix nanoseconds.
type read struct {
	worker                int
	path                  string
	value, epoch, version int64
	source                string // empty when the Lookup failed
	start, end            int64
}

// write is one journalled change: a Set or a SetMany.
type write struct {
	worker     int
	seq        int64
	paths      []string
	values     []int64
	start, end int64
	outcome    string // empty when the worker died before it returned
	change     string // the change ID of an unknown outcome
	err        string
	resolved   bool // Resolve answered about an unknown outcome
	committed  bool // its answer
	byLeader   bool // the leader asked, the worker having died
}

// writeKey identifies a write in a run.
type writeKey struct {
	worker int
	seq    int64
}

// journals are every journal of a run, parsed.
type journals struct {
	snapshot map[int]bool // incarnation → it started its client
	reads    []read
	writes   []*write
	byKey    map[writeKey]*write
	torn     int               // lines that do not parse: the last of a killed worker
	paths    map[string]string // interned paths
}

func newJournals() *journals {
	return &journals{snapshot: map[int]bool{}, byKey: map[writeKey]*write{}, paths: map[string]string{}}
}

// readJournals parses every journal of the run directory dir: the
// workers', then the leader's resolutions of their writes.
func readJournals(dir string) (*journals, error) {
	files, err := filepath.Glob(filepath.Join(dir, "worker-*.jsonl"))
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(dir, leaderJournal)); err == nil {
		files = append(files, filepath.Join(dir, leaderJournal))
	}
	j := newJournals()
	for _, name := range files {
		if err := j.readFile(name); err != nil {
			return nil, err
		}
	}
	return j, nil
}

func (j *journals) readFile(name string) error {
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := j.parse(f); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// parse adds the entries of one journal.
func (j *journals) parse(r io.Reader) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		var e entry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			j.torn++
			continue
		}
		if err := j.add(e); err != nil {
			return err
		}
	}
	return sc.Err()
}

// add records one entry.
func (j *journals) add(e entry) error {
	switch e.Kind {
	case kindStart:
		j.snapshot[e.Worker] = e.Snapshot
	case kindRead:
		j.reads = append(j.reads, read{worker: e.Worker, path: j.intern(e.Path), value: e.Value,
			epoch: e.Epoch, version: e.Version, source: e.Source, start: e.Start, end: e.End})
	case kindWrite:
		for i := range e.Paths {
			e.Paths[i] = j.intern(e.Paths[i])
		}
		w := &write{worker: e.Worker, seq: e.Seq, paths: e.Paths, values: e.Values, start: e.Start}
		j.writes, j.byKey[writeKey{e.Worker, e.Seq}] = append(j.writes, w), w
	case kindDone, kindResolve:
		w := j.byKey[writeKey{e.Worker, e.Seq}]
		if w == nil {
			return fmt.Errorf("a %q entry of worker %d for write %d, which it never began", e.Kind, e.Worker, e.Seq)
		}
		w.settle(e)
	default:
		return fmt.Errorf("unknown entry kind %q", e.Kind)
	}
	return nil
}

// settle records the outcome (done) or the resolution (resolve) of w.
func (w *write) settle(e entry) {
	if e.Kind == kindDone {
		w.outcome, w.change, w.err, w.end = e.Outcome, e.Change, e.Err, e.End
		return
	}
	w.resolved, w.committed, w.byLeader = true, e.Committed, e.By == "leader"
}

// intern returns one shared copy of path.
func (j *journals) intern(path string) string {
	if p, ok := j.paths[path]; ok {
		return p
	}
	j.paths[path] = path
	return path
}
