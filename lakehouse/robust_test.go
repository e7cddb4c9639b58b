package lakehouse_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/magnumopus/opus/lakehouse"
)

// retype returns rec with column col's type replaced by a string column of
// the same length (all "x"), or with its timestamp zone set to UTC.
func retype(t *testing.T, rec arrow.RecordBatch, col string, zoned bool) arrow.RecordBatch {
	t.Helper()
	idx := rec.Schema().FieldIndices(col)[0]
	fields := rec.Schema().Fields()
	cols := append([]arrow.Array(nil), rec.Columns()...)
	if zoned {
		typ := &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}
		fields[idx].Type = typ
		data := array.NewData(typ, rec.Column(idx).Len(), rec.Column(idx).Data().Buffers(), nil, rec.Column(idx).NullN(), 0)
		defer data.Release()
		cols[idx] = array.MakeFromData(data)
		defer cols[idx].Release()
	} else {
		b := array.NewStringBuilder(memory.DefaultAllocator)
		defer b.Release()
		for range rec.NumRows() {
			b.Append("x")
		}
		cols[idx] = b.NewArray()
		defer cols[idx].Release()
		fields[idx].Type = arrow.BinaryTypes.String
	}
	out := array.NewRecordBatch(arrow.NewSchema(fields, nil), cols, rec.NumRows())
	t.Cleanup(out.Release)
	return out
}

func TestFailedWriteLeavesTableUnchanged(t *testing.T) {
	forEachBackend(t, func(t *testing.T, w *lakehouse.Warehouse) {
		const name = "bronze.guarded"
		createYellow(t, w, name)
		good := withSource(t, trips(t, time.January, 200, 1), "good")
		base := mustAppend(t, w, name, good)
		cancelled, cancel := context.WithCancel(context.Background())
		cancel()
		extra := func(t *testing.T) arrow.RecordBatch {
			rec := withSource(t, trips(t, time.January, 10, 2), "x")
			b := array.NewInt64Builder(memory.DefaultAllocator)
			defer b.Release()
			for range rec.NumRows() {
				b.Append(1)
			}
			col := b.NewArray()
			defer col.Release()
			fields := append(rec.Schema().Fields(), arrow.Field{Name: "surprise", Type: arrow.PrimitiveTypes.Int64, Nullable: true})
			out := array.NewRecordBatch(arrow.NewSchema(fields, nil), append(append([]arrow.Array(nil), rec.Columns()...), col), rec.NumRows())
			t.Cleanup(out.Release)
			return out
		}
		tests := []struct {
			name    string
			ctx     context.Context
			replace bool
			records func(t *testing.T) []arrow.RecordBatch
		}{
			{"wrong column type", nil, false, func(t *testing.T) []arrow.RecordBatch {
				return []arrow.RecordBatch{retype(t, withSource(t, trips(t, time.January, 10, 2), "bad"), "fare_amount", false)}
			}},
			{"zoned timestamp", nil, false, func(t *testing.T) []arrow.RecordBatch {
				return []arrow.RecordBatch{retype(t, withSource(t, trips(t, time.January, 10, 2), "bad"), "pickup_datetime", true)}
			}},
			{"unknown column", nil, false, func(t *testing.T) []arrow.RecordBatch { return []arrow.RecordBatch{extra(t)} }},
			{"batches disagree", nil, false, func(t *testing.T) []arrow.RecordBatch {
				return []arrow.RecordBatch{withSource(t, trips(t, time.January, 10, 2), "ok"), trips(t, time.January, 10, 3)}
			}},
			{"replace with wrong type", nil, true, func(t *testing.T) []arrow.RecordBatch {
				return []arrow.RecordBatch{retype(t, withSource(t, trips(t, time.January, 10, 2), "bad"), "vendor_id", false)}
			}},
			{"cancelled context", cancelled, false, func(t *testing.T) []arrow.RecordBatch {
				return []arrow.RecordBatch{withSource(t, trips(t, time.January, 10, 2), "late")}
			}},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				ctx := tc.ctx
				if ctx == nil {
					ctx = testContext(t)
				}
				var err error
				if tc.replace {
					_, err = w.ReplaceWhere(ctx, name, lakehouse.Eq("source_file", "good"), tc.records(t))
				} else {
					_, err = w.Append(ctx, name, tc.records(t))
				}
				if err == nil {
					t.Fatal("write succeeded")
				}
				if !strings.Contains(err.Error(), name) {
					t.Errorf("error does not name the table: %v", err)
				}
				if s := current(t, w, name); s.ID != base.ID {
					t.Errorf("current snapshot moved from %d to %d", base.ID, s.ID)
				}
				if n := count(t, w, name, lakehouse.ScanOptions{}); n != 200 {
					t.Errorf("%d rows after the failed write, want 200", n)
				}
				if n := count(t, w, name, lakehouse.ScanOptions{Filter: lakehouse.Eq("source_file", "good")}); n != 200 {
					t.Errorf("%d good rows after the failed write, want 200", n)
				}
			})
		}
	})
}

func TestConcurrentAppends(t *testing.T) {
	forEachBackend(t, func(t *testing.T, w *lakehouse.Warehouse) {
		const (
			name    = "bronze.raced"
			writers = 2
			rounds  = 3
			rows    = 100
		)
		createYellow(t, w, name)
		ctx := testContext(t)
		// The first commit of both writers races for "branch main was created
		// concurrently"; later ones race on the head snapshot.
		var wg sync.WaitGroup
		errs := make(chan error, writers*rounds)
		start := make(chan struct{})
		for i := range writers {
			recs := make([]arrow.RecordBatch, rounds)
			for r := range rounds {
				recs[r] = withSource(t, trips(t, time.January, rows, uint64(10*i+r+1)), fmt.Sprintf("w%d-%d", i, r))
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				for _, rec := range recs {
					if _, err := w.Append(ctx, name, []arrow.RecordBatch{rec}); err != nil {
						errs <- err
					}
				}
			}()
		}
		close(start)
		wg.Wait()
		close(errs)
		t.Logf("operations redone after a lost race: %d", lakehouse.Retries(w))
		for err := range errs {
			t.Error(err)
		}
		if n := count(t, w, name, lakehouse.ScanOptions{}); n != writers*rounds*rows {
			t.Errorf("%d rows, want %d", n, writers*rounds*rows)
		}
		snaps, err := w.Snapshots(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		if len(snaps) != writers*rounds {
			t.Errorf("%d snapshots, want %d", len(snaps), writers*rounds)
		}
		for i := range writers {
			for r := range rounds {
				src := fmt.Sprintf("w%d-%d", i, r)
				if n := count(t, w, name, lakehouse.ScanOptions{Filter: lakehouse.Eq("source_file", src)}); n != rows {
					t.Errorf("%s: %d rows, want %d", src, n, rows)
				}
			}
		}
	})
}

func TestConcurrentWarehouses(t *testing.T) {
	// Two Warehouse values on one embedded catalog: two processes, in effect.
	cfg := lakehouse.Config{Warehouse: t.TempDir()}
	a, b := openWarehouse(t, cfg), openWarehouse(t, cfg)
	const name = "bronze.shared"
	createYellow(t, a, name)
	ctx := testContext(t)
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, w := range []*lakehouse.Warehouse{a, b} {
		rec := withSource(t, trips(t, time.January, 100, uint64(i+1)), fmt.Sprint(i))
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = w.Append(ctx, name, []arrow.RecordBatch{rec})
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if n := count(t, b, name, lakehouse.ScanOptions{}); n != 200 {
		t.Errorf("%d rows, want 200", n)
	}
}

func TestExpireSnapshots(t *testing.T) {
	forEachBackend(t, func(t *testing.T, w *lakehouse.Warehouse) {
		ctx := testContext(t)
		const name = "bronze.expiring"
		createYellow(t, w, name)
		s1 := mustAppend(t, w, name, withSource(t, trips(t, time.January, 100, 1), "a"))
		s2 := mustAppend(t, w, name, withSource(t, trips(t, time.January, 100, 2), "b"))
		if _, err := w.ReplaceWhere(ctx, name, lakehouse.Eq("source_file", "a"), []arrow.RecordBatch{withSource(t, trips(t, time.January, 30, 3), "c")}); err != nil {
			t.Fatal(err)
		}
		// Defaults (5 days) expire nothing yet.
		removed, err := w.ExpireSnapshots(ctx, name, lakehouse.ExpireOptions{})
		if err != nil || len(removed) != 0 {
			t.Fatalf("default expiry removed %v, %v", removed, err)
		}
		time.Sleep(10 * time.Millisecond)
		removed, err = w.ExpireSnapshots(ctx, name, lakehouse.ExpireOptions{OlderThan: time.Millisecond, RetainLast: 1})
		if err != nil {
			t.Fatal(err)
		}
		if len(removed) != 2 || removed[0].ID != s1.ID || removed[1].ID != s2.ID {
			t.Fatalf("removed %+v, want snapshots %d and %d", removed, s1.ID, s2.ID)
		}
		if n := count(t, w, name, lakehouse.ScanOptions{}); n != 130 {
			t.Errorf("%d rows after expiry, want 130", n)
		}
		if _, err := w.Count(ctx, name, lakehouse.ScanOptions{SnapshotID: s1.ID}); err == nil {
			t.Error("time travel to an expired snapshot succeeded")
		}
	})
}

func TestCompact(t *testing.T) {
	forEachBackend(t, func(t *testing.T, w *lakehouse.Warehouse) {
		ctx := testContext(t)
		const name = "bronze.small_files"
		createYellow(t, w, name)
		var fares float64
		for i := range 5 {
			rec := withSource(t, trips(t, time.January, 60, uint64(i+1)), fmt.Sprint(i))
			for _, v := range rec.Column(rec.Schema().FieldIndices("fare_amount")[0]).(*array.Float64).Float64Values() {
				fares += v
			}
			mustAppend(t, w, name, rec)
		}
		mustAppend(t, w, name, withSource(t, trips(t, time.February, 40, 9), "feb"))
		before := current(t, w, name)
		res, err := w.Compact(ctx, name, lakehouse.CompactOptions{})
		if err != nil {
			t.Fatal(err)
		}
		// January's five files become one; February's single file stays.
		if res.RemovedFiles != 5 || res.AddedFiles != 1 || res.Snapshot.ParentID != before.ID || res.Snapshot.Operation != "replace" {
			t.Fatalf("compaction: %+v", res)
		}
		if n := count(t, w, name, lakehouse.ScanOptions{}); n != 340 {
			t.Errorf("%d rows after compaction, want 340", n)
		}
		rdr, err := w.Scan(ctx, name, lakehouse.ScanOptions{Columns: []string{"fare_amount"}, Filter: lakehouse.MonthRange("pickup_datetime", 2024, time.January)})
		if err != nil {
			t.Fatal(err)
		}
		var got float64
		for rdr.Next() {
			for _, v := range rdr.RecordBatch().Column(0).(*array.Float64).Float64Values() {
				got += v
			}
		}
		rdr.Release()
		if d := got - fares; d > 1e-6 || d < -1e-6 {
			t.Errorf("january fares %f after compaction, %f before", got, fares)
		}
		// Nothing left to do.
		again, err := w.Compact(ctx, name, lakehouse.CompactOptions{})
		if err != nil || again.Snapshot.ID != 0 || again.RemovedFiles != 0 {
			t.Errorf("second compaction: %+v, %v", again, err)
		}
	})
}

func TestLostRaceWithoutRetryLeavesNoRows(t *testing.T) {
	// With retries off, writers that lose a race fail cleanly: the rows in
	// the table are exactly those of the appends that reported success.
	w := openWarehouse(t, lakehouse.Config{Warehouse: t.TempDir(), Retry: lakehouse.RetryPolicy{Attempts: 1, CommitRetries: -1}})
	const name = "bronze.unretried"
	createYellow(t, w, name)
	ctx := testContext(t)
	var (
		wg sync.WaitGroup
		mu sync.Mutex
		ok int64
	)
	for i := range 4 {
		rec := withSource(t, trips(t, time.January, 50, uint64(i+1)), fmt.Sprint(i))
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 3 {
				_, err := w.Append(ctx, name, []arrow.RecordBatch{rec})
				mu.Lock()
				if err == nil {
					ok++
				} else if !strings.Contains(err.Error(), name) || !strings.Contains(err.Error(), "commit failed after 1 attempt") {
					t.Errorf("unexpected error: %v", err)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if n := count(t, w, name, lakehouse.ScanOptions{}); n != 50*ok {
		t.Errorf("%d rows, want %d from %d successful appends", n, 50*ok, ok)
	}
}

func TestCompactWhileAppending(t *testing.T) {
	forEachBackend(t, func(t *testing.T, w *lakehouse.Warehouse) {
		const name = "bronze.busy"
		createYellow(t, w, name)
		for i := range 4 {
			mustAppend(t, w, name, withSource(t, trips(t, time.January, 50, uint64(i+1)), fmt.Sprint(i)))
		}
		ctx := testContext(t)
		var (
			wg        sync.WaitGroup
			cErr, aEr error
		)
		late := withSource(t, trips(t, time.January, 70, 99), "late")
		wg.Add(2)
		go func() { defer wg.Done(); _, cErr = w.Compact(ctx, name, lakehouse.CompactOptions{}) }()
		go func() { defer wg.Done(); _, aEr = w.Append(ctx, name, []arrow.RecordBatch{late}) }()
		wg.Wait()
		if cErr != nil || aEr != nil {
			t.Fatalf("compact: %v; append: %v", cErr, aEr)
		}
		if n := count(t, w, name, lakehouse.ScanOptions{}); n != 270 {
			t.Errorf("%d rows, want 270", n)
		}
		if n := count(t, w, name, lakehouse.ScanOptions{Filter: lakehouse.Eq("source_file", "late")}); n != 70 {
			t.Errorf("%d late rows, want 70", n)
		}
	})
}
