package main

import (
	"strconv"
	"testing"
)

// rawValue is what the baselines read and write: the cached form of a
// short string, as long as the typed read's Redis entry.
const rawValue = "12:s:Some title"

// rawGet is figure 1: one go-redis GET of a short value.
func (r *rig) rawGet(b *testing.B) error {
	key := r.env.prefix + "raw:get"
	if err := r.env.rdb.Set(r.ctx, key, rawValue, 0).Err(); err != nil {
		return err
	}
	for b.Loop() {
		if _, err := r.env.rdb.Get(r.ctx, key).Result(); err != nil {
			return err
		}
	}
	return nil
}

// rawSelect is figure 2: one pgx SELECT of one row by primary key.
func (r *rig) rawSelect(b *testing.B) error {
	var value string
	var version int64
	for b.Loop() {
		err := r.env.pool.QueryRow(r.ctx, "SELECT value, version FROM raw_values WHERE path = $1",
			"bench.main.title").Scan(&value, &version)
		if err != nil {
			return err
		}
	}
	return nil
}

// rawWrite is the baseline of figure 5: one pgx upsert and one go-redis SET,
// what a hand-written cache-aside write costs.
func (r *rig) rawWrite(b *testing.B) error {
	key := r.env.prefix + "raw:set"
	i := 0
	for b.Loop() {
		i++
		v := strconv.Itoa(i)
		_, err := r.env.pool.Exec(r.ctx, `INSERT INTO raw_values VALUES ('bench.main.count', $1, $2)
			ON CONFLICT (path) DO UPDATE SET value = excluded.value, version = excluded.version`, v, i)
		if err != nil {
			return err
		}
		if err := r.env.rdb.Set(r.ctx, key, v, 0).Err(); err != nil {
			return err
		}
	}
	return nil
}
