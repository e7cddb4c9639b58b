package lakehouse_test

import (
	"context"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/magnumopus/opus/internal/testsvc"
	"github.com/magnumopus/opus/lakehouse"
	"github.com/magnumopus/opus/tlc"
)

// backend builds the Config of one catalog and storage combination, or
// skips the test when its services are not configured.
type backend struct {
	name   string
	config func(t *testing.T) lakehouse.Config
}

var backends = []backend{
	{"embedded", func(t *testing.T) lakehouse.Config {
		return lakehouse.Config{Warehouse: t.TempDir()}
	}},
	{"postgres", func(t *testing.T) lakehouse.Config {
		return lakehouse.Config{CatalogURI: testsvc.FreshPostgresDatabase(t), Warehouse: t.TempDir()}
	}},
	{"s3", func(t *testing.T) lakehouse.Config {
		return s3Config(t, "sqlite:"+t.TempDir()+"/catalog.db")
	}},
	{"postgres+s3", func(t *testing.T) lakehouse.Config {
		dsn := testsvc.FreshPostgresDatabase(t)
		return s3Config(t, dsn)
	}},
}

func s3Config(t *testing.T, catalogURI string) lakehouse.Config {
	s3 := testsvc.S3(t)
	bucket := testsvc.FreshBucket(t, s3)
	return lakehouse.Config{
		CatalogURI: catalogURI,
		Warehouse:  "s3://" + bucket + "/warehouse",
		S3:         lakehouse.S3Config{Endpoint: s3.Endpoint, AccessKey: s3.AccessKey, SecretKey: s3.SecretKey, Region: s3.Region},
	}
}

// forEachBackend runs fn once per backend, as subtests, each with a fresh
// open Warehouse.
func forEachBackend(t *testing.T, fn func(t *testing.T, w *lakehouse.Warehouse)) {
	t.Helper()
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			if testing.Short() && b.name != "embedded" {
				t.Skip("-short: embedded backend only")
			}
			fn(t, openWarehouse(t, b.config(t)))
		})
	}
}

func openWarehouse(t *testing.T, cfg lakehouse.Config) *lakehouse.Warehouse {
	t.Helper()
	w, err := lakehouse.Open(testContext(t), cfg)
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

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// trips returns rows canonical yellow trips of the given month.
func trips(t testing.TB, month time.Month, rows int, seed uint64) arrow.RecordBatch {
	t.Helper()
	g, err := tlc.NewGenerator(tlc.GenerateConfig{Kind: tlc.Yellow, Year: 2024, Month: int(month), Rows: rows, Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	rec := g.Next(memory.DefaultAllocator, rows)
	t.Cleanup(rec.Release)
	return rec
}

// withSource appends a source_file column holding file to rec.
func withSource(t testing.TB, rec arrow.RecordBatch, file string) arrow.RecordBatch {
	t.Helper()
	b := array.NewStringBuilder(memory.DefaultAllocator)
	defer b.Release()
	for range rec.NumRows() {
		b.Append(file)
	}
	col := b.NewArray()
	defer col.Release()
	fields := append(rec.Schema().Fields(), arrow.Field{Name: "source_file", Type: arrow.BinaryTypes.String, Nullable: true})
	cols := append(append([]arrow.Array(nil), rec.Columns()...), col)
	out := array.NewRecordBatch(arrow.NewSchema(fields, nil), cols, rec.NumRows())
	t.Cleanup(out.Release)
	return out
}

// yellowSpec is the table spec of canonical yellow trips with a
// source_file column, partitioned by pickup month.
func yellowSpec(t testing.TB) lakehouse.TableSpec {
	t.Helper()
	sc, err := tlc.Schema(tlc.Yellow)
	if err != nil {
		t.Fatal(err)
	}
	fields := append(sc.Fields(), arrow.Field{Name: "source_file", Type: arrow.BinaryTypes.String, Nullable: true})
	return lakehouse.TableSpec{
		Schema:    arrow.NewSchema(fields, nil),
		Partition: []lakehouse.PartitionField{lakehouse.Month("pickup_datetime")},
	}
}

func createYellow(t *testing.T, w *lakehouse.Warehouse, name string) {
	t.Helper()
	if err := w.CreateTable(testContext(t), name, yellowSpec(t)); err != nil {
		t.Fatal(err)
	}
}

func count(t *testing.T, w *lakehouse.Warehouse, name string, opts lakehouse.ScanOptions) int64 {
	t.Helper()
	n, err := w.Count(testContext(t), name, opts)
	if err != nil {
		t.Fatalf("Count(%s): %v", name, err)
	}
	return n
}

func current(t *testing.T, w *lakehouse.Warehouse, name string) lakehouse.Snapshot {
	t.Helper()
	s, err := w.Current(testContext(t), name)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func mustAppend(t *testing.T, w *lakehouse.Warehouse, name string, recs ...arrow.RecordBatch) lakehouse.Snapshot {
	t.Helper()
	s, err := w.Append(testContext(t), name, recs)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// countWhere counts the rows of rec whose int32 column col equals v.
func countWhere(rec arrow.RecordBatch, col string, v int32) int64 {
	idx := rec.Schema().FieldIndices(col)[0]
	a := rec.Column(idx).(*array.Int32)
	var n int64
	for i := range a.Len() {
		if a.IsValid(i) && a.Value(i) == v {
			n++
		}
	}
	return n
}
