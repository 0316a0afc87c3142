package admin

import (
	"bytes"
	"embed"
	"html/template"
	"net/http"
	"strings"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static/admin.css
var stylesheet []byte

// templates are the pages; each defines its own name and uses "head" and
// "foot".
var templates = template.Must(template.New("").ParseFS(templateFS, "templates/*.html"))

// page is what every template receives.
type page struct {
	// Root is the relative URL of the handler's root from the request's
	// path ("./", "../", ...), so that links work under any prefix.
	Root  string
	Title string
	Actor string
	Body  any
}

// newPage returns the page for r, titled title, showing body.
func newPage(r *http.Request, actor, title string, body any) page {
	return page{Root: rootOf(r.URL.Path), Title: title, Actor: actor, Body: body}
}

// rootOf returns the relative URL of the root from path, a path the
// handler serves ("/", "/s/site").
func rootOf(path string) string {
	depth := strings.Count(path, "/") - 1
	if depth <= 0 {
		return "./"
	}
	return strings.Repeat("../", depth)
}

// render writes the template name with p, or a bare 500 if it fails.
func (h *handler) render(w http.ResponseWriter, status int, name string, p page) {
	var buf bytes.Buffer
	if err := templates.ExecuteTemplate(&buf, name, p); err != nil {
		h.log.Error("admin: rendering a page", "page", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// fail writes the error page with status and message, which must not hold a
// value.
func (h *handler) fail(w http.ResponseWriter, r *http.Request, status int, message string) {
	h.render(w, status, "error", newPage(r, "", http.StatusText(status), message))
}

// notFound serves every path no other route serves.
func (h *handler) notFound(w http.ResponseWriter, r *http.Request, _ Grant) {
	h.fail(w, r, http.StatusNotFound, "There is no such page.")
}

// serveCSS serves the stylesheet.
func serveCSS(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	_, _ = w.Write(stylesheet)
}
