package runtime

import (
	"fmt"
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
