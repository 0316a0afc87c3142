package emit

import (
	"time"

	"github.com/go-sysconfig/sysconfig/runtime/value"

	"github.com/go-sysconfig/sysconfig/schema"
	"github.com/shopspring/decimal"
)

// shopSchema builds, by hand, a schema using every kind, so that the
// emitters can be tested without the YAML loader.
func shopSchema() *schema.Schema {
	s := &schema.Schema{File: "schema.yaml", App: "shop"}
	site := addSection(s, "site", "Site", "Public-facing site settings.")
	addField(site, "title", value.KindString, func(f *schema.Field) {
		f.Label, f.Description = "Site title", "Shown in the browser tab."
		f.Default, f.HasDefault = "My Shop", true
		f.Validators = []schema.Validator{{Name: "required"}, {Name: "min_length", Args: value.Args{N: 3}}}
	})
	addField(site, "theme", value.KindSelect, func(f *schema.Field) {
		f.Choices = []schema.Choice{{Value: "light", Label: "Light theme"}, {Value: "dark", Label: "dark"}}
		f.Default, f.HasDefault = "dark", true
	})
	addField(site, "api_url", value.KindString, func(f *schema.Field) {
		f.Validators = []schema.Validator{{Name: "url", Args: value.Args{Schemes: []string{"https"}}}}
	})
	checkout := addSection(s, "checkout", "Checkout", "")
	addField(checkout, "max_items", value.KindInt, func(f *schema.Field) {
		f.Default, f.HasDefault = int64(50), true
		f.Validators = []schema.Validator{{Name: "range", Args: value.Args{Min: int64(1), Max: nil}}}
	})
	addField(checkout, "tax_rate", value.KindFloat, func(f *schema.Field) {
		f.Default = float64(3)
		f.Validators = []schema.Validator{{Name: "range", Args: value.Args{Min: float64(0), Max: 2.5}}}
	})
	addField(checkout, "min_order", value.KindDecimal, func(f *schema.Field) {
		f.Default = decimal.RequireFromString("9.99")
		f.Validators = []schema.Validator{{Name: "one_of", Args: value.Args{Values: []any{decimal.RequireFromString("0.01"), int64(5)}}}}
	})
	addField(checkout, "guest", value.KindBool, func(f *schema.Field) { f.Default = true })
	addField(checkout, "timeout", value.KindDuration, func(f *schema.Field) {
		f.Default = 90 * time.Second
		f.Validators = []schema.Validator{{Name: "range", Args: value.Args{Min: time.Duration(0), Max: time.Hour}}}
	})
	addField(checkout, "countries", value.KindStringList, func(f *schema.Field) {
		f.Default = []string{"FR", "DE"}
		f.Deprecated = "Use shipping.countries instead."
	})
	addField(checkout, "notes", value.KindText, func(f *schema.Field) { f.Default = "" })
	addField(checkout, "api_key", value.KindSecret, func(f *schema.Field) {
		f.Validators = []schema.Validator{{Name: "regex", Args: value.Args{Pattern: `^sk_\w+$`}}}
	})
	return s
}

// addSection appends a section to s.
func addSection(s *schema.Schema, name, label, description string) *schema.Section {
	sec := &schema.Section{Name: name, Label: label, Description: description}
	s.Sections = append(s.Sections, sec)
	return sec
}

// addField appends a field of kind k to sec and lets set fill it in.
func addField(sec *schema.Section, name string, k value.Kind, set func(*schema.Field)) *schema.Field {
	f := &schema.Field{Section: sec, Name: name, Kind: k, Path: "shop." + sec.Name + "." + name}
	f.Default = schema.ZeroValue(k)
	set(f)
	sec.Fields = append(sec.Fields, f)
	return f
}
