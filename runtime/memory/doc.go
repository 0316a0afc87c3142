// Package memory provides in-process implementations of runtime.Store and
// runtime.Cache. They follow the same contracts as the Postgres and Redis
// backends (they pass the same conformance suite) and need no set-up, which
// makes them the right choice for an app's unit tests and for demos. They
// keep nothing across restarts and share nothing between processes; within
// a process, the Store notifies every client listening to it, so several
// clients over one Store behave like several processes over one Postgres.
package memory
