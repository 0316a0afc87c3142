package admin

import (
	"context"
	"errors"
	"net/http"

	"github.com/go-sysconfig/sysconfig/runtime"
	"github.com/go-sysconfig/sysconfig/runtime/value"
)

// write saves updates as one change by g, with v's reason, and returns
// http.StatusSeeOther when it committed, else the status of the page that
// shows why in v.
func (h *handler) write(ctx context.Context, g Grant, v *sectionView, updates []runtime.Update) int {
	if len(updates) == 0 {
		return http.StatusSeeOther
	}
	ctx = runtime.WithChangeInfo(ctx, runtime.ChangeInfo{Actor: g.Actor, Reason: v.Reason, Source: runtime.FromAdmin})
	err := h.client.SetMany(ctx, updates...)
	if err == nil {
		return http.StatusSeeOther
	}
	var (
		conflict *runtime.ConflictError
		invalid  *runtime.ValidationError
		pinned   *runtime.PinnedError
	)
	switch f := v.field(pathOf(err)); {
	case errors.As(err, &conflict) && f != nil:
		if t, ok := h.theirs(ctx, f); ok {
			f.Theirs = t
		}
		return http.StatusConflict
	case errors.As(err, &invalid) && f != nil:
		f.Errors = append(f.Errors, invalid.Problems...)
		return http.StatusUnprocessableEntity
	case errors.As(err, &pinned) && f != nil:
		f.Errors = append(f.Errors, "Pinned by "+pinned.Variable+" in this process: it cannot be changed here.")
		return http.StatusForbidden
	case errors.Is(err, runtime.ErrOutcomeUnknown):
		v.Problem = "The store stopped answering: the change may or may not have been saved. Reload the page to see."
	case errors.Is(err, runtime.ErrInvalid):
		v.Problem = "The change was refused: " + err.Error()
		return http.StatusUnprocessableEntity
	default:
		v.Problem = "Nothing was saved: the configuration store cannot be reached. Try again shortly."
	}
	h.log.Error("admin: saving a section", "section", v.Name, "err", err)
	return http.StatusServiceUnavailable
}

// pathOf returns the path a write error names, or "".
func pathOf(err error) string {
	var (
		conflict *runtime.ConflictError
		invalid  *runtime.ValidationError
		pinned   *runtime.PinnedError
	)
	switch {
	case errors.As(err, &conflict):
		return conflict.Path
	case errors.As(err, &invalid):
		return invalid.Path
	case errors.As(err, &pinned):
		return pinned.Path
	}
	return ""
}

// field returns the field of v at path, or nil.
func (v *sectionView) field(path string) *fieldView {
	for i := range v.Fields {
		if v.Fields[i].Path == path {
			return &v.Fields[i]
		}
	}
	return nil
}

// theirs reports whether f was written after the form showed it at
// f.Version, and if so what was written, by whom; it moves f to that
// version, so that saving again writes the user's value over theirs.
func (h *handler) theirs(ctx context.Context, f *fieldView) (*theirs, bool) {
	last, err := h.client.History(ctx, f.Path, 1)
	if err != nil || len(last) == 0 || last[0].Version == f.Version {
		return nil, false
	}
	e := last[0]
	d, _ := h.client.Schema().Field(f.Path)
	t := &theirs{Default: !e.Set, Version: e.Version, Actor: e.Actor, Secret: d.Kind() == value.KindSecret}
	f.Version, f.Was = e.Version, setText(e.Set)
	if !t.Secret {
		t.Text = storedFormText(d, e.Set, e.Value)
		f.Was = t.Text
	}
	return t, true
}

// storedFormText returns a stored value of d as its control shows it: its
// default when set is false.
func storedFormText(d runtime.Descriptor, set bool, text string) string {
	if !set {
		text = d.DefaultText()
	}
	v, err := value.ParseStored(d.Kind(), text)
	if err != nil {
		return text
	}
	return formText(d.Kind(), v)
}
