// Package integration holds the end-to-end tests and benchmarks of the
// runtime over the real PostgreSQL and Redis servers: the version-gated race
// harness, outages of either backend, corrupt cache entries, and the read
// and write benchmarks against raw pgx and go-redis calls. Every test gets
// its own Postgres schema and Redis key prefix (see internal/testenv), and
// fails with instructions when the servers are unreachable.
package integration
