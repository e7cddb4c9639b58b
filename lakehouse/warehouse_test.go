package lakehouse_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/magnumopus/opus/lakehouse"
	"github.com/magnumopus/opus/tlc"
)

func TestCreateAppendScan(t *testing.T) {
	forEachBackend(t, func(t *testing.T, w *lakehouse.Warehouse) {
		ctx := testContext(t)
		const name = "bronze.yellow_trips"
		createYellow(t, w, name)
		if err := w.CreateTable(ctx, name, yellowSpec(t)); !errors.Is(err, lakehouse.ErrTableExists) {
			t.Fatalf("second CreateTable: got %v, want ErrTableExists", err)
		}
		if s := current(t, w, name); s.ID != 0 {
			t.Fatalf("new table has snapshot %d", s.ID)
		}
		if n := count(t, w, name, lakehouse.ScanOptions{}); n != 0 {
			t.Fatalf("empty table: %d rows", n)
		}
		jan := withSource(t, trips(t, time.January, 500, 1), "jan.parquet")
		s := mustAppend(t, w, name, jan)
		if s.ID == 0 || s.Operation != "append" || s.AddedRows != 500 || s.TotalRows != 500 || !s.Current {
			t.Fatalf("append snapshot: %+v", s)
		}

		tests := []struct {
			name string
			opts lakehouse.ScanOptions
			want int64
		}{
			{"all", lakehouse.ScanOptions{}, 500},
			{"vendor 2", lakehouse.ScanOptions{Filter: lakehouse.Eq("vendor_id", int32(2))}, countWhere(jan, "vendor_id", 2)},
			{"january", lakehouse.ScanOptions{Filter: lakehouse.MonthRange("pickup_datetime", 2024, time.January)}, 500},
			{"february", lakehouse.ScanOptions{Filter: lakehouse.MonthRange("pickup_datetime", 2024, time.February)}, 0},
			{"source", lakehouse.ScanOptions{Filter: lakehouse.Eq("source_file", "jan.parquet")}, 500},
			{"limit", lakehouse.ScanOptions{Limit: 7}, 7},
		}
		for _, tc := range tests {
			if got := count(t, w, name, tc.opts); got != tc.want {
				t.Errorf("%s: %d rows, want %d", tc.name, got, tc.want)
			}
		}

		// Projection keeps the canonical types (timestamp[us] without zone).
		rdr, err := w.Scan(ctx, name, lakehouse.ScanOptions{Columns: []string{"pickup_datetime", "fare_amount"}})
		if err != nil {
			t.Fatal(err)
		}
		defer rdr.Release()
		sc := rdr.Schema()
		if sc.NumFields() != 2 || sc.Field(0).Name != "pickup_datetime" || !arrow.TypeEqual(sc.Field(0).Type, tlc.Timestamp) ||
			sc.Field(1).Type.ID() != arrow.FLOAT64 {
			t.Fatalf("projected schema: %s", sc)
		}
		var sum, want float64
		for rdr.Next() {
			for _, v := range rdr.RecordBatch().Column(1).(*array.Float64).Float64Values() {
				sum += v
			}
		}
		if err := rdr.Err(); err != nil {
			t.Fatal(err)
		}
		for _, v := range jan.Column(jan.Schema().FieldIndices("fare_amount")[0]).(*array.Float64).Float64Values() {
			want += v
		}
		if diff := sum - want; diff > 1e-6 || diff < -1e-6 {
			t.Errorf("sum of fares read %f, written %f", sum, want)
		}

		tables, err := w.ListTables(ctx, "bronze")
		if err != nil || len(tables) != 1 || tables[0] != name {
			t.Errorf("ListTables: %v, %v", tables, err)
		}
	})
}

func TestAppendIsOneCommit(t *testing.T) {
	forEachBackend(t, func(t *testing.T, w *lakehouse.Warehouse) {
		const name = "bronze.trips"
		createYellow(t, w, name)
		jan := withSource(t, trips(t, time.January, 300, 1), "a")
		feb := withSource(t, trips(t, time.February, 200, 2), "b")
		mar := withSource(t, trips(t, time.March, 100, 3), "c")
		s := mustAppend(t, w, name, jan, feb, mar)
		snaps, err := w.Snapshots(testContext(t), name)
		if err != nil {
			t.Fatal(err)
		}
		if len(snaps) != 1 || snaps[0].ID != s.ID || s.AddedRows != 600 {
			t.Fatalf("one append of three batches (three partitions) gave snapshots %+v", snaps)
		}
		if n := count(t, w, name, lakehouse.ScanOptions{Filter: lakehouse.MonthRange("pickup_datetime", 2024, time.February)}); n != 200 {
			t.Errorf("february: %d rows, want 200", n)
		}
		// No rows: nothing committed.
		s2, err := w.Append(testContext(t), name, nil)
		if err != nil || s2.ID != s.ID {
			t.Errorf("empty append: %+v, %v", s2, err)
		}
	})
}

func TestReplaceWhere(t *testing.T) {
	forEachBackend(t, func(t *testing.T, w *lakehouse.Warehouse) {
		tests := []struct {
			name    string
			filter  lakehouse.Filter
			records func(t *testing.T) []arrow.RecordBatch
			want    int64 // rows after
			check   lakehouse.ScanOptions
			wantChk int64
		}{
			{
				name:   "source file",
				filter: lakehouse.Eq("source_file", "jan-a"),
				records: func(t *testing.T) []arrow.RecordBatch {
					return []arrow.RecordBatch{withSource(t, trips(t, time.January, 120, 9), "jan-a")}
				},
				want:  120 + 200 + 250,
				check: lakehouse.ScanOptions{Filter: lakehouse.Eq("source_file", "jan-a")}, wantChk: 120,
			},
			{
				name:   "month partition",
				filter: lakehouse.MonthRange("pickup_datetime", 2024, time.January),
				records: func(t *testing.T) []arrow.RecordBatch {
					return []arrow.RecordBatch{withSource(t, trips(t, time.January, 50, 9), "jan-new")}
				},
				want:  50 + 250,
				check: lakehouse.ScanOptions{Filter: lakehouse.Eq("source_file", "feb")}, wantChk: 250,
			},
			{
				name:    "delete only",
				filter:  lakehouse.Eq("source_file", "jan-b"),
				records: func(*testing.T) []arrow.RecordBatch { return nil },
				want:    100 + 250,
				check:   lakehouse.ScanOptions{Filter: lakehouse.Eq("source_file", "jan-b")}, wantChk: 0,
			},
			{
				name:   "rows across files",
				filter: lakehouse.Eq("vendor_id", int32(2)),
				records: func(*testing.T) []arrow.RecordBatch {
					return nil
				},
				check: lakehouse.ScanOptions{Filter: lakehouse.Eq("vendor_id", int32(2))}, wantChk: 0,
				want: -1, // computed below
			},
			{
				name:   "nil filter appends",
				filter: nil,
				records: func(t *testing.T) []arrow.RecordBatch {
					return []arrow.RecordBatch{withSource(t, trips(t, time.March, 10, 9), "mar")}
				},
				want:  100 + 200 + 250 + 10,
				check: lakehouse.ScanOptions{Filter: lakehouse.Eq("source_file", "mar")}, wantChk: 10,
			},
		}
		for i, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				name := "silver.replace_" + string(rune('a'+i))
				createYellow(t, w, name)
				janA := withSource(t, trips(t, time.January, 100, 1), "jan-a")
				janB := withSource(t, trips(t, time.January, 200, 2), "jan-b")
				feb := withSource(t, trips(t, time.February, 250, 3), "feb")
				mustAppend(t, w, name, janA)
				mustAppend(t, w, name, janB)
				before := mustAppend(t, w, name, feb)
				s, err := w.ReplaceWhere(testContext(t), name, tc.filter, tc.records(t))
				if err != nil {
					t.Fatal(err)
				}
				if s.ParentID != before.ID || !s.Current {
					t.Fatalf("replace is not one commit on top of %d: %+v", before.ID, s)
				}
				want := tc.want
				if want < 0 {
					want = 550 - countWhere(janA, "vendor_id", 2) - countWhere(janB, "vendor_id", 2) - countWhere(feb, "vendor_id", 2)
				}
				if got := count(t, w, name, lakehouse.ScanOptions{}); got != want || s.TotalRows != want {
					t.Errorf("rows after: scan %d, summary %d, want %d", got, s.TotalRows, want)
				}
				if got := count(t, w, name, tc.check); got != tc.wantChk {
					t.Errorf("check scan: %d rows, want %d", got, tc.wantChk)
				}
				// The previous snapshot still reads the old rows.
				if got := count(t, w, name, lakehouse.ScanOptions{SnapshotID: before.ID}); got != 550 {
					t.Errorf("time travel to %d: %d rows, want 550", before.ID, got)
				}
			})
		}
	})
}

func TestTimeTravel(t *testing.T) {
	forEachBackend(t, func(t *testing.T, w *lakehouse.Warehouse) {
		ctx := testContext(t)
		const name = "bronze.history"
		createYellow(t, w, name)
		s1 := mustAppend(t, w, name, withSource(t, trips(t, time.January, 100, 1), "a"))
		time.Sleep(20 * time.Millisecond)
		s2 := mustAppend(t, w, name, withSource(t, trips(t, time.January, 150, 2), "b"))
		time.Sleep(20 * time.Millisecond)
		s3, err := w.ReplaceWhere(ctx, name, lakehouse.Eq("source_file", "a"), nil)
		if err != nil {
			t.Fatal(err)
		}
		snaps, err := w.Snapshots(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		if len(snaps) != 3 || snaps[0].ID != s1.ID || snaps[1].ID != s2.ID || snaps[2].ID != s3.ID || !snaps[2].Current || snaps[1].Current {
			t.Fatalf("history: %+v", snaps)
		}
		if snaps[1].ParentID != s1.ID || snaps[2].Operation == "append" {
			t.Errorf("history links/operations: %+v", snaps)
		}
		tests := []struct {
			name string
			opts lakehouse.ScanOptions
			want int64
		}{
			{"current", lakehouse.ScanOptions{}, 150},
			{"snapshot 1", lakehouse.ScanOptions{SnapshotID: s1.ID}, 100},
			{"snapshot 2", lakehouse.ScanOptions{SnapshotID: s2.ID}, 250},
			{"as of 1", lakehouse.ScanOptions{AsOf: s1.Time.Add(5 * time.Millisecond)}, 100},
			{"as of 2", lakehouse.ScanOptions{AsOf: s2.Time}, 250},
			{"as of now", lakehouse.ScanOptions{AsOf: time.Now()}, 150},
			{"filtered snapshot", lakehouse.ScanOptions{SnapshotID: s2.ID, Filter: lakehouse.Eq("source_file", "a")}, 100},
		}
		for _, tc := range tests {
			if got := count(t, w, name, tc.opts); got != tc.want {
				t.Errorf("%s: %d rows, want %d", tc.name, got, tc.want)
			}
		}
		for _, bad := range []lakehouse.ScanOptions{
			{SnapshotID: 12345},
			{AsOf: s1.Time.Add(-time.Hour)},
			{SnapshotID: s1.ID, AsOf: s2.Time},
		} {
			if _, err := w.Count(ctx, name, bad); err == nil || !strings.Contains(err.Error(), name) {
				t.Errorf("scan %+v: error %v, want one naming %s", bad, err, name)
			}
		}
	})
}

func TestOpen(t *testing.T) {
	ctx := testContext(t)
	dir := t.TempDir()
	t.Run("OPUS_WAREHOUSE", func(t *testing.T) {
		wh := filepath.Join(dir, "env", "nested")
		t.Setenv("OPUS_WAREHOUSE", wh)
		w := openWarehouse(t, lakehouse.Config{})
		if _, err := os.Stat(filepath.Join(wh, lakehouse.CatalogFile)); err != nil {
			t.Errorf("catalog file: %v", err)
		}
		if w.Location() != "file://"+filepath.ToSlash(wh) {
			t.Errorf("Location %q", w.Location())
		}
	})
	t.Run("reopen", func(t *testing.T) {
		wh := filepath.Join(dir, "reopen")
		w := openWarehouse(t, lakehouse.Config{Warehouse: wh})
		createYellow(t, w, "bronze.t")
		mustAppend(t, w, "bronze.t", withSource(t, trips(t, time.January, 10, 1), "x"))
		w2 := openWarehouse(t, lakehouse.Config{Warehouse: wh})
		if n := count(t, w2, "bronze.t", lakehouse.ScanOptions{}); n != 10 {
			t.Errorf("reopened: %d rows", n)
		}
		if _, err := os.Stat(filepath.Join(wh, "bronze.db", "t", "metadata")); err != nil {
			t.Errorf("table layout: %v", err)
		}
	})
	for _, bad := range []lakehouse.Config{
		{CatalogURI: "mysql://x"},
		{Warehouse: "gs://bucket/x"},
	} {
		if w, err := lakehouse.Open(ctx, bad); err == nil {
			w.Close()
			t.Errorf("Open(%+v) succeeded", bad)
		}
	}
	w := openWarehouse(t, lakehouse.Config{Warehouse: filepath.Join(dir, "names")})
	for _, name := range []string{"nodot", "a.b.c", ".t", "ns."} {
		if err := w.CreateTable(ctx, name, yellowSpec(t)); !errors.Is(err, lakehouse.ErrBadName) {
			t.Errorf("CreateTable(%q): %v, want ErrBadName", name, err)
		}
	}
	if err := w.CreateTable(ctx, "a.b", lakehouse.TableSpec{}); err == nil {
		t.Error("CreateTable with nil schema succeeded")
	}
	if _, err := w.Append(ctx, "bronze.missing", nil); !errors.Is(err, lakehouse.ErrNoSuchTable) || !strings.Contains(err.Error(), "bronze.missing") {
		t.Errorf("Append to a missing table: %v", err)
	}
}
