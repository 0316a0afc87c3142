package admin_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/go-sysconfig/sysconfig/admin"
	"github.com/go-sysconfig/sysconfig/generated"
)

// TestHostileValues: the bad-input table at this door. Each value is
// refused with a message beside its field, and nothing is written.
func TestHostileValues(t *testing.T) {
	rate := generated.LimitsRateLimitPerSecondField.Path()
	tax := generated.CheckoutTaxRateField.Path()
	for _, c := range []struct{ name, section, path, text, want string }{
		{"NaN", "limits", rate, "NaN", "finite"},
		{"+Inf", "limits", rate, "+Inf", "finite"},
		{"-Inf", "checkout", tax, "-Inf", "finite"},
		{"NUL", "site", title, "My\x00Shop", "NUL"},
		{"invalid UTF-8", "site", title, "My \xff Shop", "UTF-8"},
		{"CR LF in one line", "site", title, "My\r\nShop", "line"},
		{"lone CR in one line", "site", title, "My\rShop", "line"},
		{"over 64 KiB", "site", tagline, strings.Repeat("a", 64<<10+1), "more than the limit"},
		{"empty required", "site", title, "", "required"},
		{"empty int", "limits", pageSize, "", ""},
		{"fraction in an int", "limits", pageSize, "24.5", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			rg := newRig(t, admin.Options{})
			form := rg.sectionForm("alice", c.section)
			form.Set("v:"+c.path, c.text)
			resp, body := rg.do("alice", http.MethodPost, prefix+"/s/"+c.section, form)
			if resp.StatusCode != http.StatusUnprocessableEntity || rg.changes() != 0 {
				t.Fatalf("%d, %d changes", resp.StatusCode, rg.changes())
			}
			box := fieldBox(t, body, c.path)
			if !strings.Contains(box, `<p class="error" role="alert">`) || !strings.Contains(strings.ToLower(box), strings.ToLower(c.want)) {
				t.Errorf("no clear message beside the field (want %q): %q", c.want, errorsIn(box))
			}
		})
	}
}

// TestHostileSecret: a secret replaced by a hostile value is refused
// beside it and never echoed.
func TestHostileSecret(t *testing.T) {
	rg := newRig(t, admin.Options{})
	form := rg.sectionForm("alice", "security")
	form.Set("action:"+apiKeyPath, "replace")
	form.Set("v:"+apiKeyPath, "short\x00"+plaintext[:10])
	resp, body := rg.do("alice", http.MethodPost, prefix+"/s/security", form)
	if resp.StatusCode != http.StatusUnprocessableEntity || rg.changes() != 0 {
		t.Fatalf("%d, %d changes", resp.StatusCode, rg.changes())
	}
	if strings.Contains(body, plaintext[:10]) || !strings.Contains(fieldBox(t, body, apiKeyPath), `class="error"`) {
		t.Error("secret refused wrongly")
	}
}

// TestOversizedPost: a body beyond the limit is refused whole.
func TestOversizedPost(t *testing.T) {
	rg := newRig(t, admin.Options{})
	form := rg.sectionForm("alice", "site")
	form.Set("reason", strings.Repeat("x", 9<<20))
	if resp, _ := rg.do("alice", http.MethodPost, prefix+"/s/site", form); resp.StatusCode != http.StatusRequestEntityTooLarge || rg.changes() != 0 {
		t.Fatalf("%d", resp.StatusCode)
	}
}

// errorsIn returns the error messages of a field's box.
func errorsIn(box string) []string {
	var out []string
	for _, line := range strings.Split(box, "\n") {
		if strings.Contains(line, `class="error`) {
			out = append(out, line)
		}
	}
	return out
}
