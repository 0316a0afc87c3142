package memory_test

import (
	"testing"

	"github.com/go-sysconfig/sysconfig/runtime"
	"github.com/go-sysconfig/sysconfig/runtime/memory"
	"github.com/go-sysconfig/sysconfig/runtime/runtimetest"
)

func TestStoreConformance(t *testing.T) {
	runtimetest.TestStore(t, func(*testing.T) runtime.Store { return memory.NewStore() })
}

func TestCacheConformance(t *testing.T) {
	runtimetest.TestCache(t, func(*testing.T) runtime.Cache { return memory.NewCache() })
}

func TestNotifierConformance(t *testing.T) {
	runtimetest.TestNotifier(t, func(*testing.T) (runtime.Store, runtime.Notifier) {
		s := memory.NewStore()
		return s, s
	})
}
