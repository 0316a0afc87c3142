package lint

import (
	"fmt"
	"strings"

	"github.com/go-sysconfig/sysconfig/runtime/value"

	"github.com/go-sysconfig/sysconfig/schema"
)

// boolPrefixes are the prefixes that make a bool field's name a question
// or a command rather than a state.
var boolPrefixes = []string{"is_", "enable_"}

// sectionNaming checks a section's name against the app's.
func sectionNaming(app string, sec *schema.Section) []string {
	out := repeats("section "+sec.Name, "app", app, sec.Name, "")
	return append(out, tooLong("section "+sec.Name, sec.Name)...)
}

// fieldNaming checks a field's name against its section's, its length,
// and the phrasing of bools.
func fieldNaming(f *schema.Field) []string {
	what, sec := "field "+fieldName(f), f.Section.Name
	out := repeats(what, "section", sec, f.Name, sec+".")
	out = append(out, tooLong(what, f.Name)...)
	return append(out, boolPhrasing(f)...)
}

// repeats reports a name that starts with its container's name, as in
// site.site_title; the path already says it. qualifier prefixes the
// suggested name in the message.
func repeats(what, container, containerName, name, qualifier string) []string {
	rest, ok := strings.CutPrefix(name, containerName+"_")
	if !ok {
		return nil
	}
	return []string{fmt.Sprintf("%s repeats its %s's name; %s", what, container, renameTo(qualifier, rest))}
}

// tooLong reports a name longer than maxLen.
func tooLong(what, name string) []string {
	return report(len(name) > maxLen, "name of %s is %d characters long; keep names to %d: "+
		"operators type them in paths", what, len(name), maxLen)
}

// boolPhrasing reports a bool field named as a question (is_open) or a
// command (enable_signup) rather than as a state (open, signup).
func boolPhrasing(f *schema.Field) []string {
	if f.Kind != value.KindBool {
		return nil
	}
	for _, p := range boolPrefixes {
		if rest, ok := strings.CutPrefix(f.Name, p); ok {
			return []string{fmt.Sprintf("bool field %s starts with %q; name the state it holds instead: %s",
				fieldName(f), p, renameTo(f.Section.Name+".", rest))}
		}
	}
	return nil
}

// renameTo suggests a new name, reminding that stored values stay behind.
// A rest that is not a valid name on its own (it starts with a digit) gets
// no suggestion.
func renameTo(qualifier, rest string) string {
	advice := " (values stored under the old path are orphaned, so rename before release)"
	if rest[0] >= '0' && rest[0] <= '9' {
		return "rename it" + advice
	}
	return "rename it to " + qualifier + rest + advice
}
