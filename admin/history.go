package admin

import (
	"net/http"
	"strconv"
	"time"

	"github.com/go-sysconfig/sysconfig/runtime"
)

// historyLimit is how many change sets a history page shows.
const historyLimit = 50

// historyView is the app's history, or one field's.
type historyView struct {
	Path    string // the field's; empty for the app's
	Changes []changeView
	Older   int64 // the Before of the next page; 0 when there is none
}

// changeView is one change set as a user may see it.
type changeView struct {
	ID, Actor, Reason, Source, Reverts string
	At                                 time.Time
	Writes                             []writeView
	// Revealed are the secrets the change showed an operator in
	// plaintext (runtime.Client.RecordReveal) that the user may see.
	Revealed []string
	// CanRevert: the change wrote something, and the user may change
	// every path it wrote.
	CanRevert bool
}

// writeView is one write of a change set.
type writeView struct {
	Path, Old, New string
	Version        int64
	CanRevert      bool
}

// history serves the app's change sets, or those of the field at
// {path}, newest first, a page at a time (?before=).
func (h *handler) history(w http.ResponseWriter, r *http.Request, g Grant) {
	path := r.PathValue("path")
	if path != "" && !h.visiblePath(path, g) {
		h.notFound(w, r, g)
		return
	}
	before, _ := strconv.ParseInt(r.URL.Query().Get("before"), 10, 64)
	sets, err := h.client.Changes(r.Context(), runtime.ChangeQuery{Path: path, Before: before, Limit: historyLimit})
	if err != nil {
		h.unavailable(w, r, err)
		return
	}
	v := historyView{Path: path}
	for _, cs := range sets {
		if c, ok := h.changeOf(cs, g, path); ok {
			v.Changes = append(v.Changes, c)
		}
	}
	if len(sets) == historyLimit {
		v.Older = sets[len(sets)-1].Version
	}
	title := "History"
	if path != "" {
		title = "History of " + path
	}
	h.render(w, http.StatusOK, "history", newPage(r, g.Actor, title, v))
}

// visiblePath reports whether path is a field g may see.
func (h *handler) visiblePath(path string, g Grant) bool {
	return h.client.Exists(path) && g.Access(path) > NoAccess
}

// changeOf returns cs as g may see it, with only the writes and reveals
// of only (a path) when it is not empty; false when g may see none of
// them.
func (h *handler) changeOf(cs runtime.ChangeSet, g Grant, only string) (changeView, bool) {
	c := changeView{ID: cs.ID, Actor: cs.Actor, Reason: cs.Reason, Source: string(cs.Source),
		Reverts: cs.Reverts, At: cs.At, CanRevert: len(cs.Writes) > 0}
	if c.Source == "" {
		c.Source = string(runtime.FromAPI)
	}
	for _, a := range cs.Writes {
		p := a.New.Path
		edit := h.client.Exists(p) && g.Access(p) >= Edit
		c.CanRevert = c.CanRevert && edit
		if (only == "" || p == only) && h.visiblePath(p, g) {
			c.Writes = append(c.Writes, writeView{Path: p, Old: shown(a.Old), New: shown(a.New),
				Version: a.New.Version, CanRevert: edit})
		}
	}
	for _, p := range cs.Revealed {
		if (only == "" || p == only) && h.visiblePath(p, g) {
			c.Revealed = append(c.Revealed, p)
		}
	}
	return c, len(c.Writes) > 0 || len(c.Revealed) > 0
}

// shown returns a record's value as history shows it: its canonical text
// (secrets arrive redacted), or "(default)" when no override was stored.
func shown(rec runtime.Record) string {
	if !rec.Set {
		return "(default)"
	}
	return rec.Value
}
