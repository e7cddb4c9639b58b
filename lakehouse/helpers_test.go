package lakehouse_test

import (
	"context"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/magnumopus/opus/internal/lakehousetest"
	"github.com/magnumopus/opus/lakehouse"
	"github.com/magnumopus/opus/tlc"
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
