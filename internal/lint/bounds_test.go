package lint

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/go-sysconfig/sysconfig/schema"
)

// hintRE splits a numeric-bounds message into its range's bounds and the
// validators suggested after it.
var hintRE = regexp.MustCompile(`bound it with range: \{min: (\S+), max: (\S+)\}(.*) or one_of( \(port for port numbers\))?$`)

// TestNumericBoundsAcceptDefaults checks, for defaults of every numeric
// kind, the range suggested and that every suggestion accepts the default:
// the schema, with the suggested validator added, still loads.
func TestNumericBoundsAcceptDefaults(t *testing.T) {
	tests := []struct {
		kind, def string
		min, max  string
		plain     string // the validators suggested besides range and one_of
	}{
		{"int", "", "1", "100", ", positive, non_negative (port)"},
		{"int", "0", "0", "100", ", non_negative"},
		{"int", "1", "1", "100", ", positive, non_negative (port)"},
		{"int", "-5", "-100", "100", ""},
		{"int", "-1000", "-1000", "100", ""},
		{"int", "5000", "1", "10000", ", positive, non_negative (port)"},
		{"int", "70000", "1", "100000", ", positive, non_negative"},
		{"int", "9223372036854775807", "1", "9223372036854775807", ", positive, non_negative"},
		{"int", "-9223372036854775808", "-9223372036854775808", "100", ""},
		{"float", "0.5", "0", "100", ", positive, non_negative"},
		{"float", "0", "0", "100", ", non_negative"},
		{"float", "-0.25", "-100", "100", ""},
		{"float", "1e300", "1", "1e+300", ", positive, non_negative"},
		{"float", "1.7e308", "1", "1.7e+308", ", positive, non_negative"},
		{"float", "-1.7e308", "-1.7e+308", "100", ""},
		{"decimal", `"0.05"`, "0", "100", ", positive, non_negative"},
		{"decimal", `"0"`, "0", "100", ", non_negative"},
		{"decimal", `"-19.99"`, "-100", "100", ""},
		{"decimal", `"123456789.50"`, "1", "1000000000", ", positive, non_negative"},
		{"duration", "", "1s", "1h", ", positive, non_negative"},
		{"duration", "0s", "0s", "1h", ", non_negative"},
		{"duration", "500ms", "0s", "1h", ", positive, non_negative"},
		{"duration", "-30s", "-1h", "1h", ""},
		{"duration", "90h", "1s", "100h", ", positive, non_negative"},
		{"duration", "2562047h", "1s", "2562047h", ", positive, non_negative"},
		{"duration", "2562047h47m16.854775807s", "1s", "2562047h47m16.854775807s", ", positive, non_negative"},
	}
	for _, tt := range tests {
		t.Run(tt.kind+" "+tt.def, func(t *testing.T) {
			field := "{type: " + tt.kind
			if tt.def != "" {
				field += ", default: " + tt.def
			}
			got := Run(parse(t, site("      f: "+field+"}\n")), only("numeric-bounds"))
			if len(got) != 1 {
				t.Fatalf("findings: %v", got)
			}
			m := hintRE.FindStringSubmatch(got[0].Msg)
			if m == nil {
				t.Fatalf("message %q has no range", got[0].Msg)
			}
			plain := m[3] + strings.ReplaceAll(m[4], " for port numbers", "")
			if m[1] != tt.min || m[2] != tt.max || plain != tt.plain {
				t.Errorf("suggested min %s, max %s, %q; want %s, %s, %q", m[1], m[2], plain, tt.min, tt.max, tt.plain)
			}
			suggested := []string{fmt.Sprintf("{range: {min: %s, max: %s}}", m[1], m[2])}
			names := strings.FieldsFunc(plain, func(r rune) bool { return strings.ContainsRune(", ()", r) })
			suggested = append(suggested, names...)
			for _, v := range suggested {
				src := site("      f: " + field + ", validators: [" + v + "]}\n")
				if _, err := schema.Parse("schema.yaml", []byte(src)); err != nil {
					t.Errorf("following the suggestion %s fails to load:\n%v", v, err)
				}
			}
		})
	}
}
