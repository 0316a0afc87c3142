// Package runtimetest holds the conformance suites that every runtime.Store
// and runtime.Cache implementation must pass. The memory, Postgres and Redis
// backends all run them; a third-party backend should too:
//
//	func TestConformance(t *testing.T) {
//		runtimetest.TestStore(t, func(t *testing.T) runtime.Store { return newStore(t) })
//	}
//
// Each suite calls its factory once per subtest and expects an empty backend.
package runtimetest
