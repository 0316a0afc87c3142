//go:build linux

package main

import (
	"cmp"
	"slices"
)

// readGroup is the reads of one path by one worker incarnation.
type readGroup struct {
	worker int
	path   string
}

// checkMonotonic checks, for each worker incarnation and path, that no
// read returned an older (epoch, version) than a read that had ended
// before it began. Reads of one process may overlap (it reads from two
// goroutines); overlapping reads are not ordered.
func (v *verdict) checkMonotonic(reads []read, f *describer) {
	groups := map[readGroup][]int{}
	var order []readGroup
	for i, r := range reads {
		if r.source == "" {
			continue
		}
		g := readGroup{r.worker, r.path}
		if groups[g] == nil {
			order = append(order, g)
		}
		groups[g] = append(groups[g], i)
	}
	for _, g := range order {
		v.checkGroup(reads, groups[g], f)
	}
}

// checkGroup sweeps one group's reads in order of start, keeping the
// newest of those that ended before the current one began.
func (v *verdict) checkGroup(reads []read, idx []int, f *describer) {
	byStart := slices.Clone(idx)
	slices.SortStableFunc(byStart, func(a, b int) int { return cmp.Compare(reads[a].start, reads[b].start) })
	byEnd := slices.Clone(idx)
	slices.SortStableFunc(byEnd, func(a, b int) int { return cmp.Compare(reads[a].end, reads[b].end) })
	newest, e := -1, 0
	for _, b := range byStart {
		for ; e < len(byEnd) && reads[byEnd[e]].end < reads[b].start; e++ {
			if a := byEnd[e]; newest < 0 || older(&reads[newest], &reads[a]) {
				newest = a
			}
		}
		if newest >= 0 && older(&reads[b], &reads[newest]) {
			v.flag(backwardsRead, reads[b].start, f.backwards(&reads[b], &reads[newest]))
		}
	}
}

// older reports whether a returned an older (epoch, version) than b.
func older(a, b *read) bool {
	return a.epoch < b.epoch || a.epoch == b.epoch && a.version < b.version
}
