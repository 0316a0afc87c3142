package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/go-sysconfig/sysconfig/runtime"
	"github.com/go-sysconfig/sysconfig/runtime/value"
)

// valueJSON is the JSON shape of a field's value (get, list, set, reset).
type valueJSON struct {
	Path    string `json:"path"`
	Kind    string `json:"kind"`
	Value   string `json:"value"`   // the kind's text form; "[redacted]" for a secret unless revealed
	Set     bool   `json:"set"`     // an override exists; false: value is the default
	Version int64  `json:"version"` // the stored version; 0 if never written
}

// changeJSON is the JSON shape of a change set (history, revert).
type changeJSON struct {
	ID      string      `json:"id"`
	Version int64       `json:"version"`
	At      time.Time   `json:"at"`
	Actor   string      `json:"actor"`
	Reason  string      `json:"reason"`
	Source  string      `json:"source"`
	Reverts string      `json:"reverts"`
	Writes  []writeJSON `json:"writes"`
	// Revealed lists the secrets an operator was shown in plaintext
	// (--reveal); such a change set has no writes.
	Revealed []string `json:"revealed"`
}

// writeJSON is one write of a change set; Old and New are null for "no
// override".
type writeJSON struct {
	Path       string  `json:"path"`
	Version    int64   `json:"version"`
	OldVersion int64   `json:"old_version"`
	Old        *string `json:"old"`
	New        *string `json:"new"`
}

// noOverride is how a table shows a path without an override.
const noOverride = "(default)"

// timeLayout is how a table shows a time: UTC, to the second.
const timeLayout = "2006-01-02T15:04:05Z"

// valueText is v in its kind's text form, a secret revealed if asked.
func valueText(v runtime.Value, reveal bool) string {
	if s, ok := v.Value.(value.Secret); ok && reveal {
		return s.Reveal()
	}
	return v.Text()
}

// toValueJSON converts v.
func toValueJSON(v runtime.Value, reveal bool) valueJSON {
	return valueJSON{Path: v.Path, Kind: v.Kind.String(), Value: valueText(v, reveal), Set: v.Set, Version: v.Version}
}

// writeValues prints values as a table or as JSON: an array, or one object
// when single.
func (inv *invocation) writeValues(vs []runtime.Value, single bool) error {
	if inv.json() {
		out := make([]valueJSON, len(vs))
		for i, v := range vs {
			out[i] = toValueJSON(v, inv.reveal)
		}
		if single {
			return writeJSONTo(inv.opts.Stdout, out[0])
		}
		return writeJSONTo(inv.opts.Stdout, out)
	}
	t := newTable(inv.opts.Stdout, "PATH", "KIND", "VALUE", "SET", "VERSION")
	for _, v := range vs {
		t.row(v.Path, v.Kind.String(), display(valueText(v, inv.reveal)), yesNo(v.Set), versionText(v.Version))
	}
	return t.flush()
}

// writeChanges prints change sets as a table, one row per write, or as
// JSON, an array of change sets (one object when single).
func (inv *invocation) writeChanges(sets []runtime.ChangeSet, single bool) error {
	if inv.json() {
		out := make([]changeJSON, len(sets))
		for i, cs := range sets {
			out[i] = toChangeJSON(cs)
		}
		if single {
			return writeJSONTo(inv.opts.Stdout, out[0])
		}
		return writeJSONTo(inv.opts.Stdout, out)
	}
	t := newTable(inv.opts.Stdout, "VERSION", "AT", "ACTOR", "SOURCE", "PATH", "OLD", "NEW", "CHANGE", "REASON")
	for _, cs := range sets {
		at, actor := cs.At.UTC().Format(timeLayout), or(cell(cs.Actor), "-")
		for _, w := range cs.Writes {
			t.row(versionText(w.New.Version), at, actor, string(cs.Source),
				w.New.Path, recordText(w.Old), recordText(w.New), cs.ID, cell(changeNote(cs)))
		}
		for _, p := range cs.Revealed {
			t.row(versionText(cs.Version), at, actor, string(cs.Source), p, "-", "-", cs.ID, cell(changeNote(cs)))
		}
	}
	return t.flush()
}

// changeNote is the REASON cell of a change: what it reverts, or that it
// revealed secrets, and its reason.
func changeNote(cs runtime.ChangeSet) string {
	var what string
	switch {
	case cs.Reverts != "":
		what = "reverts " + cs.Reverts
	case len(cs.Revealed) > 0:
		what = "revealed in plaintext"
	default:
		return cs.Reason
	}
	if cs.Reason == "" {
		return what
	}
	return what + "; " + cs.Reason
}

// toChangeJSON converts cs.
func toChangeJSON(cs runtime.ChangeSet) changeJSON {
	out := changeJSON{ID: cs.ID, Version: cs.Version, At: cs.At.UTC(), Actor: cs.Actor, Reason: cs.Reason,
		Source: string(cs.Source), Reverts: cs.Reverts, Writes: make([]writeJSON, len(cs.Writes)),
		Revealed: append([]string{}, cs.Revealed...)}
	for i, w := range cs.Writes {
		out.Writes[i] = writeJSON{Path: w.New.Path, Version: w.New.Version, OldVersion: w.Old.Version,
			Old: recordValue(w.Old), New: recordValue(w.New)}
	}
	return out
}

// recordValue is r's value, nil for no override.
func recordValue(r runtime.Record) *string {
	if !r.Set {
		return nil
	}
	return &r.Value
}

// recordText is r's value as a table shows it.
func recordText(r runtime.Record) string {
	if !r.Set {
		return noOverride
	}
	return display(r.Value)
}

// display makes text fit one table cell: quoted, in Go syntax, when it is
// empty, has space at either end, or holds a character that is not
// printable (a line break, a tab, invalid UTF-8).
func display(text string) string {
	if text == "" || !utf8.ValidString(text) || strings.TrimSpace(text) != text ||
		strings.IndexFunc(text, func(r rune) bool { return !unicode.IsPrint(r) && r != ' ' }) >= 0 {
		return strconv.Quote(text)
	}
	return text
}

// cell is free text (an actor, a reason) in a table: as it is, unless it
// holds a character that display would quote.
func cell(text string) string {
	if text == "" {
		return ""
	}
	return display(text)
}

// versionText is a version as a table shows it: "-" for never written.
func versionText(v int64) string {
	if v == 0 {
		return "-"
	}
	return strconv.FormatInt(v, 10)
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// table is an aligned table, written to out by flush without the trailing
// spaces of its last cells.
type table struct {
	buf bytes.Buffer
	tw  *tabwriter.Writer
	out io.Writer
}

// newTable returns a table with its header row.
func newTable(out io.Writer, header ...string) *table {
	t := &table{out: out}
	t.tw = tabwriter.NewWriter(&t.buf, 0, 0, 2, ' ', 0)
	t.row(header...)
	return t
}

// row adds one row.
func (t *table) row(cells ...string) {
	fmt.Fprintln(t.tw, strings.Join(cells, "\t"))
}

// flush aligns the rows and writes them.
func (t *table) flush() error {
	if err := t.tw.Flush(); err != nil {
		return err
	}
	var out strings.Builder
	for _, line := range strings.Split(strings.TrimSuffix(t.buf.String(), "\n"), "\n") {
		out.WriteString(strings.TrimRight(line, " ") + "\n")
	}
	_, err := io.WriteString(t.out, out.String())
	return err
}

// writeJSONTo writes v as indented JSON.
func writeJSONTo(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
