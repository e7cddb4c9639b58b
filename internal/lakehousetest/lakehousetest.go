// Package lakehousetest runs lakehouse tests against every catalog and
// storage combination this machine offers: the embedded default (SQLite
// catalog, local directory), a PostgreSQL catalog, an S3 warehouse and
// PostgreSQL + S3. Backends whose services are not configured skip (see
// internal/testsvc).
package lakehousetest

import (
	"context"
	"testing"
	"time"

	"github.com/magnumopus/opus/internal/testsvc"
	"github.com/magnumopus/opus/lakehouse"
)

// Backend builds the Config of one catalog and storage combination, or
// skips the test when its services are not configured.
type Backend struct {
	// Name names the subtest: "embedded", "postgres", "s3", "postgres+s3".
	Name string
	// Config returns a Config pointing at fresh, empty storage.
	Config func(t *testing.T) lakehouse.Config
}

// Backends returns every backend, the embedded default first.
func Backends() []Backend {
	return []Backend{
		{"embedded", func(t *testing.T) lakehouse.Config {
			return lakehouse.Config{Warehouse: t.TempDir()}
		}},
		{"postgres", func(t *testing.T) lakehouse.Config {
			return lakehouse.Config{CatalogURI: testsvc.FreshPostgresDatabase(t), Warehouse: t.TempDir()}
		}},
		{"s3", func(t *testing.T) lakehouse.Config {
			return S3Config(t, "sqlite:"+t.TempDir()+"/catalog.db")
		}},
		{"postgres+s3", func(t *testing.T) lakehouse.Config {
			return S3Config(t, testsvc.FreshPostgresDatabase(t))
		}},
	}
}

// S3Config returns a Config with the given catalog and a warehouse in a
// fresh bucket of the test S3 server, or skips when there is none.
func S3Config(t *testing.T, catalogURI string) lakehouse.Config {
	t.Helper()
	s3 := testsvc.S3(t)
	bucket := testsvc.FreshBucket(t, s3)
	return lakehouse.Config{
		CatalogURI: catalogURI,
		Warehouse:  "s3://" + bucket + "/warehouse",
		S3:         lakehouse.S3Config{Endpoint: s3.Endpoint, AccessKey: s3.AccessKey, SecretKey: s3.SecretKey, Region: s3.Region},
	}
}

// ForEachBackend runs fn once per backend, as subtests, each with a fresh
// open Warehouse; with -short only the embedded backend runs.
func ForEachBackend(t *testing.T, fn func(t *testing.T, w *lakehouse.Warehouse)) {
	t.Helper()
	for _, b := range Backends() {
		t.Run(b.Name, func(t *testing.T) {
			if testing.Short() && b.Name != "embedded" {
				t.Skip("-short: embedded backend only")
			}
			fn(t, Open(t, b.Config(t)))
		})
	}
}

// Open opens a Warehouse closed at the end of the test.
func Open(t *testing.T, cfg lakehouse.Config) *lakehouse.Warehouse {
	t.Helper()
	w, err := lakehouse.Open(Context(t), cfg)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := w.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return w
}

// Context returns a context cancelled at the end of the test or after five
// minutes.
func Context(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	t.Cleanup(cancel)
	return ctx
}
