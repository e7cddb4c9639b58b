package lakehouse_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/magnumopus/opus/lakehouse"
)

// brokenReader yields its batches, then fails.
type brokenReader struct {
	array.RecordReader
	err error
}

func (r *brokenReader) Next() bool {
	if r.RecordReader.Next() {
		return true
	}
	r.err = errors.New("stream broke off")
	return false
}

func (r *brokenReader) Err() error { return r.err }

func TestReplaceWhereStream(t *testing.T) {
	forEachBackend(t, func(t *testing.T, w *lakehouse.Warehouse) {
		ctx := testContext(t)
		const name = "bronze.streamed"
		createYellow(t, w, name)
		first := mustAppend(t, w, name, withSource(t, trips(t, time.January, 100, 1), "a"), withSource(t, trips(t, time.January, 50, 2), "b"))
		batches := []arrow.RecordBatch{
			withSource(t, trips(t, time.January, 70, 3), "a"),
			withSource(t, trips(t, time.February, 80, 4), "a"),
			withSource(t, trips(t, time.March, 90, 5), "a"),
		}
		opens := 0
		open := func(context.Context) (array.RecordReader, error) {
			opens++
			return array.NewRecordReader(batches[0].Schema(), batches)
		}
		snap, err := w.ReplaceWhereStream(ctx, name, lakehouse.Eq("source_file", "a"), open)
		if err != nil {
			t.Fatal(err)
		}
		if opens != 1 || snap.ParentID != first.ID {
			t.Fatalf("opened %d times, snapshot %+v", opens, snap)
		}
		if n := count(t, w, name, lakehouse.ScanOptions{Filter: lakehouse.Eq("source_file", "a")}); n != 240 {
			t.Fatalf("a: %d rows, want 240", n)
		}
		if n := count(t, w, name, lakehouse.ScanOptions{}); n != 290 {
			t.Fatalf("table: %d rows, want 290", n)
		}

		// A stream that fails half-way commits nothing.
		broken := func(context.Context) (array.RecordReader, error) {
			rdr, err := array.NewRecordReader(batches[0].Schema(), batches[:2])
			return &brokenReader{RecordReader: rdr}, err
		}
		if _, err := w.ReplaceWhereStream(ctx, name, lakehouse.Eq("source_file", "b"), broken); err == nil || !strings.Contains(err.Error(), "broke off") {
			t.Fatalf("broken stream: %v", err)
		}
		if cur := current(t, w, name); cur.ID != snap.ID {
			t.Fatalf("broken stream moved the table to %d", cur.ID)
		}
		if n := count(t, w, name, lakehouse.ScanOptions{}); n != 290 {
			t.Fatalf("after the broken stream: %d rows, want 290", n)
		}

		// A stream of the wrong schema is refused before anything is written.
		wrong := func(context.Context) (array.RecordReader, error) {
			rec := trips(t, time.January, 5, 6) // no source_file column is fine; a stray column is not
			return array.NewRecordReader(withExtra(t, rec).Schema(), []arrow.RecordBatch{withExtra(t, rec)})
		}
		if _, err := w.ReplaceWhereStream(ctx, name, nil, wrong); err == nil || !strings.Contains(err.Error(), "not in the table") {
			t.Fatalf("stray column: %v", err)
		}
		failing := func(context.Context) (array.RecordReader, error) { return nil, errors.New("cannot open") }
		if _, err := w.ReplaceWhereStream(ctx, name, nil, failing); err == nil || !strings.Contains(err.Error(), "cannot open") {
			t.Fatalf("open failure: %v", err)
		}
	})
}

// withExtra appends a column the yellow table does not have.
func withExtra(t testing.TB, rec arrow.RecordBatch) arrow.RecordBatch {
	t.Helper()
	b := array.NewInt64Builder(memory.DefaultAllocator)
	defer b.Release()
	for range rec.NumRows() {
		b.Append(1)
	}
	col := b.NewArray()
	defer col.Release()
	fields := append(rec.Schema().Fields(), arrow.Field{Name: "stray", Type: arrow.PrimitiveTypes.Int64, Nullable: true})
	out := array.NewRecordBatch(arrow.NewSchema(fields, nil), append(append([]arrow.Array(nil), rec.Columns()...), col), rec.NumRows())
	t.Cleanup(out.Release)
	return out
}
