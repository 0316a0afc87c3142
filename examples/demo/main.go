// Command demo shows sysconfig end to end on the example schema: it reads
// defaults, writes values (one of them invalid), changes several fields in
// one transaction, and prints what every field holds.
//
// It uses PostgreSQL and Redis when they answer (SYSCONFIG_DATABASE_URL and
// SYSCONFIG_REDIS_URL, defaulting to the local servers), and otherwise an
// SQLite file ($XDG_STATE_HOME/sysconfig-demo/demo.db, or
// SYSCONFIG_DATABASE_URL=sqlite:PATH), and says which. Either keeps what a
// run wrote for the next, which it shows first. Run it with `make demo`.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/go-sysconfig/sysconfig/runtime/value"

	"github.com/go-sysconfig/sysconfig/generated"
	"github.com/go-sysconfig/sysconfig/runtime"
	"github.com/go-sysconfig/sysconfig/runtime/keyring"
)

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, out io.Writer) error {
	value.RegisterValidator("coupon_code", couponCode)
	be, err := connect(ctx, out)
	if err != nil {
		return err
	}
	defer be.close()
	keys, err := demoKeys(out)
	if err != nil {
		return err
	}
	client, err := runtime.NewClient(generated.Schema, be.store, runtime.Options{
		Cache:   be.cache,
		Secrets: keys,
		Logger:  slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
	})
	if err != nil {
		return err
	}
	if err := client.Start(ctx); err != nil {
		return err
	}
	defer client.Close()
	if err := lastRun(ctx, out, client); err != nil {
		return err
	}
	if err := startClean(ctx, client); err != nil {
		return err
	}
	if err := tour(ctx, out, client, generated.New(client)); err != nil {
		return err
	}
	return operatorTour(ctx, out, client, be)
}

// demoKey is a fixed key for the demo only. Real deployments load theirs
// with keyring.FromEnv(keyring.DefaultEnv) or keyring.FromFile.
const demoKey = "demo:ZGVtby1vbmx5LWtleS1kby1ub3QtdXNlLWluLXByb2Q="

// demoKeys returns the keyring in $SYSCONFIG_KEYS, or the demo key.
func demoKeys(out io.Writer) (*keyring.Keyring, error) {
	if os.Getenv(keyring.DefaultEnv) != "" {
		return keyring.FromEnv(keyring.DefaultEnv)
	}
	fmt.Fprintf(out, "Secrets:  encrypted with a fixed demo key (set %s for real keys)\n", keyring.DefaultEnv)
	return keyring.Parse(demoKey)
}

// couponCode is the app's custom validator named in the schema.
func couponCode(v any) error {
	if s, _ := v.(string); len(s) > 12 {
		return errors.New("coupon codes have at most 12 characters")
	}
	return nil
}

// lastRun shows what the store kept from the previous run: the title it
// set, and the store's last change.
func lastRun(ctx context.Context, out io.Writer, c *runtime.Client) error {
	last, err := c.Changes(ctx, runtime.ChangeQuery{Limit: 1})
	if err != nil || len(last) == 0 {
		fmt.Fprintln(out, "\n0. Kept from the last run: nothing, this store is new.")
		return err
	}
	title, err := generated.New(c).Site.Title(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "\n0. Kept from the last run: cfg.Site.Title(ctx) = %q; the store's last change: version %d at %s by %s\n",
		title, last[0].Version, last[0].At.Format(time.RFC3339), or(last[0].Actor, "(unknown)"))
	return nil
}

// or returns s, or def when s is empty.
func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// startClean removes every override, so each run's tour starts from the
// defaults.
func startClean(ctx context.Context, c *runtime.Client) error {
	var updates []runtime.Update
	for _, f := range c.Schema().Fields() {
		updates = append(updates, runtime.Unassign(f.Path()))
	}
	return c.SetMany(ctx, updates...)
}

func tour(ctx context.Context, out io.Writer, client *runtime.Client, cfg *generated.Config) error {
	title, err := cfg.Site.Title(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "\n1. Read a default:      cfg.Site.Title(ctx) = %q\n", title)

	changed := make(chan string, 1)
	_ = generated.SiteTitleField.OnChange(client, func(_ context.Context, old, new string) error {
		changed <- fmt.Sprintf("%q -> %q", old, new)
		return nil
	})
	fmt.Fprintln(out, "2. Write a value:       cfg.Site.SetTitle(ctx, \"Demo Shop\")")
	if err := cfg.Site.SetTitle(ctx, "Demo Shop"); err != nil {
		return err
	}
	title, _ = cfg.Site.Title(ctx)
	fmt.Fprintf(out, "   read back at once:   %q\n", title)
	select { // hooks run on the client's event goroutine, on every instance
	case change := <-changed:
		fmt.Fprintf(out, "   OnChange hook saw:   %s\n", change)
	case <-time.After(2 * time.Second):
		return errors.New("the change hook never ran")
	}

	err = cfg.Email.SetSMTPPort(ctx, 70000)
	fmt.Fprintf(out, "3. Reject a bad value:  cfg.Email.SetSMTPPort(ctx, 70000)\n   -> %v\n", err)

	fmt.Fprintln(out, "4. Change several fields in one transaction (all or nothing):")
	err = client.SetMany(ctx,
		generated.SiteThemeField.Assign(generated.SiteThemeDark),
		generated.LimitsRequestTimeoutField.Assign(1500*time.Millisecond),
		generated.CheckoutFreeShippingThresholdField.Assign(value.MustDecimal("24.99")),
	)
	if err != nil {
		return err
	}
	theme, _ := cfg.Site.Theme(ctx)
	timeout, _ := cfg.Limits.RequestTimeout(ctx)
	threshold, _ := cfg.Checkout.FreeShippingThreshold(ctx)
	fmt.Fprintf(out, "   theme=%s request_timeout=%v free_shipping_threshold=%s (exact decimal)\n", theme, timeout, threshold)

	if err := cfg.Email.SetSMTPPassword(ctx, value.NewSecret("hunter2")); err != nil {
		return err
	}
	pw, _ := cfg.Email.SMTPPassword(ctx)
	fmt.Fprintf(out, "5. Secrets print redacted: fmt.Print(password) -> %v (Reveal() gives the value)\n", pw)

	fmt.Fprintln(out, "6. Every field, as the CLI and admin page see them:")
	return printAll(ctx, out, client)
}

func printAll(ctx context.Context, out io.Writer, client *runtime.Client) error {
	values, err := client.All(ctx)
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "   PATH\tVALUE\tSET\tVERSION\tSOURCE")
	for _, v := range values {
		text := strings.ReplaceAll(v.Text(), "\n", `\n`)
		fmt.Fprintf(w, "   %s\t%s\t%v\t%d\t%s\n", v.Path, text, v.Set, v.Version, v.Source)
	}
	return w.Flush()
}
