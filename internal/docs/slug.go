package docs

import (
	"strconv"
	"strings"
	"unicode"
)

// slugger computes heading anchors the way GitHub does, so that links in
// the table of contents work when the file is viewed there: lower-cased
// letters, digits, hyphens and underscores are kept, spaces become
// hyphens, everything else is dropped, and a repeated anchor gets "-1",
// "-2"... in document order. It maps every anchor handed out to the
// number of times its base text has been repeated.
type slugger map[string]int

// slug returns the anchor of the next heading, whose plain text is title.
func (s slugger) slug(title string) string {
	base := slugText(title)
	anchor := base
	for {
		if _, taken := s[anchor]; !taken {
			break
		}
		s[base]++
		anchor = base + "-" + strconv.Itoa(s[base])
	}
	s[anchor] = 0
	return anchor
}

// slugText converts a heading's text to its anchor before de-duplication.
func slugText(title string) string {
	keep := func(r rune) rune {
		switch {
		case r == ' ':
			return '-'
		case r == '-' || r == '_' || unicode.In(r, unicode.L, unicode.M, unicode.N):
			return unicode.ToLower(r)
		}
		return -1
	}
	return strings.Map(keep, title)
}
