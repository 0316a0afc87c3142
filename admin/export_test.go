package admin

// RoutePatterns are the patterns the handler's router serves, for the
// test that visits them all.
func RoutePatterns() []string {
	patterns := []string{"GET /static/admin.css"}
	for _, rt := range routes {
		patterns = append(patterns, rt.pattern)
	}
	return patterns
}
