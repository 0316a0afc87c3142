package schema

import (
	"errors"
	"strings"
	"testing"
)

func TestErrorList(t *testing.T) {
	var l ErrorList
	if l.Err() != nil {
		t.Fatal("Err of an empty list is not nil")
	}
	l.Add(Pos{File: "b.yaml", Line: 1, Col: 1}, "in b")
	l.Add(Pos{File: "a.yaml", Line: 2, Col: 5}, "second")
	l.Add(Pos{File: "a.yaml", Line: 2, Col: 1}, "first")
	l.Add(Pos{File: "a.yaml", Line: 2, Col: 5}, "second, added later")
	l.Add(Pos{File: "a.yaml", Line: 1}, "no column")
	l.Add(Pos{File: "a.yaml"}, "no line")
	l.Sort()
	want := strings.Join([]string{
		"a.yaml: no line",
		"a.yaml:1: no column",
		"a.yaml:2:1: first",
		"a.yaml:2:5: second",
		"a.yaml:2:5: second, added later",
		"b.yaml:1:1: in b",
	}, "\n")
	if got := l.Err().Error(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if l.Len() != 6 {
		t.Errorf("Len = %d", l.Len())
	}
}

func TestParseReturnsErrorList(t *testing.T) {
	s, err := Parse("x.yaml", []byte("app: Shop\nsections: []\n"))
	var list ErrorList
	if s != nil || !errors.As(err, &list) || len(list) != 2 {
		t.Fatalf("Parse = %v, %#v", s, err)
	}
	if list[0].Pos != (Pos{File: "x.yaml", Line: 1, Col: 6}) || list[1].Pos.Line != 2 {
		t.Errorf("positions %v, %v", list[0].Pos, list[1].Pos)
	}
}

func TestLoadMissingFile(t *testing.T) {
	if _, err := Load("testdata/does-not-exist.yaml"); err == nil {
		t.Fatal("no error")
	}
}

func TestAliasesAndMergeKeys(t *testing.T) {
	src := `app: shop
sections:
  site:
    fields:
      theme: {type: select, choices: &themes [light, dark]}
      admin_theme: {type: select, choices: *themes, default: dark}
`
	s, err := Parse("s.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if f := s.Fields()[1]; len(f.Choices) != 2 || f.Default != "dark" {
		t.Errorf("aliased choices = %+v", f.Choices)
	}
	merge := `app: shop
sections:
  site:
    fields:
      a: &base {type: string}
      b:
        <<: *base
        label: B
`
	_, err = Parse("s.yaml", []byte(merge))
	want := "s.yaml:7:9: merge keys (<<) are not supported in field site.b; write the keys out"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("merge key: %v\nwant %s", err, want)
	}
}

func TestDidYouMean(t *testing.T) {
	keys := []string{"type", "label", "description", "default", "deprecated", "choices", "validators"}
	tests := []struct{ word, want string }{
		{"lable", "label"},
		{"descripton", "description"},
		{"Type", "type"},
		{"defualt", "default"},
		{"validator", "validators"},
		{"choice", "choices"},
		{"colour", ""},
		{"x", ""},
	}
	for _, tt := range tests {
		got, _ := closest(tt.word, keys)
		if got != tt.want {
			t.Errorf("closest(%q) = %q, want %q", tt.word, got, tt.want)
		}
	}
}
