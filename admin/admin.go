package admin

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/go-sysconfig/sysconfig/runtime"
)

// Access is what a grant allows on one field.
type Access uint8

// The accesses, each allowing what the one before allows.
const (
	NoAccess Access = iota // the field is left out of every page
	View                   // the field is shown, its history too
	Edit                   // the field can be saved and reverted
)

// Grant is what Options.Authorize allows the user of one request.
type Grant struct {
	// Actor names the user; every change records it. It may not be empty.
	Actor string
	// Access says what the actor may do with the field at a path. Nil
	// allows nothing.
	Access func(path string) Access
}

// Everything returns an Access function that allows a on every field.
func Everything(a Access) func(path string) Access {
	return func(string) Access { return a }
}

// Options configure the handler New returns.
type Options struct {
	// Authorize identifies the user of a request and says what they may
	// do; it is required. An error refuses the request with 403 Forbidden
	// (and is logged, so it should not contain credentials).
	Authorize func(r *http.Request) (Grant, error)
	// ReadOnly caps every grant at View: nothing can be saved or reverted.
	ReadOnly bool
	// Logger receives backend failures and refused authorizations, never a
	// value. Nil means slog.Default().
	Logger *slog.Logger
}

// ErrNoAuthorize is returned by New when Options.Authorize is nil.
var ErrNoAuthorize = errors.New("admin: Options.Authorize is required (there is no anonymous default)")

// maxBody bounds a form post: every field of a section at its largest.
const maxBody = 8 << 20

// handler serves the pages of one client.
type handler struct {
	client *runtime.Client
	opts   Options
	log    *slog.Logger
}

// route is one pattern of the handler's mux and what serves it.
type route struct {
	pattern string
	serve   func(h *handler, w http.ResponseWriter, r *http.Request, g Grant)
}

// routes are every pattern the handler serves, besides the stylesheet.
var routes = []route{
	{"GET /{$}", (*handler).overview},
	{"GET /s/{section}", (*handler).sectionPage},
	{"POST /s/{section}", (*handler).save},
	{"GET /history", (*handler).history},
	{"GET /history/{path}", (*handler).history},
	{"GET /revert", (*handler).confirmRevert},
	{"POST /revert", (*handler).revert},
	{"/", (*handler).notFound},
}

// New returns the admin page of client. Mount it with http.StripPrefix (see
// the package documentation). It fails without Options.Authorize.
func New(client *runtime.Client, opts Options) (http.Handler, error) {
	if opts.Authorize == nil {
		return nil, ErrNoAuthorize
	}
	if client == nil {
		return nil, errors.New("admin: client is nil")
	}
	h := &handler{client: client, opts: opts, log: opts.Logger}
	if h.log == nil {
		h.log = slog.Default()
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /static/admin.css", serveCSS)
	for _, rt := range routes {
		mux.Handle(rt.pattern, h.authorized(rt.serve))
	}
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.fail(w, r, http.StatusForbidden, "Cross-origin requests cannot change anything here.")
	}))
	return secure(cop.Handler(mux)), nil
}

// authorized asks Options.Authorize about the request and serves it with
// the grant, capped by ReadOnly, or refuses it.
func (h *handler) authorized(serve func(*handler, http.ResponseWriter, *http.Request, Grant)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		g, err := h.opts.Authorize(r)
		if err == nil && g.Actor == "" {
			err = errors.New("the grant names no actor")
		}
		if err != nil {
			h.log.Warn("admin: request refused", "method", r.Method, "path", r.URL.Path, "err", err)
			h.fail(w, r, http.StatusForbidden, "You are not allowed to use this page.")
			return
		}
		serve(h, w, r, h.capped(g))
	})
}

// capped returns g with its access capped at View in read-only mode, and
// NoAccess everywhere when it has no Access function.
func (h *handler) capped(g Grant) Grant {
	inner := g.Access
	if inner == nil {
		inner = Everything(NoAccess)
	}
	g.Access = func(path string) Access {
		a := inner(path)
		if h.opts.ReadOnly && a > View {
			return View
		}
		return a
	}
	return g
}

// securityHeaders are set on every response.
var securityHeaders = map[string]string{
	"Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
	"X-Frame-Options":         "DENY",
	"X-Content-Type-Options":  "nosniff",
	"Referrer-Policy":         "no-referrer",
	"Cache-Control":           "no-store",
}

// secure sets the security headers on every response of next, error pages
// included.
func secure(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for k, v := range securityHeaders {
			w.Header().Set(k, v)
		}
		next.ServeHTTP(w, r)
	})
}
