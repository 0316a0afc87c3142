package runtime

import (
	"fmt"
	goruntime "runtime"
	"testing"
)

// The wide schemas of the per-change cost benchmarks and tests: sizes of
// 100 and 100,000 fields, side by side, so that a cost that grows with the
// schema shows as a ratio.
var wideSizes = []int{100, 100_000}

// wideSchema declares app "wide" with n int fields, in sections of 100;
// field i defaults to i.
func wideSchema(n int) *Schema {
	var sections []*Section
	for s := 0; s*100 < n; s++ {
		var fields []Descriptor
		for i := s * 100; i < min(n, (s+1)*100); i++ {
			fields = append(fields, IntField(fmt.Sprintf("f%06d", i), int64(i), Meta{}))
		}
		sections = append(sections, NewSection(fmt.Sprintf("s%04d", s), "", "", fields...))
	}
	return NewSchema("wide", sections...)
}

// wideSnapshots returns a begun snapshots of a wide schema of n fields.
func wideSnapshots(n int) *snapshots {
	s := &snapshots{schema: wideSchema(n)}
	s.begin()
	return s
}

// wideRecord returns the i-th record written to the middle field of a wide
// schema of n fields, as a sync hands it to merge.
func wideRecord(s *snapshots, i int) Record {
	f := s.schema.fields[len(s.schema.fields)/2].field()
	return Record{Path: f.path, Epoch: 1, Version: int64(i), Set: true, Value: fmt.Sprint(i)}
}

// BenchmarkSnapshotMerge is what a sync costs a process per changed field:
// the merge of one new record into the snapshot, at 100 and at 100,000
// fields.
func BenchmarkSnapshotMerge(b *testing.B) {
	for _, n := range wideSizes {
		b.Run(fmt.Sprintf("fields=%d", n), func(b *testing.B) {
			s := wideSnapshots(n)
			recs := make([]Record, 1)
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				i++
				recs[0] = wideRecord(s, i)
				if len(s.merge(recs, SourceStore)) != 1 {
					b.Fatal("the record was not merged")
				}
			}
		})
	}
}

// bytesPer returns the bytes allocated per call of op, over runs calls
// after one to warm up.
func bytesPer(runs int, op func()) float64 {
	op()
	var before, after goruntime.MemStats
	goruntime.ReadMemStats(&before)
	for range runs {
		op()
	}
	goruntime.ReadMemStats(&after)
	return float64(after.TotalAlloc-before.TotalAlloc) / float64(runs)
}

// TestMergeCostIndependentOfSchemaSize checks that merging one record
// allocates about as much at 100,000 fields as at 100: what a change costs
// a process must not grow with the schema (copying every slot allocated
// 7.2 MB per record at 100,000 fields). Measured in bytes, not timed.
func TestMergeCostIndependentOfSchemaSize(t *testing.T) {
	per := map[int]float64{}
	for _, n := range wideSizes {
		s := wideSnapshots(n)
		i := 0
		per[n] = bytesPer(200, func() {
			i++
			s.merge([]Record{wideRecord(s, i)}, SourceStore)
		})
	}
	small, big := per[wideSizes[0]], per[wideSizes[1]]
	t.Logf("bytes per merged record: %.0f at %d fields, %.0f at %d fields", small, wideSizes[0], big, wideSizes[1])
	if big > 2*small {
		t.Errorf("a merge allocates %.0f B at %d fields, more than twice the %.0f B at %d fields",
			big, wideSizes[1], small, wideSizes[0])
	}
}
