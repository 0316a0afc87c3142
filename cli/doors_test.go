package cli_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/go-sysconfig/sysconfig/internal/hostile"
	"github.com/go-sysconfig/sysconfig/runtime/value"
)

// maxArg is the longest single argument Linux passes to a program
// (MAX_ARG_STRLEN); longer inputs reach the CLI through stdin only.
const maxArg = 128 << 10

// TestHostileValues gives the CLI every text input of the hostile table
// (internal/hostile), on the command line and through stdin: a refused
// one exits 1 saying why, without quoting it, and writes nothing (no
// record, no history, no cache entry); an accepted one reads back as its
// kind's text form. A NUL cannot be passed in an argument at all, and
// inputs over MAX_ARG_STRLEN are refused by the kernel, so those go through
// stdin only.
func TestHostileValues(t *testing.T) {
	o := newOperator(t)
	o.env["SYSCONFIG_SCHEMA"] = "testdata/doors.yaml"
	for k, inputs := range hostile.Inputs() {
		for _, in := range inputs {
			if in.NoText {
				continue
			}
			path := "doors.all." + fieldOf(k)
			t.Run(fmt.Sprintf("%s/%s/stdin", k, in.Name), func(t *testing.T) {
				o.checkDoor(t, k, path, in, in.Text, "-")
			})
			if !strings.ContainsRune(in.Text, 0) && len(in.Text) < maxArg {
				t.Run(fmt.Sprintf("%s/%s/argument", k, in.Name), func(t *testing.T) {
					o.checkDoor(t, k, path, in, "", "--", in.Text)
				})
			}
		}
	}
}

// fieldOf is the name of the field of kind k in testdata/doors.yaml.
func fieldOf(k value.Kind) string {
	if k == value.KindStringList {
		return "list"
	}
	return k.String()
}

// checkDoor runs "sysconfig set path" with valueArgs and stdin and checks
// the outcome for in.
func (o *operator) checkDoor(t *testing.T, k value.Kind, path string, in hostile.Input, stdin string, valueArgs ...string) {
	before := o.observe(t, path)
	r := o.run(stdin, append([]string{"set", "--actor", "mallory", "-o", "json", "--reveal", path}, valueArgs...)...)
	if in.OK {
		o.checkAccepted(t, k, in, r)
		return
	}
	if r.code != 1 || !strings.Contains(r.stderr, "invalid value for "+path) {
		t.Fatalf("exit %d, stderr %.300q; want exit 1 and the field's problem", r.code, r.stderr)
	}
	if len(in.Text) > 2 && strings.Contains(r.stderr, in.Text) {
		t.Errorf("the error quotes the value: %.200q", r.stderr)
	}
	if after := o.observe(t, path); after != before {
		t.Errorf("a refused value changed the backends:\nbefore %s\nafter  %s", before, after)
	}
}

// checkAccepted checks that an accepted input reads back in its kind's
// text form.
func (o *operator) checkAccepted(t *testing.T, k value.Kind, in hostile.Input, r result) {
	if r.code != 0 {
		t.Fatalf("refused: exit %d: %.300s", r.code, r.stderr)
	}
	want, err := value.Parse(k, in.Text)
	if err != nil {
		t.Fatal(err)
	}
	var got struct{ Value string }
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil || got.Value != value.Format(k, want) {
		t.Errorf("read back %.80q (%v), want %.80q", got.Value, err, value.Format(k, want))
	}
}

// observe describes what the backends hold for path: its record, its
// number of history entries and its Redis keys.
func (o *operator) observe(t *testing.T, path string) string {
	t.Helper()
	ctx := context.Background()
	var version, history int64
	var stored *string
	err := o.pool.QueryRow(ctx, `SELECT coalesce(max(version), 0), max(value), (SELECT count(*) FROM sysconfig_history WHERE path = $1)
		FROM sysconfig_values WHERE path = $1`, path).Scan(&version, &stored, &history)
	if err != nil {
		t.Fatal(err)
	}
	keys, err := o.rdb.Keys(ctx, o.prefix+path+"@*").Result()
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("version %d, value set %v, %d history rows, cache keys %v", version, stored != nil, history, keys)
}
