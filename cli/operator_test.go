package cli_test

// End-to-end tests: they build cmd/sysconfig and run it as an operator
// would, against the real Postgres and Redis, each test in a Postgres schema
// and under a Redis key prefix of its own (internal/testenv). Most record
// a transcript of the commands they run — command, stdout, stderr, exit
// code, with change IDs and times replaced by placeholders — and compare it
// with testdata/golden/<test>.txt, which the README quotes. After a
// deliberate change to the output, rewrite them with
//
//	go test ./cli -run . -update
//
// and review the changes with git diff before committing them.

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/go-sysconfig/sysconfig/internal/diff"
	"github.com/go-sysconfig/sysconfig/internal/testenv"
	"github.com/go-sysconfig/sysconfig/runtime/keyring"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redis/go-redis/v9"
)

var update = flag.Bool("update", false, "rewrite the golden transcripts of the end-to-end tests")

// binary is the sysconfig program TestMain builds.
var binary string

func TestMain(m *testing.M) {
	flag.Parse()
	dir, err := os.MkdirTemp("", "sysconfig-cli-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "sysconfig")
	out, err := exec.Command("go", "build", "-o", binary, "github.com/go-sysconfig/sysconfig/cmd/sysconfig").CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "building cmd/sysconfig: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// operator runs the CLI against a private Postgres schema and Redis prefix.
type operator struct {
	t          *testing.T
	env        map[string]string
	pool       *pgxpool.Pool
	pgSchema   string
	rdb        redis.UniversalClient
	prefix     string
	keys       *keyring.Keyring
	transcript strings.Builder
}

// result is what one run of the CLI did.
type result struct {
	code           int
	stdout, stderr string
}

// newOperator returns an operator on fresh backends, the schema file
// testdata/shop.yaml and a keyring, with the store's tables created.
func newOperator(t *testing.T) *operator {
	pool, pgSchema := testenv.Postgres(t)
	rdb, prefix := testenv.Redis(t)
	line, err := keyring.Generate("k1")
	if err != nil {
		t.Fatal(err)
	}
	keys, err := keyring.Parse(line)
	if err != nil {
		t.Fatal(err)
	}
	o := &operator{t: t, pool: pool, pgSchema: pgSchema, rdb: rdb, prefix: prefix, keys: keys, env: map[string]string{
		"SYSCONFIG_DATABASE_URL": withSearchPath(t, testenv.DatabaseURL(), pgSchema),
		"SYSCONFIG_REDIS_URL":    testenv.RedisURL(),
		"SYSCONFIG_REDIS_PREFIX": prefix,
		"SYSCONFIG_KEYS":         line,
		"SYSCONFIG_SCHEMA":       "testdata/shop.yaml",
	}}
	if r := o.run("", "migrate"); r.code != 0 {
		t.Fatalf("migrate: exit %d: %s", r.code, r.stderr)
	}
	return o
}

// withSearchPath returns the database URL u with search_path set to
// schema, as an operator points the CLI at an isolated schema.
func withSearchPath(t *testing.T, u, schema string) string {
	parsed, err := url.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	q := parsed.Query()
	q.Set("search_path", schema)
	parsed.RawQuery = q.Encode()
	return parsed.String()
}

// run runs the CLI with args, stdin as its standard input, and returns
// what it did.
func (o *operator) run(stdin string, args ...string) result {
	o.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	for k, v := range o.env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		o.t.Fatalf("running sysconfig %s: %v", strings.Join(args, " "), err)
	}
	return result{code: cmd.ProcessState.ExitCode(), stdout: stdout.String(), stderr: stderr.String()}
}

// step runs the CLI as run does, records the run in the transcript, and
// fails the test when the exit code is not want.
func (o *operator) step(want int, stdin string, args ...string) result {
	o.t.Helper()
	r := o.run(stdin, args...)
	if stdin != "" {
		fmt.Fprintf(&o.transcript, "$ printf '%%s' %s | sysconfig %s\n", shellQuote(stdin), shellJoin(args))
	} else {
		fmt.Fprintf(&o.transcript, "$ sysconfig %s\n", shellJoin(args))
	}
	o.transcript.WriteString(r.stdout)
	for _, line := range strings.SplitAfter(r.stderr, "\n") {
		if line != "" {
			o.transcript.WriteString("stderr| " + line)
		}
	}
	fmt.Fprintf(&o.transcript, "[exit %d]\n\n", r.code)
	if r.code != want {
		o.t.Errorf("sysconfig %s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", shellJoin(args), r.code, want, r.stdout, r.stderr)
	}
	return r
}

var (
	uuidPattern = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)
	timePattern = regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z`)
)

// normalize replaces the change IDs of text, in order of appearance, by
// 00000000-0000-4000-8000-000000000001 and so on, and every time by one
// of the same width, so that transcripts do not change from run to run.
func normalize(text string) string {
	ids := map[string]string{}
	text = uuidPattern.ReplaceAllStringFunc(text, func(id string) string {
		if _, ok := ids[id]; !ok {
			ids[id] = fmt.Sprintf("00000000-0000-4000-8000-%012d", len(ids)+1)
		}
		return ids[id]
	})
	return timePattern.ReplaceAllString(text, "2026-05-01T10:00:00Z")
}

// golden compares the transcript with testdata/golden/<name>.txt, or
// rewrites that file with -update.
func (o *operator) golden(name string) {
	o.t.Helper()
	got := normalize(o.transcript.String())
	path := filepath.Join("testdata", "golden", name+".txt")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			o.t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		o.t.Fatalf("%v (run with -update to create it)", err)
	}
	if got != string(want) {
		o.t.Errorf("the transcript differs from %s (run with -update to accept it):\n%s", path,
			diff.Unified(path, "got", want, []byte(got)))
	}
}

// shellJoin writes args as a shell command line.
func shellJoin(args []string) string {
	quoted := make([]string, len(args))
	for i, a := range args {
		quoted[i] = shellQuote(a)
	}
	return strings.Join(quoted, " ")
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.@/:=,") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
