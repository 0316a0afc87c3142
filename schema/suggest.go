package schema

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// snakeRE matches the names of apps, sections and fields.
var snakeRE = regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)

// isSnake reports whether name is a valid snake_case name.
func isSnake(name string) bool { return snakeRE.MatchString(name) }

// didYouMean returns `; did you mean "x"?` for the candidate closest to
// word, or "" when none is close enough to be a likely typo (see closest).
func didYouMean(word string, candidates []string) string {
	if c, ok := closest(word, candidates); ok {
		return fmt.Sprintf("; did you mean %q?", c)
	}
	return ""
}

// closest returns the candidate that word is most likely a typo of. A
// candidate qualifies when one of the two starts or ends with the other
// ("max_len" → "max_length", "integer" → "int", "list" → "string_list"),
// or else when few edits turn word into it (see maxTypo). Among qualifying
// candidates, containment beats edits, then the fewest edits win.
func closest(word string, candidates []string) (string, bool) {
	w := strings.ToLower(word)
	best, bestScore := "", -1
	for _, c := range candidates {
		score := editDistance(w, c)
		switch {
		case contained(w, c):
		case score <= maxTypo(w):
			score += 1000 // ranks after every containment match
		default:
			continue
		}
		if bestScore < 0 || score < bestScore {
			best, bestScore = c, score
		}
	}
	return best, bestScore >= 0
}

// contained reports whether one of w and c starts or ends with the other,
// both being at least three characters long.
func contained(w, c string) bool {
	if len(w) < 3 || len(c) < 3 {
		return false
	}
	return strings.HasPrefix(c, w) || strings.HasPrefix(w, c) || strings.HasSuffix(c, w) || strings.HasSuffix(w, c)
}

// maxTypo is the largest edit distance still considered a typo of word.
func maxTypo(word string) int {
	switch n := utf8.RuneCountInString(word); {
	case n <= 3:
		return 1
	case n <= 8:
		return 2
	}
	return 3
}

// editDistance returns the optimal string alignment distance between a and
// b: the number of rune insertions, deletions, substitutions and swaps of
// adjacent runes that turn a into b ("lable" → "label" is one swap).
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			d[i][j] = alignCost(d, ra, rb, i, j)
		}
	}
	return d[len(ra)][len(rb)]
}

// alignCost computes cell (i, j) of editDistance's table.
func alignCost(d [][]int, ra, rb []rune, i, j int) int {
	cost := 1
	if ra[i-1] == rb[j-1] {
		cost = 0
	}
	c := min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
	if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
		c = min(c, d[i-2][j-2]+1)
	}
	return c
}

// snakeHint tells how to fix a name that is not snake_case, suggesting a
// converted name when one can be derived: "maxItems" → "max_items".
func snakeHint(name string) string {
	if s := toSnake(name); isSnake(s) {
		return fmt.Sprintf("use snake_case such as %q", s)
	}
	return "use snake_case: lower-case letters, digits and single underscores, starting with a letter"
}

// toSnake converts a name in another case to snake_case as well as it can:
// "maxItems" → "max_items", "API-Key" → "api_key", "__a__b" → "a_b".
func toSnake(name string) string {
	var b strings.Builder
	rs := []rune(name)
	for i, r := range rs {
		if i > 0 && startsWord(rs, i) {
			b.WriteRune('_')
		}
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToLower(r))
		} else {
			b.WriteRune('_')
		}
	}
	parts := strings.FieldsFunc(b.String(), func(r rune) bool { return r == '_' })
	return strings.Join(parts, "_")
}

// startsWord reports whether rs[i] starts a new camelCase word: an upper
// case letter after a lower case one or a digit ("maxItems"), or the last
// capital of an acronym that is followed by lower case ("APIKey").
func startsWord(rs []rune, i int) bool {
	if !unicode.IsUpper(rs[i]) {
		return false
	}
	prev := rs[i-1]
	if unicode.IsLower(prev) || unicode.IsDigit(prev) {
		return true
	}
	return unicode.IsUpper(prev) && i+1 < len(rs) && unicode.IsLower(rs[i+1])
}

// quoteList formats words as "a", "b" and "c" for messages.
func quoteList(words []string) string {
	q := make([]string, len(words))
	for i, w := range words {
		q[i] = fmt.Sprintf("%q", w)
	}
	return strings.Join(q, ", ")
}

// maxQuote is how many characters of a value a message quotes.
const maxQuote = 40

// quoteShort quotes s for a message, cut to maxQuote characters: values in
// a schema file are not secret (secrets have no default), but a message
// must stay short whatever the value.
func quoteShort(s string) string {
	if r := []rune(s); len(r) > maxQuote {
		return strconv.Quote(string(r[:maxQuote])) + "…"
	}
	return strconv.Quote(s)
}
