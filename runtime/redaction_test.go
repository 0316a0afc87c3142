package runtime_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/go-sysconfig/sysconfig/runtime/value"

	"github.com/go-sysconfig/sysconfig/runtime"
)

// TestEveryTypeThatCanHoldASecretPrintsRedacted finds, in the package's
// source, every exported type that can hold a secret where fmt, slog and
// encoding/json cannot reach Secret's own redacting methods: behind an
// unexported field of type Secret, an interface (any), or a type holding
// one. Such a type must redact by itself (Format, LogValue and MarshalJSON).
// A new type cannot be forgotten: the test finds it.
func TestEveryTypeThatCanHoldASecretPrintsRedacted(t *testing.T) {
	pkg := parsePackage(t, ".")
	var unsafe []string
	for name := range pkg.types {
		if !ast.IsExported(name) || pkg.redacts(name) {
			continue
		}
		if field := pkg.hiddenSecret(name, map[string]bool{}); field != "" {
			unsafe = append(unsafe, name+" (field "+field+")")
		}
	}
	slices.Sort(unsafe)
	if len(unsafe) > 0 {
		t.Errorf("these exported types can hold a secret where printing cannot redact it; give them Format, LogValue and MarshalJSON:\n%s",
			strings.Join(unsafe, "\n"))
	}
}

// TestWriteTypesPrintRedacted prints what the write API returns for a
// secret, in every fmt verb, through slog's handlers and as JSON.
func TestWriteTypesPrintRedacted(t *testing.T) {
	const plain = "s3cr3t-plaintext"
	e := newEnv(t, nil)
	if err := apiKeyField.Set(ctx, e.client, value.NewSecret(plain)); err != nil {
		t.Fatal(err)
	}
	v, _ := apiKeyField.Lookup(ctx, e.client)
	hist, err := e.client.History(ctx, apiKeyField.Path(), 10)
	if err != nil || len(hist) != 1 || hist[0].Value != value.Redacted {
		t.Errorf("History of a secret = %+v, %v; want its value redacted", hist, err)
	}
	values := map[string]any{
		"Field.Assign":       apiKeyField.Assign(value.NewSecret(plain)),
		"AssignText":         runtime.AssignText(apiKeyField.Path(), plain),
		"[]Update":           []runtime.Update{runtime.AssignText(apiKeyField.Path(), plain)},
		"Value (Lookup)":     v,
		"HistoryEntry":       hist,
		"Secret in a struct": struct{ S value.Secret }{value.NewSecret(plain)},
	}
	for name, x := range values {
		for _, out := range renderings(x) {
			if strings.Contains(out, plain) {
				t.Errorf("%s printed the plaintext: %s", name, out)
			}
		}
	}
}

// renderings prints x in every way an app might: fmt verbs, slog's text
// and JSON handlers, encoding/json.
func renderings(x any) []string {
	var outs []string
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
		outs = append(outs, fmt.Sprintf(verb, x))
	}
	for _, h := range []func(*bytes.Buffer) slog.Handler{
		func(b *bytes.Buffer) slog.Handler { return slog.NewTextHandler(b, nil) },
		func(b *bytes.Buffer) slog.Handler { return slog.NewJSONHandler(b, nil) },
	} {
		var buf bytes.Buffer
		slog.New(h(&buf)).Info("x", "value", x)
		outs = append(outs, buf.String())
	}
	if b, err := json.Marshal(x); err == nil {
		outs = append(outs, string(b))
	}
	return outs
}

// pkgSource is the declarations of one package, parsed.
type pkgSource struct {
	types   map[string]ast.Expr        // type name → its type expression
	methods map[string]map[string]bool // type name → method names
}

// parsePackage parses the non-test Go files of dir.
func parsePackage(t *testing.T, dir string) *pkgSource {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	p := &pkgSource{types: map[string]ast.Expr{}, methods: map[string]map[string]bool{}}
	fset := token.NewFileSet()
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(fset, path, src, 0)
		if err != nil {
			t.Fatal(err)
		}
		p.add(f)
	}
	return p
}

func (p *pkgSource) add(f *ast.File) {
	for _, decl := range f.Decls {
		switch d := decl.(type) {
		case *ast.GenDecl:
			for _, spec := range d.Specs {
				if ts, ok := spec.(*ast.TypeSpec); ok {
					p.types[ts.Name.Name] = ts.Type
				}
			}
		case *ast.FuncDecl:
			if d.Recv != nil && len(d.Recv.List) == 1 {
				recv := typeName(d.Recv.List[0].Type)
				if p.methods[recv] == nil {
					p.methods[recv] = map[string]bool{}
				}
				p.methods[recv][d.Name.Name] = true
			}
		}
	}
}

// redacts reports whether type name prints itself: Format, LogValue and
// MarshalJSON.
func (p *pkgSource) redacts(name string) bool {
	m := p.methods[name]
	return m["Format"] && m["LogValue"] && m["MarshalJSON"]
}

// hiddenSecret returns the first unexported field of type name, directly
// or in a struct it holds, through which it can hold a secret that
// printing cannot redact; "" when there is none.
func (p *pkgSource) hiddenSecret(name string, seen map[string]bool) string {
	st, ok := p.types[name].(*ast.StructType)
	if !ok || seen[name] {
		return ""
	}
	seen[name] = true
	for _, field := range st.Fields.List {
		exported := len(field.Names) > 0 && ast.IsExported(field.Names[0].Name)
		if !exported && p.canHold(field.Type, map[string]bool{}) {
			return fieldName(field)
		}
		if _, ptr := field.Type.(*ast.StarExpr); ptr {
			continue // printed as an address
		}
		if inner := typeName(field.Type); inner != "" && !p.redacts(inner) {
			if hidden := p.hiddenSecret(inner, seen); hidden != "" {
				return fieldName(field) + "." + hidden
			}
		}
	}
	return ""
}

// canHold reports whether a value of type expression x can hold a Secret
// that printing would show: Secret itself, an interface, or something built
// of them, but not behind a pointer (fmt prints a nested pointer as an
// address, and encoding/json skips unexported fields).
func (p *pkgSource) canHold(x ast.Expr, seen map[string]bool) bool {
	switch e := x.(type) {
	case *ast.InterfaceType:
		return true
	case *ast.ArrayType:
		return p.canHold(e.Elt, seen)
	case *ast.MapType:
		return p.canHold(e.Key, seen) || p.canHold(e.Value, seen)
	case *ast.Ident:
		if e.Name == "any" || e.Name == "Secret" {
			return true
		}
		if seen[e.Name] {
			return false
		}
		seen[e.Name] = true
		if st, ok := p.types[e.Name].(*ast.StructType); ok {
			for _, f := range st.Fields.List {
				if p.canHold(f.Type, seen) {
					return true
				}
			}
		}
	}
	return false
}

// typeName is the name of a type expression of this package (T, *T, T[X]),
// or "".
func typeName(x ast.Expr) string {
	switch e := x.(type) {
	case *ast.Ident:
		return e.Name
	case *ast.StarExpr:
		return typeName(e.X)
	case *ast.IndexExpr:
		return typeName(e.X)
	case *ast.IndexListExpr:
		return typeName(e.X)
	}
	return ""
}

func fieldName(f *ast.Field) string {
	if len(f.Names) > 0 {
		return f.Names[0].Name
	}
	return typeName(f.Type)
}
