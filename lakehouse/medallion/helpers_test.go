package medallion_test

import (
	"context"
	"testing"

	"github.com/magnumopus/opus/internal/lakehousetest"
	"github.com/magnumopus/opus/lakehouse"
)

func forEachBackend(t *testing.T, fn func(t *testing.T, w *lakehouse.Warehouse)) {
	t.Helper()
	lakehousetest.ForEachBackend(t, fn)
}

func openWarehouse(t *testing.T, cfg lakehouse.Config) *lakehouse.Warehouse {
	t.Helper()
	return lakehousetest.Open(t, cfg)
}

func testContext(t *testing.T) context.Context { return lakehousetest.Context(t) }

func count(t *testing.T, w *lakehouse.Warehouse, name string, opts lakehouse.ScanOptions) int64 {
	t.Helper()
	n, err := w.Count(testContext(t), name, opts)
	if err != nil {
		t.Fatalf("Count(%s): %v", name, err)
	}
	return n
}
