package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/go-sysconfig/sysconfig/cli"
	"github.com/go-sysconfig/sysconfig/generated"
	"github.com/go-sysconfig/sysconfig/runtime"
	"github.com/go-sysconfig/sysconfig/runtime/keyring"
)

// operatorTour runs the operator CLI (package cli, built into this program
// so that it knows the app's custom validator) against the demo's store:
// a set, the history it left, and its revert.
func operatorTour(ctx context.Context, out io.Writer, client *runtime.Client, be *backends) error {
	if be.dbURL == "" {
		fmt.Fprintln(out, "\n7. The operator CLI works on PostgreSQL and SQLite; skipped on the in-memory store.")
		return nil
	}
	before, err := generated.LimitsPageSizeField.Lookup(ctx, client)
	if err != nil {
		return err
	}
	fmt.Fprintln(out, "\n7. An operator, with the CLI (cmd/sysconfig; here built into the demo):")
	steps := [][]string{
		{"set", "shop.limits.page_size", "48", "--actor", "demo-operator", "--reason", "bigger pages"},
		{"history", "shop.limits.page_size", "--limit", "1"},
		{"revert", fmt.Sprintf("shop.limits.page_size@%d", before.Version), "--actor", "demo-operator", "--reason", "back to the default"},
	}
	for _, args := range steps {
		if err := runCLI(out, be, args); err != nil {
			return err
		}
	}
	return nil
}

// runCLI runs one CLI command on the demo's store, printing it and its
// output indented.
func runCLI(out io.Writer, be *backends, args []string) error {
	var buf bytes.Buffer
	env := map[string]string{
		"SYSCONFIG_DATABASE_URL": be.dbURL, "SYSCONFIG_PG_SCHEMA": demoPGSchema,
		"SYSCONFIG_REDIS_URL": be.redisURL, "SYSCONFIG_REDIS_PREFIX": demoRedisPrefix,
		keyring.DefaultEnv: env(keyring.DefaultEnv, demoKey),
	}
	code := cli.Main(args, cli.Options{Schema: generated.Schema, Getenv: func(k string) string { return env[k] },
		Stdin: os.Stdin, Stdout: &buf, Stderr: &buf})
	fmt.Fprintf(out, "   $ sysconfig %s\n", strings.Join(quoteArgs(args), " "))
	for _, line := range strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n") {
		fmt.Fprintln(out, "     "+line)
	}
	if code != cli.ExitOK {
		return fmt.Errorf("sysconfig %s: exit %d", args[0], code)
	}
	return nil
}

// quoteArgs quotes the arguments that hold a space, for display.
func quoteArgs(args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		if strings.ContainsAny(a, " \t") {
			a = "'" + a + "'"
		}
		out[i] = a
	}
	return out
}
