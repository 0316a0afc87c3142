package lint

import (
	"strings"
	"testing"
)

func TestParseSeverity(t *testing.T) {
	for _, s := range []Severity{Off, Warning, Error} {
		if got, err := ParseSeverity(s.String()); got != s || err != nil {
			t.Errorf("ParseSeverity(%q) = %v, %v", s, got, err)
		}
	}
	if _, err := ParseSeverity("warn"); err == nil || !strings.Contains(err.Error(), `not "warn"`) {
		t.Errorf("ParseSeverity(warn): %v", err)
	}
}

func TestConfigSeverity(t *testing.T) {
	r := Rules()[0]
	if got := Config(nil).Severity(r); got != r.Default {
		t.Errorf("nil Config: %v, want the default %v", got, r.Default)
	}
	if got := (Config{r.ID: Error}).Severity(r); got != Error {
		t.Errorf("Config: %v, want error", got)
	}
}

func TestSetFlag(t *testing.T) {
	c := Config{}
	if err := c.SetFlag("naming=error"); err != nil || c["naming"] != Error {
		t.Fatalf("SetFlag: %v, config %v", err, c)
	}
	for arg, want := range map[string]string{
		"naming":          "-rule naming: write the rule and its severity as NAME=off|warning|error",
		"naming=loud":     `-rule naming=loud: severity must be off, warning or error, not "loud"`,
		"nameing=warning": `-rule nameing=warning: unknown rule "nameing"; known rules: description-required, label-length, `,
	} {
		if err := c.SetFlag(arg); err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("SetFlag(%q): %v\nwant an error starting %q", arg, err, want)
		}
	}
}

func TestConfigParse(t *testing.T) {
	c := Config{"naming": Error}
	src := "# lint settings\nrules:\n  description-required: off\n  numeric-bounds: error\n"
	if err := c.Parse("lint.yaml", []byte(src)); err != nil {
		t.Fatal(err)
	}
	want := Config{"naming": Error, "description-required": Off, "numeric-bounds": Error}
	if len(c) != len(want) || c["description-required"] != Off || c["numeric-bounds"] != Error {
		t.Errorf("config %v, want %v", c, want)
	}
	for _, empty := range []string{"", "rules:\n", "rules: {}\n"} {
		if err := (Config{}).Parse("lint.yaml", []byte(empty)); err != nil {
			t.Errorf("Parse(%q): %v", empty, err)
		}
	}
}

func TestConfigParseErrors(t *testing.T) {
	for src, want := range map[string]string{
		"rule:\n  naming: off\n": `lint.yaml:1:1: unknown key "rule"; the config file holds only "rules"`,
		"rules:\n  naming: loud\n  nameing: off\n": "lint.yaml:2:11: rule naming: severity must be off, warning or error\n" +
			`lint.yaml:3:3: unknown rule "nameing"; known rules: description-required, label-length, ` +
			"secret-not-required, numeric-bounds, naming, deprecated-without-note",
		"rules: [naming]\n":         `lint.yaml:1:8: rules must be a mapping, as in "rules: {numeric-bounds: error}"`,
		"- rules\n":                 "lint.yaml:1:1: the config file must be a mapping",
		"rules:\n  naming: [off]\n": "lint.yaml:2:11: rule naming: severity must be",
		"rules: {naming: off\n":     "lint.yaml: yaml: line 1:",
	} {
		err := (Config{}).Parse("lint.yaml", []byte(src))
		if err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("Parse(%q): %v\nwant an error starting %q", src, err, want)
		}
	}
}
