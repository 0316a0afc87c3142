//go:build linux

package main

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"testing"
)

// TestMain lets the test binary serve as a worker process: the leader
// re-executes os.Executable() with -worker, which here is this binary.
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == "-worker" {
		os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// TestShortSoak runs the whole soak for a few seconds on private servers:
// workers, faults, the stop and the checks. It fails, never skips, when
// the servers cannot start.
func TestShortSoak(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := run([]string{"-duration", "6s", "-workers", "2", "-settle", "1s"}, &stdout, &stderr)
	t.Logf("report:\n%s", stdout.String())
	if code != 0 {
		t.Fatalf("soak exited with status %d:\n%s", code, stderr.String())
	}
	for _, want := range []string{"seed ", "faults", "acknowledged", "snapshot", "through Redis", "PASS: no violation"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("the report does not mention %q", want)
		}
	}
}

func TestFlags(t *testing.T) {
	o, err := parseFlags([]string{"-duration", "10m", "-seed", "7"}, &bytes.Buffer{})
	if err != nil || o.duration.Minutes() != 10 || o.settings.seed != 7 || o.workers != 4 {
		t.Errorf("parseFlags = %+v, %v", o.settings, err)
	}
	for _, args := range [][]string{{"-workers", "0"}, {"-duration", "0s"}, {"-worker"}, {"extra"}} {
		if _, err := parseFlags(args, &bytes.Buffer{}); err == nil {
			t.Errorf("parseFlags(%q) accepted it", args)
		}
	}
}

func TestCount(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567", -12345: "-12,345"} {
		if got := count(n); got != want {
			t.Errorf("count(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestFaultPlanIsReplayable(t *testing.T) {
	a, b := newRand(42), newRand(42)
	for range 100 {
		gapA, fa := plan(a, 4)
		gapB, fb := plan(b, 4)
		if gapA != gapB || fa != fb {
			t.Fatalf("the same seed planned %v %+v and %v %+v", gapA, fa, gapB, fb)
		}
		if gapA < gapLo || gapA >= gapHi || fa.hold < holds[fa.kind][0] || fa.hold > holds[fa.kind][1] || fa.slot >= 4 {
			t.Fatalf("planned %v %+v, out of range", gapA, fa)
		}
	}
}

// The history of the checker's tests: epoch 100, four paths, and a
// Postgres fault from 7 to 8 s.
//
//	f00: version 10 = 1:1 at 1 s, version 20 = 1:2 at 2 s, version 30 = 1:3 at 5 s
//	f01: version 11 = 1:4 at 1 s
//	f02: version 40 = 1:5 at 1 s, version 41 = 1:6 at 6.95 s, current from 8.1 s
//	f03: version 50 = 1:7 at 1 s, version 51 = 1:8 at 8.05 s
func testHistory() *history {
	h := newHistory(100, []window{{sec(7), sec(8)}})
	h.add("soak.main.f00", commit{version: 10, value: valueSpan + 1, at: sec(1)})
	h.add("soak.main.f00", commit{version: 30, value: valueSpan + 3, at: sec(5)})
	h.add("soak.main.f00", commit{version: 20, value: valueSpan + 2, at: sec(2)})
	h.add("soak.main.f01", commit{version: 11, value: valueSpan + 4, at: sec(1)})
	h.add("soak.main.f02", commit{version: 40, value: valueSpan + 5, at: sec(1)})
	h.add("soak.main.f02", commit{version: 41, value: valueSpan + 6, at: sec(6.95)}) // races the Postgres fault of 7–8 s
	h.add("soak.main.f03", commit{version: 50, value: valueSpan + 7, at: sec(1)})
	h.add("soak.main.f03", commit{version: 51, value: valueSpan + 8, at: sec(8.05)}) // after the fault: no race
	h.index()
	return h
}

// sec returns s seconds into the run, in nanoseconds.
func sec(s float64) int64 { return int64(s * 1e9) }

// Journal lines for the checker's tests, all of worker 1 (a snapshot one).
func start() string { return `{"k":"start","w":1,"snapshot":true}` }

func wr(seq int, outcome string, resolved *bool, pv ...any) string {
	var paths, values []string
	for i := 0; i < len(pv); i += 2 {
		paths = append(paths, fmt.Sprintf("%q", "soak.main."+pv[i].(string)))
		values = append(values, fmt.Sprint(pv[i+1]))
	}
	s := fmt.Sprintf(`{"k":"write","w":1,"seq":%d,"paths":[%s],"values":[%s],"start":%d}`,
		seq, strings.Join(paths, ","), strings.Join(values, ","), sec(0.5))
	if outcome != "" {
		s += fmt.Sprintf("\n"+`{"k":"done","w":1,"seq":%d,"outcome":%q,"change":"c%d","end":%d}`, seq, outcome, seq, sec(0.6))
	}
	if resolved != nil {
		s += fmt.Sprintf("\n"+`{"k":"resolve","w":1,"seq":%d,"change":"c%d","committed":%v}`, seq, seq, *resolved)
	}
	return s
}

func rd(field string, version int64, source string, start, end float64) string {
	return fmt.Sprintf(`{"k":"read","w":1,"path":"soak.main.%s","epoch":100,"version":%d,"source":%q,"start":%d,"end":%d}`,
		field, version, source, sec(start), sec(end))
}

// yes and no are the resolutions of the tests' unknown outcomes.
var yes, no = resolution(true), resolution(false)

func resolution(committed bool) *bool { return &committed }

// TestCheckerFlagsEachViolation runs the checks on hand-made journals:
// each case breaks one promise (or none), and the checks must find
// exactly that.
func TestCheckerFlagsEachViolation(t *testing.T) {
	const v1, v2, v3, v4, fresh = valueSpan + 1, valueSpan + 2, valueSpan + 3, valueSpan + 4, valueSpan + 99
	cases := []struct {
		name  string
		lines []string
		want  map[violationKind]int
	}{
		{"clean", []string{
			wr(1, outcomeOK, nil, "f00", v1),
			wr(2, outcomeFailed, nil, "f00", fresh),
			wr(3, outcomeUnknown, yes, "f00", v2),
			wr(4, outcomeUnknown, no, "f01", fresh+1),
			wr(5, "", nil, "f01", fresh+2),              // interrupted: not checked
			wr(6, outcomeUnknown, nil, "f01", fresh+3),  // unresolved: counted, not checked
			wr(7, outcomeOK, nil, "f00", v3, "f01", v4), // a SetMany, whole
			rd("f00", 10, "snapshot", 1.5, 1.6),         // current
			rd("f00", 10, "cache", 2.9, 3.0),            // replaced 0.9 s before: within the bound
			rd("f00", 10, "stale", 3.5, 3.6),            // stale: not checked against the bound
			rd("f00", 20, "store", 4.0, 4.1),            //
			rd("f00", 30, "snapshot", 5.5, 5.6),         //
			rd("f01", 11, "snapshot", 9, 9.1),           //
		}, nil},
		{"lost", []string{wr(1, outcomeOK, nil, "f00", fresh)}, map[violationKind]int{lostWrite: 1}},
		{"failed but committed", []string{wr(1, outcomeFailed, nil, "f00", v1)}, map[violationKind]int{failedCommitted: 1}},
		{"resolved not committed, but committed", []string{wr(1, outcomeUnknown, no, "f00", v1)}, map[violationKind]int{wrongResolution: 1}},
		{"resolved committed, but not", []string{wr(1, outcomeUnknown, yes, "f00", fresh)}, map[violationKind]int{wrongResolution: 1}},
		{"partial", []string{wr(1, outcomeFailed, nil, "f00", fresh, "f01", v4)},
			map[violationKind]int{partialChange: 1, failedCommitted: 1}},
		{"interrupted partial", []string{wr(1, "", nil, "f00", v1, "f01", fresh)}, map[violationKind]int{partialChange: 1}},
		{"stale snapshot", []string{rd("f00", 10, "snapshot", 3.1, 3.2)}, map[violationKind]int{staleRead: 1}},
		{"stale cache", []string{rd("f00", 20, "cache", 6.5, 6.6)}, map[violationKind]int{staleRead: 1}},
		{"stale store", []string{rd("f01", 0, "store", 2.5, 2.6)}, map[violationKind]int{staleRead: 1}},
		{"a commit racing a Postgres fault", []string{rd("f02", 40, "snapshot", 9, 9.1)}, nil},
		{"stale after a commit racing a Postgres fault", []string{rd("f02", 40, "cache", 9.2, 9.3)},
			map[violationKind]int{staleRead: 1}},
		{"stale after a commit that followed a Postgres fault", []string{rd("f03", 50, "store", 9.1, 9.2)},
			map[violationKind]int{staleRead: 1}},
		{"backwards", []string{rd("f00", 20, "snapshot", 2.1, 2.2), rd("f00", 10, "stale", 2.3, 2.4)},
			map[violationKind]int{backwardsRead: 1}},
		{"backwards to the default", []string{rd("f01", 11, "cache", 1.1, 1.2), rd("f01", 0, "default", 1.3, 1.4)},
			map[violationKind]int{backwardsRead: 1}},
		{"backwards after overlapping reads", []string{
			rd("f00", 20, "cache", 2.1, 2.5), rd("f00", 10, "cache", 2.2, 2.3), rd("f00", 10, "cache", 2.6, 2.7),
		}, map[violationKind]int{backwardsRead: 1}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			j := newJournals()
			if err := j.parse(strings.NewReader(start() + "\n" + strings.Join(c.lines, "\n"))); err != nil {
				t.Fatal(err)
			}
			v := check(j, testHistory(), &describer{snapshot: j.snapshot})
			for k := range violationKinds {
				if v.counts[k] != c.want[k] {
					t.Errorf("%s: %d, want %d; examples: %v", violationNames[k], v.counts[k], c.want[k], v.examples[k])
				}
			}
		})
	}
}

// TestMutateBreaksEveryCheck: -mutate finds something to corrupt for every
// kind in a run that has every kind of write, and the checks find each.
func TestMutateBreaksEveryCheck(t *testing.T) {
	const v1, v2, v3, v4, fresh = valueSpan + 1, valueSpan + 2, valueSpan + 3, valueSpan + 4, valueSpan + 99
	j := newJournals()
	lines := []string{start(),
		wr(1, outcomeOK, nil, "f00", v1), wr(2, outcomeFailed, nil, "f00", fresh), wr(3, outcomeUnknown, yes, "f00", v2),
		wr(4, outcomeOK, nil, "f00", v3, "f01", v4),
		rd("f00", 20, "snapshot", 3.5, 3.6), rd("f00", 20, "snapshot", 3.7, 3.8),
	}
	if err := j.parse(strings.NewReader(strings.Join(lines, "\n"))); err != nil {
		t.Fatal(err)
	}
	h := testHistory()
	for _, m := range mutate(j, h) {
		if strings.Contains(m, "no ") {
			t.Errorf("mutate: %s", m)
		}
	}
	v := check(j, h, &describer{snapshot: j.snapshot})
	for k := range violationKinds {
		if v.counts[k] == 0 {
			t.Errorf("after mutate, no %s", violationNames[k])
		}
	}
}
