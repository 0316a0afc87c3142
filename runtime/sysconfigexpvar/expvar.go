// Package sysconfigexpvar publishes a sysconfig client's figures through
// the standard library's expvar, for apps that serve /debug/vars or read
// it with a tool of their choice. It is a package of its own because
// importing expvar registers /debug/vars on http.DefaultServeMux: only
// apps that import this package get that.
//
// The variable's value is read when /debug/vars is served (or
// expvar.Get(name).String() is called): the client's [runtime.Stats], as
// a JSON object of the metric names of [runtime.Stats.Metrics] to their
// values, with the app's name under "app":
//
//	{"app": "shop", "sysconfig_cache_hits_total": 1200, "sysconfig_snapshot_age_seconds": 0.4, ...}
package sysconfigexpvar

import (
	"expvar"

	"github.com/go-sysconfig/sysconfig/runtime"
)

// Var returns an expvar.Var whose value is c's figures, read afresh each
// time the variable is.
func Var(c *runtime.Client) expvar.Var {
	return expvar.Func(func() any { return Values(c.Stats()) })
}

// Publish publishes Var(c) under name. Like expvar.Publish, it panics if
// the name is already in use: publish each client once, under a name of
// its own (such as "sysconfig_" plus the app).
func Publish(name string, c *runtime.Client) { expvar.Publish(name, Var(c)) }

// Values returns s as the variable shows it: each metric's name mapped to
// its value, and "app" to s.App.
func Values(s runtime.Stats) map[string]any {
	ms := s.Metrics()
	v := make(map[string]any, len(ms)+1)
	v["app"] = s.App
	for _, m := range ms {
		v[m.Name] = m.Value
	}
	return v
}
