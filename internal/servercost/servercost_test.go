package servercost

import "testing"

func TestParseCommandStats(t *testing.T) {
	info := "# Commandstats\r\n" +
		"cmdstat_evalsha:calls=12,usec=300,usec_per_call=25.00,rejected_calls=0,failed_calls=1\r\n" +
		"cmdstat_client|setinfo:calls=2,usec=1,usec_per_call=0.50,rejected_calls=0,failed_calls=0\r\n" +
		"cmdstat_PUBLISH:calls=3,usec=9\r\n" +
		"not_a_stat:calls=9\r\n"
	got := ParseCommandStats(info)
	want := map[string]int64{"evalsha": 12, "client|setinfo": 2, "publish": 3}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for cmd, n := range want {
		if got[cmd] != n {
			t.Errorf("%s = %d, want %d (all: %v)", cmd, got[cmd], n, got)
		}
	}
}

func TestCountsSub(t *testing.T) {
	before := Counts{Commits: 10, Calls: map[string]int64{"evalsha": 4, "get": 7}}
	after := Counts{Commits: 13, Calls: map[string]int64{"evalsha": 6, "get": 7, "eval": 1, "publish": 2}}
	d := after.Sub(before)
	if d.Commits != 3 || d.Scripts() != 3 || d.Commands() != 5 || d.Calls["get"] != 0 {
		t.Errorf("difference = %v: want 3 commits, 3 scripts, 5 calls, no get", d)
	}
	if s := d.String(); s != "3 commits; redis 5 calls (eval 1, evalsha 2, publish 2)" {
		t.Errorf("String = %q", s)
	}
}
