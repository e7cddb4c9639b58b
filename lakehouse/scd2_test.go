package lakehouse_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/magnumopus/opus/lakehouse"
	"github.com/magnumopus/opus/lakehouse/snapshot"
)

// dimension returns a batch of (id int64, name string, price float64) rows.
func dimension(t *testing.T, ids []int64, names []string, prices []float64) arrow.RecordBatch {
	t.Helper()
	sc := arrow.NewSchema([]arrow.Field{
		{Name: "id", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "name", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "price", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	}, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, sc)
	defer b.Release()
	b.Field(0).(*array.Int64Builder).AppendValues(ids, nil)
	b.Field(1).(*array.StringBuilder).AppendValues(names, nil)
	b.Field(2).(*array.Float64Builder).AppendValues(prices, nil)
	rec := b.NewRecordBatch()
	t.Cleanup(rec.Release)
	return rec
}

// rowsOf renders every row of batches as "v1|v2|...", sorted.
func rowsOf(batches []arrow.RecordBatch) []string {
	var out []string
	for _, b := range batches {
		for i := range int(b.NumRows()) {
			vals := make([]string, b.NumCols())
			for c := range vals {
				vals[c] = b.Column(c).ValueStr(i)
			}
			out = append(out, strings.Join(vals, "|"))
		}
	}
	slices.Sort(out)
	return out
}

func scanRows(t *testing.T, w *lakehouse.Warehouse, name string, opts lakehouse.ScanOptions) []string {
	t.Helper()
	rdr, err := w.Scan(testContext(t), name, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer rdr.Release()
	var bs []arrow.RecordBatch
	for rdr.Next() {
		b := rdr.RecordBatch()
		b.Retain()
		bs = append(bs, b)
	}
	if err := rdr.Err(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		for _, b := range bs {
			b.Release()
		}
	}()
	return rowsOf(bs)
}

// oracle keeps the snapshot in memory with snapshot.Apply and Merge, the
// expected content of the Iceberg table after each run.
type oracle struct {
	cfg  snapshot.Config
	rows []arrow.RecordBatch
}

func (o *oracle) run(t *testing.T, source arrow.RecordBatch, now time.Time) snapshot.Stats {
	t.Helper()
	res, err := snapshot.Apply(o.cfg, o.rows, []arrow.RecordBatch{source}, now)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Release()
	merged, err := snapshot.Merge(nil, o.rows, res)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range o.rows {
		b.Release()
	}
	o.rows = merged
	t.Cleanup(func() {
		for _, b := range merged {
			b.Release()
		}
	})
	return res.Stats
}

func TestRunSnapshot(t *testing.T) {
	t1 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	runs := []struct {
		ids    []int64
		names  []string
		prices []float64
		commit bool
	}{
		{[]int64{1, 2, 3, 4, 5}, []string{"a", "b", "c", "d", "e"}, []float64{1, 2, 3, 4, 5}, true},
		// 2 changes, 3 is deleted, 6 is new.
		{[]int64{1, 2, 4, 5, 6}, []string{"a", "B", "d", "e", "f"}, []float64{1, 2, 4, 5, 6}, true},
		// Unchanged source: nothing to commit.
		{[]int64{1, 2, 4, 5, 6}, []string{"a", "B", "d", "e", "f"}, []float64{1, 2, 4, 5, 6}, false},
		// 3 comes back, 2 changes again.
		{[]int64{1, 2, 3, 4, 5, 6}, []string{"a", "BB", "c", "d", "e", "f"}, []float64{1, 2, 3, 4, 5, 6}, true},
	}
	for _, mode := range []string{snapshot.HardDeletesInvalidate, snapshot.HardDeletesNewRecord} {
		t.Run(mode, func(t *testing.T) {
			forEachBackend(t, func(t *testing.T, w *lakehouse.Warehouse) {
				ctx := testContext(t)
				if err := w.CreateNamespace(ctx, "dims"); err != nil {
					t.Fatal(err)
				}
				const name = "dims.products"
				cfg := snapshot.Config{UniqueKey: []string{"id"}, Strategy: snapshot.StrategyCheck, HardDeletes: mode}
				o := &oracle{cfg: cfg}
				var first lakehouse.SnapshotRun
				for i, r := range runs {
					src := dimension(t, r.ids, r.names, r.prices)
					now := t1.Add(time.Duration(i) * 24 * time.Hour)
					var before lakehouse.Snapshot
					if i > 0 {
						before = current(t, w, name)
					}
					run, err := w.RunSnapshot(ctx, name, cfg, []arrow.RecordBatch{src}, now)
					if err != nil {
						t.Fatalf("run %d: %v", i, err)
					}
					want := o.run(t, src, now)
					if run.Stats != want {
						t.Fatalf("run %d: stats %+v, want %+v", i, run.Stats, want)
					}
					if run.Committed != r.commit || run.Created != (i == 0) {
						t.Fatalf("run %d: committed %v created %v", i, run.Committed, run.Created)
					}
					if !r.commit && run.Snapshot.ID != before.ID {
						t.Fatalf("run %d: unchanged source moved the table from snapshot %d to %d", i, before.ID, run.Snapshot.ID)
					}
					if r.commit && run.Snapshot.ParentID != before.ID {
						t.Fatalf("run %d: snapshot %+v does not follow %d", i, run.Snapshot, before.ID)
					}
					if got, want := scanRows(t, w, name, lakehouse.ScanOptions{}), rowsOf(o.rows); !slices.Equal(got, want) {
						t.Fatalf("run %d: table\n%s\nwant\n%s", i, strings.Join(got, "\n"), strings.Join(want, "\n"))
					}
					if i == 0 {
						first = run
					}
				}
				// Time travel: the first run's snapshot still holds its rows.
				got := scanRows(t, w, name, lakehouse.ScanOptions{SnapshotID: first.Snapshot.ID})
				if len(got) != len(runs[0].ids) {
					t.Fatalf("as of the first run: %d rows, want %d", len(got), len(runs[0].ids))
				}
			})
		})
	}
}

func TestRunSnapshotValidToCurrent(t *testing.T) {
	w := openWarehouse(t, lakehouse.Config{Warehouse: t.TempDir()})
	ctx := testContext(t)
	if err := w.CreateNamespace(ctx, "dims"); err != nil {
		t.Fatal(err)
	}
	far := time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)
	cfg := snapshot.Config{UniqueKey: []string{"id"}, Strategy: snapshot.StrategyCheck,
		HardDeletes: snapshot.HardDeletesInvalidate, ValidToCurrent: &far}
	o := &oracle{cfg: cfg}
	t1 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for i, src := range []arrow.RecordBatch{
		dimension(t, []int64{1, 2}, []string{"a", "b"}, []float64{1, 2}),
		dimension(t, []int64{1}, []string{"A"}, []float64{1}),
	} {
		now := t1.AddDate(0, 0, i)
		if _, err := w.RunSnapshot(ctx, "dims.p", cfg, []arrow.RecordBatch{src}, now); err != nil {
			t.Fatal(err)
		}
		o.run(t, src, now)
	}
	if got, want := scanRows(t, w, "dims.p", lakehouse.ScanOptions{}), rowsOf(o.rows); !slices.Equal(got, want) {
		t.Fatalf("table\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if n := count(t, w, "dims.p", lakehouse.ScanOptions{Filter: lakehouse.TimeRange("dbt_valid_to", far, far.Add(time.Second))}); n != 1 {
		t.Fatalf("%d current versions, want 1", n)
	}
}

func TestRunSnapshotErrors(t *testing.T) {
	w := openWarehouse(t, lakehouse.Config{Warehouse: t.TempDir()})
	ctx := testContext(t)
	if err := w.CreateNamespace(ctx, "dims"); err != nil {
		t.Fatal(err)
	}
	cfg := snapshot.Config{UniqueKey: []string{"id"}, Strategy: snapshot.StrategyCheck}
	now := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	if _, err := w.RunSnapshot(ctx, "dims.none", cfg, nil, now); err == nil || !strings.Contains(err.Error(), "dims.none") {
		t.Fatalf("first run without source: %v", err)
	}
	if ok, _ := w.TableExists(ctx, "dims.none"); ok {
		t.Fatal("a failed first run created the table")
	}
	src := dimension(t, []int64{1, 1}, []string{"a", "b"}, []float64{1, 2})
	if _, err := w.RunSnapshot(ctx, "dims.dup", cfg, []arrow.RecordBatch{src}, now); err == nil {
		t.Fatal("duplicate keys: no error")
	}
	good := dimension(t, []int64{1, 2}, []string{"a", "b"}, []float64{1, 2})
	run, err := w.RunSnapshot(ctx, "dims.ok", cfg, []arrow.RecordBatch{good}, now)
	if err != nil {
		t.Fatal(err)
	}
	// A failing later run leaves the table at its snapshot.
	if _, err := w.RunSnapshot(ctx, "dims.ok", cfg, []arrow.RecordBatch{src}, now.Add(time.Hour)); err == nil {
		t.Fatal("duplicate keys on a later run: no error")
	}
	if cur := current(t, w, "dims.ok"); cur.ID != run.Snapshot.ID {
		t.Fatalf("failed run moved the table to snapshot %d", cur.ID)
	}
}

// Runs racing on one table, the first ones included, never give a key two
// current versions: a run that loses the commit race is redone against
// the winner's table.
func TestRunSnapshotRacing(t *testing.T) {
	forEachBackend(t, func(t *testing.T, w *lakehouse.Warehouse) {
		ctx := testContext(t)
		if err := w.CreateNamespace(ctx, "dims"); err != nil {
			t.Fatal(err)
		}
		const name = "dims.raced"
		cfg := snapshot.Config{UniqueKey: []string{"id"}, Strategy: snapshot.StrategyCheck, HardDeletes: snapshot.HardDeletesInvalidate}
		sources := []arrow.RecordBatch{
			dimension(t, []int64{1, 2, 3}, []string{"a", "b", "c"}, []float64{1, 2, 3}),
			dimension(t, []int64{1, 2, 3}, []string{"a", "B", "c"}, []float64{1, 2, 3}),
		}
		now := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
		for round := range 2 {
			errs := make(chan error, len(sources))
			for i, src := range sources {
				go func() {
					_, err := w.RunSnapshot(ctx, name, cfg, []arrow.RecordBatch{src}, now.Add(time.Duration(round*10+i)*time.Hour))
					errs <- err
				}()
			}
			for range sources {
				if err := <-errs; err != nil {
					t.Fatalf("round %d: %v", round, err)
				}
			}
			rows := scanRows(t, w, name, lakehouse.ScanOptions{Filter: lakehouse.IsNull("dbt_valid_to")})
			ids := map[string]int{}
			for _, r := range rows {
				ids[strings.SplitN(r, "|", 2)[0]]++
			}
			if len(ids) != 3 || ids["1"] != 1 || ids["2"] != 1 || ids["3"] != 1 {
				t.Fatalf("round %d: current versions per key %v:\n%s", round, ids, strings.Join(rows, "\n"))
			}
		}
	})
}

// A zoned meta timestamp (the updated_at column is timestamptz) stores
// dbt_valid_to_current as an instant, and later runs must find the current
// versions by that instant whatever zone ValidToCurrent is given in.
func TestRunSnapshotZonedValidToCurrent(t *testing.T) {
	w := openWarehouse(t, lakehouse.Config{Warehouse: t.TempDir()})
	ctx := testContext(t)
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip("needs the time zone database:", err)
	}
	far := time.Date(9999, 12, 31, 0, 0, 0, 0, ny)
	cfg := snapshot.Config{UniqueKey: []string{"id"}, Strategy: snapshot.StrategyTimestamp, UpdatedAt: "updated_at", ValidToCurrent: &far}
	zoned := &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}
	batch := func(ids []int64, updated []time.Time) arrow.RecordBatch {
		sc := arrow.NewSchema([]arrow.Field{
			{Name: "id", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
			{Name: "updated_at", Type: zoned, Nullable: true},
		}, nil)
		b := array.NewRecordBuilder(memory.DefaultAllocator, sc)
		defer b.Release()
		for i, id := range ids {
			b.Field(0).(*array.Int64Builder).Append(id)
			b.Field(1).(*array.TimestampBuilder).Append(arrow.Timestamp(updated[i].UnixMicro()))
		}
		rec := b.NewRecordBatch()
		t.Cleanup(rec.Release)
		return rec
	}
	t1 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	t2 := t1.AddDate(0, 0, 1)
	if _, err := w.RunSnapshot(ctx, "dims.zoned", cfg, []arrow.RecordBatch{batch([]int64{1, 2}, []time.Time{t1, t1})}, t1); err != nil {
		t.Fatal(err)
	}
	run, err := w.RunSnapshot(ctx, "dims.zoned", cfg, []arrow.RecordBatch{batch([]int64{1, 2}, []time.Time{t2, t1})}, t2)
	if err != nil {
		t.Fatal(err)
	}
	if run.Stats.Changed != 1 || run.Stats.Unchanged != 1 || run.Stats.New != 0 {
		t.Fatalf("second run: %+v (current versions not found by their valid_to?)", run.Stats)
	}
	if n := count(t, w, "dims.zoned", lakehouse.ScanOptions{}); n != 3 {
		t.Fatalf("%d versions, want 3", n)
	}
}
