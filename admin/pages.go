package admin

import (
	"context"
	"net/http"
	"strings"

	"github.com/go-sysconfig/sysconfig/runtime"
)

// sectionView is a section's form.
type sectionView struct {
	Name, Label, Description string
	Fields                   []fieldView
	Editable                 bool   // some field can be saved
	Saved                    bool   // the last save went through
	Problem                  string // what kept the whole save from going through
	Reason                   string
	ReasonError              string
}

// summary is one section on the overview.
type summary struct {
	Name, Label, Description string
	Fields, Changed          int
}

// match is one field found by a search.
type match struct {
	Section, Path, Label, Description string
}

// overviewView is the overview page.
type overviewView struct {
	Query    string
	Sections []summary
	Matches  []match
}

// visible returns the fields of sec that g may see, with their values.
func (h *handler) visible(ctx context.Context, sec *runtime.Section, g Grant) ([]fieldView, error) {
	values, err := h.client.Section(ctx, sec.Name())
	if err != nil {
		return nil, err
	}
	var fields []fieldView
	for i, d := range sec.Fields() {
		if a := g.Access(d.Path()); a > NoAccess {
			fields = append(fields, newField(d, values[i], a))
		}
	}
	return fields, nil
}

// overview serves the list of sections and the search.
func (h *handler) overview(w http.ResponseWriter, r *http.Request, g Grant) {
	v := overviewView{Query: r.URL.Query().Get("q")}
	for _, sec := range h.client.Schema().Sections() {
		fields, err := h.visible(r.Context(), sec, g)
		if err != nil {
			h.unavailable(w, r, err)
			return
		}
		if len(fields) == 0 {
			continue
		}
		v.Sections = append(v.Sections, summarize(sec, fields))
		v.Matches = append(v.Matches, search(sec, fields, v.Query)...)
	}
	h.render(w, http.StatusOK, "overview", newPage(r, g.Actor, "Configuration", v))
}

// summarize counts the fields of sec and those changed from their defaults.
func summarize(sec *runtime.Section, fields []fieldView) summary {
	s := summary{Name: sec.Name(), Label: sec.Label(), Description: sec.Description(), Fields: len(fields)}
	for _, f := range fields {
		if f.Changed {
			s.Changed++
		}
	}
	return s
}

// search returns the fields whose path, label or description contain q,
// ignoring case; none when q is empty.
func search(sec *runtime.Section, fields []fieldView, q string) []match {
	q = strings.ToLower(strings.TrimSpace(q))
	if q == "" {
		return nil
	}
	var found []match
	for _, f := range fields {
		text := strings.ToLower(f.Path + "\n" + f.Label + "\n" + f.Description)
		if strings.Contains(text, q) {
			found = append(found, match{sec.Name(), f.Path, f.Label, f.Description})
		}
	}
	return found
}

// section returns the section named name if g may see a field of it.
func (h *handler) section(name string, g Grant) (*runtime.Section, bool) {
	for _, sec := range h.client.Schema().Sections() {
		if sec.Name() != name {
			continue
		}
		for _, d := range sec.Fields() {
			if g.Access(d.Path()) > NoAccess {
				return sec, true
			}
		}
	}
	return nil, false
}

// sectionPage serves a section's form.
func (h *handler) sectionPage(w http.ResponseWriter, r *http.Request, g Grant) {
	sec, ok := h.section(r.PathValue("section"), g)
	if !ok {
		h.notFound(w, r, g)
		return
	}
	fields, err := h.visible(r.Context(), sec, g)
	if err != nil {
		h.unavailable(w, r, err)
		return
	}
	v := newSectionView(sec, fields)
	v.Saved = r.URL.Query().Get("saved") == "1"
	h.render(w, http.StatusOK, "section", newPage(r, g.Actor, sec.Label(), v))
}

// newSectionView returns the form of sec showing fields.
func newSectionView(sec *runtime.Section, fields []fieldView) *sectionView {
	v := &sectionView{Name: sec.Name(), Label: sec.Label(), Description: sec.Description(), Fields: fields}
	for _, f := range fields {
		v.Editable = v.Editable || f.Editable
	}
	return v
}

// unavailable answers a request the client could not serve, logging why.
func (h *handler) unavailable(w http.ResponseWriter, r *http.Request, err error) {
	h.log.Error("admin: reading configuration", "path", r.URL.Path, "err", err)
	h.fail(w, r, http.StatusServiceUnavailable, "The configuration cannot be read right now. Try again shortly.")
}
