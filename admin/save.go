package admin

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/go-sysconfig/sysconfig/runtime"
	"github.com/go-sysconfig/sysconfig/runtime/value"
)

// The names of a field's inputs are these prefixes and its path.
const (
	inValue   = "v:"
	inWas     = "was:"
	inVersion = "ver:"
	inReset   = "reset:"
	inAction  = "action:"
)

// save applies a section's form: the fields the user changed, all or
// nothing, each on condition that nobody changed it since the form was
// rendered.
func (h *handler) save(w http.ResponseWriter, r *http.Request, g Grant) {
	sec, ok := h.section(r.PathValue("section"), g)
	if !ok {
		h.notFound(w, r, g)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	if err := r.ParseForm(); err != nil {
		h.fail(w, r, http.StatusRequestEntityTooLarge, "The form is too large or malformed.")
		return
	}
	fields, err := h.visible(r.Context(), sec, g)
	if err != nil {
		h.unavailable(w, r, err)
		return
	}
	v := newSectionView(sec, fields)
	if !v.Editable {
		h.fail(w, r, http.StatusForbidden, "You may not change this section.")
		return
	}
	v.Reason = formValue(r.PostForm, "reason")
	status, updates := h.collect(r.Context(), sec, v, r.PostForm)
	if status == http.StatusOK {
		status = h.write(r.Context(), g, v, updates)
	}
	if status == http.StatusSeeOther {
		w.Header().Set("Location", url.PathEscape(sec.Name())+"?saved=1")
		w.WriteHeader(status)
		return
	}
	h.render(w, status, "section", newPage(r, g.Actor, sec.Label(), v))
}

// collect reads the form into v's fields and returns the updates of the
// fields the user changed, with the status of the page to show when a
// field has a problem (http.StatusOK when none has).
func (h *handler) collect(ctx context.Context, sec *runtime.Section, v *sectionView, form url.Values) (int, []runtime.Update) {
	status := http.StatusOK
	if len(v.Reason) > runtime.MaxReasonSize {
		v.ReasonError, status = "The reason is too long: at most 4096 bytes.", http.StatusUnprocessableEntity
	}
	var updates []runtime.Update
	for i := range v.Fields {
		f := &v.Fields[i]
		d, _ := h.client.Schema().Field(f.Path)
		u, changed, st := readField(d, f, form)
		if !changed || st != http.StatusOK {
			status = worse(status, st)
			continue
		}
		if t, ok := h.theirs(ctx, f); ok {
			status = worse(status, http.StatusConflict)
			f.Theirs = t
			continue
		}
		updates = append(updates, u)
	}
	return status, updates
}

// worse returns the status to show of two problems: a refusal before a
// conflict before an invalid value.
func worse(a, b int) int {
	rank := map[int]int{http.StatusOK: 0, http.StatusUnprocessableEntity: 1, http.StatusConflict: 2, http.StatusForbidden: 3, http.StatusBadRequest: 4}
	if rank[b] > rank[a] {
		return b
	}
	return a
}

// readField reads f's inputs from form into f and returns its update
// and whether the user changed it, with the status of its problem.
func readField(d runtime.Descriptor, f *fieldView, form url.Values) (runtime.Update, bool, int) {
	if _, sent := form[inVersion+f.Path]; !sent {
		return runtime.Update{}, false, http.StatusOK
	}
	version, err := strconv.ParseInt(form.Get(inVersion+f.Path), 10, 64)
	if err != nil || version < 0 {
		f.Errors = append(f.Errors, "The form is damaged: reload the page.")
		return runtime.Update{}, false, http.StatusBadRequest
	}
	f.Version, f.Was = version, formValue(form, inWas+f.Path)
	u, changed := typed(d, f, form)
	if !changed {
		return u, false, http.StatusOK
	}
	if f.Pinned != "" {
		f.Errors = append(f.Errors, "Pinned by "+f.Pinned+" in this process: it cannot be changed here.")
		return u, true, http.StatusForbidden
	}
	if !f.Editable {
		f.Errors = append(f.Errors, "You may not change this field.")
		return u, true, http.StatusForbidden
	}
	if problems := check(d, f, form); len(problems) > 0 {
		f.Errors = append(f.Errors, problems...)
		return u, true, http.StatusUnprocessableEntity
	}
	return u.IfVersion(version), true, http.StatusOK
}

// typed reads what the user asked of f from form, keeping it in f, and
// returns the update it makes and whether it changes anything.
func typed(d runtime.Descriptor, f *fieldView, form url.Values) (runtime.Update, bool) {
	if d.Kind() == value.KindSecret {
		f.Action = form.Get(inAction + f.Path)
		switch f.Action {
		case "replace":
			return runtime.AssignText(f.Path, form.Get(inValue+f.Path)), true
		case "clear":
			return runtime.Unassign(f.Path), f.Was != ""
		}
		f.Action = "leave"
		return runtime.Update{}, false
	}
	f.Text = formValue(form, inValue+f.Path)
	if d.Kind() == value.KindBool && f.Text == "" {
		f.Text = "false"
	}
	f.Reset = form.Get(inReset+f.Path) != ""
	if f.Reset {
		return runtime.Unassign(f.Path), true
	}
	return runtime.AssignText(f.Path, canonicalText(d.Kind(), f.Text)), f.Text != f.Was
}

// check returns the problems of the value f's form asks for; none for a
// reset. A secret's is read from form, since f never holds it.
func check(d runtime.Descriptor, f *fieldView, form url.Values) []string {
	if f.Reset || f.Action == "clear" {
		return nil
	}
	text := canonicalText(d.Kind(), f.Text)
	if f.Action == "replace" {
		text = form.Get(inValue + f.Path)
	}
	_, err := d.Parse(text)
	return problemsOf(err)
}

// problemsOf returns the messages of a validation error, which never quote
// the value, or of any other error.
func problemsOf(err error) []string {
	var ve *runtime.ValidationError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &ve):
		return ve.Problems
	}
	return []string{err.Error()}
}

// formValue returns the form's value of name with the line breaks a
// browser sends (CR LF) written as line feeds.
func formValue(form url.Values, name string) string {
	return strings.ReplaceAll(form.Get(name), "\r\n", "\n")
}
