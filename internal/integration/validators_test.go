package integration

import (
	"errors"
	"strings"
	"testing"

	"github.com/go-sysconfig/sysconfig/runtime/value"

	"github.com/go-sysconfig/sysconfig/generated"
	"github.com/go-sysconfig/sysconfig/runtime"
)

func init() {
	value.RegisterValidator("coupon_code", func(v any) error {
		if s, _ := v.(string); len(s) > 12 {
			return errors.New("coupon codes have at most 12 characters")
		}
		return nil
	})
}

// TestEveryValidatorRejectsOverRealBackends writes a bad value through every
// validator (and every parse rule) of the example schema to the real
// Postgres and Redis, and checks that each is refused with a message naming
// the problem, and that nothing reached the store.
func TestEveryValidatorRejectsOverRealBackends(t *testing.T) {
	b := newBackends(t)
	c, err := runtime.NewClient(generated.Schema, b.store, runtime.Options{Cache: b.cache})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ validator, path, text, message string }{
		{"required", "shop.site.title", "", "required"},
		{"not_blank", "shop.site.title", "    ", "blank"},
		{"min_length", "shop.site.title", "ab", "at least 3"},
		{"max_length", "shop.site.title", strings.Repeat("x", 81), "at most 80"},
		{"not_empty (list)", "shop.site.languages", "[]", "empty"},
		{"max_length (items)", "shop.site.languages", `["en","en","en","en","en","en","en","en","en","en","en"]`, "at most 10"},
		{"slug (each item)", "shop.site.languages", `["en","EN US"]`, "item 2"},
		{"one_of (list)", "shop.site.languages", `["xx"]`, "one of"},
		{"select choices", "shop.site.theme", "purple", "one of"},
		{"domain", "shop.site.canonical_domain", "localhost", "domain"},
		{"url schemes", "shop.site.homepage_url", "http://shop.example.com/", "https"},
		{"url", "shop.site.support_url", "not a url", "URL"},
		{"select enum", "shop.checkout.currency", "JPY", "one of"},
		{"range (decimal)", "shop.checkout.free_shipping_threshold", "10000.01", "at most"},
		{"non_negative (decimal)", "shop.checkout.free_shipping_threshold", "-0.01", "negative"},
		{"one_of (decimal)", "shop.checkout.flat_shipping_fee", "3.00", "one of"},
		{"decimal syntax", "shop.checkout.flat_shipping_fee", "4,95", "decimal"},
		{"range (float)", "shop.checkout.tax_rate", "1.5", "between"},
		{"positive (duration)", "shop.checkout.cart_lifetime", "0s", "positive"},
		{"duration syntax", "shop.checkout.cart_lifetime", "3 days", "duration"},
		{"regex", "shop.checkout.welcome_coupon", "abc", "match"},
		{"regex inverse", "shop.checkout.welcome_coupon", "TEST1", "not match"},
		{"custom", "shop.checkout.welcome_coupon", "ABCDEFGHIJKLMNOP", "at most 12"},
		{"json", "shop.checkout.payment_provider_settings", "{", "JSON"},
		{"email", "shop.email.from_address", "not-an-email", "email"},
		{"hostname", "shop.email.smtp_host", "-bad-", "host"},
		{"port", "shop.email.smtp_port", "70000", "port"},
		{"int syntax", "shop.email.smtp_port", "587.5", "integer written in decimal digits"},
		{"not_empty (secret)", "shop.email.smtp_password", "", "empty"},
		{"bool syntax", "shop.email.use_ssl", "maybe", "boolean"},
		{"ip (each item)", "shop.security.admin_ip_allowlist", `["10.0.0.1","nope"]`, "item 2"},
		{"ipv4", "shop.security.trusted_proxy", "::1", "IPv4"},
		{"ipv6", "shop.security.trusted_proxy_v6", "10.0.0.1", "IPv6"},
		{"range (duration)", "shop.security.session_lifetime", "1m", "between"},
		{"range (int)", "shop.security.password_min_length", "4", "between"},
		{"min_length (secret)", "shop.security.payment_api_key", "short", "at least 32"},
		{"positive (int)", "shop.limits.max_cart_items", "0", "positive"},
		{"one_of (int)", "shop.limits.page_size", "13", "one of"},
		{"path", "shop.limits.export_dir", "relative/dir", "absolute"},
		{"non_negative (float)", "shop.limits.rate_limit_per_second", "-1", "negative"},
	} {
		t.Run(tc.validator, func(t *testing.T) {
			err := c.Set(ctx, tc.path, tc.text)
			var ve *runtime.ValidationError
			if !errors.As(err, &ve) || ve.Path != tc.path {
				t.Fatalf("Set(%s, %q) = %v, want a *ValidationError for the path", tc.path, tc.text, err)
			}
			if !strings.Contains(strings.ToLower(err.Error()), strings.ToLower(tc.message)) {
				t.Errorf("message %q does not mention %q", err, tc.message)
			}
			if set, err := c.IsSet(ctx, tc.path); err != nil || set {
				t.Errorf("after a rejected write IsSet = %v, %v; want nothing stored", set, err)
			}
		})
	}
	d, err := b.store.Since(ctx, "shop", runtime.Position{})
	if err != nil || len(d.Records) != 0 {
		t.Errorf("store holds %d records after only rejected writes (%v)", len(d.Records), err)
	}
}
