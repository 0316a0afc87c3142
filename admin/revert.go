package admin

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"github.com/go-sysconfig/sysconfig/runtime"
)

// confirmView asks to confirm a revert, and says why one failed.
type confirmView struct {
	Path    string // the path to put back, with Version
	Version int64
	Change  *changeView // or the change set to undo
	Force   []string    // paths written since, to write over
	Reason  string
	Problem string
}

// confirmRevert serves the confirmation of a revert: ?path=&version= puts
// a field back to the value it held at a version, ?change= undoes a change
// set. Nothing is changed until the form is posted.
func (h *handler) confirmRevert(w http.ResponseWriter, r *http.Request, g Grant) {
	v, status := h.revertOf(r, r.URL.Query(), g)
	h.render(w, status, "confirm", newPage(r, g.Actor, "Revert", v))
}

// revert performs the revert the confirmation page posts.
func (h *handler) revert(w http.ResponseWriter, r *http.Request, g Grant) {
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	if err := r.ParseForm(); err != nil {
		h.fail(w, r, http.StatusRequestEntityTooLarge, "The form is too large or malformed.")
		return
	}
	v, status := h.revertOf(r, r.PostForm, g)
	if status != http.StatusOK {
		h.render(w, status, "confirm", newPage(r, g.Actor, "Revert", v))
		return
	}
	v.Reason = formValue(r.PostForm, "reason")
	ctx := runtime.WithChangeInfo(r.Context(), runtime.ChangeInfo{Actor: g.Actor, Reason: v.Reason, Source: runtime.FromAdmin})
	var err error
	if v.Change != nil {
		_, err = h.client.RevertChange(ctx, v.Change.ID, r.PostForm["force"]...)
	} else {
		_, err = h.client.RevertPath(ctx, v.Path, v.Version)
	}
	if err == nil {
		w.Header().Set("Location", "history")
		w.WriteHeader(http.StatusSeeOther)
		return
	}
	status = h.revertFailed(v, err)
	h.render(w, status, "confirm", newPage(r, g.Actor, "Revert", v))
}

// revertOf reads what q asks to revert and checks that g may, returning the
// status of the page (http.StatusOK when it may go ahead).
func (h *handler) revertOf(r *http.Request, q url.Values, g Grant) (*confirmView, int) {
	v := &confirmView{Path: q.Get("path")}
	if id := q.Get("change"); id != "" {
		return h.changeRevert(r, v, id, g)
	}
	version, err := strconv.ParseInt(q.Get("version"), 10, 64)
	if err != nil || version < 1 || !h.visiblePath(v.Path, g) {
		v.Problem = "There is no such field or version."
		return v, http.StatusNotFound
	}
	v.Version = version
	if g.Access(v.Path) < Edit {
		v.Problem = "You may not change this field."
		return v, http.StatusForbidden
	}
	return v, http.StatusOK
}

// changeRevert fills v with the change set id, checking that g may revert it.
func (h *handler) changeRevert(r *http.Request, v *confirmView, id string, g Grant) (*confirmView, int) {
	v.Path = ""
	sets, err := h.client.Changes(r.Context(), runtime.ChangeQuery{ID: id, Limit: 1})
	if err != nil || len(sets) == 0 {
		v.Problem = "There is no such change."
		return v, http.StatusNotFound
	}
	c, ok := h.changeOf(sets[0], g, "")
	if !ok {
		v.Problem = "There is no such change."
		return v, http.StatusNotFound
	}
	v.Change = &c
	if !c.CanRevert {
		v.Problem = "You may not change every field this change wrote."
		return v, http.StatusForbidden
	}
	return v, http.StatusOK
}

// revertFailed says in v why a revert failed and returns the status.
func (h *handler) revertFailed(v *confirmView, err error) int {
	var since *runtime.ChangedSinceError
	switch {
	case errors.As(err, &since):
		v.Force = since.Paths
		v.Problem = "Some fields this change wrote have been changed since. Revert anyway to put them back too."
		return http.StatusConflict
	case errors.Is(err, runtime.ErrConflict):
		v.Problem = "The field changed while the revert was made; nothing was written. Try again."
		return http.StatusConflict
	case errors.Is(err, runtime.ErrInvalid):
		v.Problem = "Nothing was written: " + err.Error()
		return http.StatusUnprocessableEntity
	case errors.Is(err, runtime.ErrSecret):
		v.Problem = "Nothing was written: a secret it would restore cannot be decrypted with the current keys."
		return http.StatusUnprocessableEntity
	}
	h.log.Error("admin: reverting", "err", err)
	v.Problem = "Nothing was written: the configuration store cannot be reached. Try again shortly."
	return http.StatusServiceUnavailable
}
