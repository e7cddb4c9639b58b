package medallion_test

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/magnumopus/opus/lakehouse"
	"github.com/magnumopus/opus/lakehouse/medallion"
	"github.com/magnumopus/opus/tlc"
)

// genYellowCSV writes a synthetic yellow CSV file of the given month into
// a temporary directory and returns its path.
func genYellowCSV(t *testing.T, month, rows int, seed uint64) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), fmt.Sprintf("yellow_tripdata_2024-%02d.csv", month))
	_, err := tlc.GenerateFile(testContext(t), tlc.GenerateConfig{
		Kind: tlc.Yellow, Year: 2024, Month: month, Rows: rows, Seed: seed, DefectRate: 0.05,
	}, path)
	if err != nil {
		t.Fatal(err)
	}
	return path
}

// readerProblems reads path with tlc.Open and returns its problems per
// row, rendered as the bronze _problems column holds them.
func readerProblems(t *testing.T, path string) (map[int64][]string, int64) {
	t.Helper()
	r, err := tlc.Open(testContext(t), path, tlc.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	want := map[int64][]string{}
	for r.Next() {
		for _, p := range r.Problems() {
			want[p.Row] = append(want[p.Row], fmt.Sprintf("%s: %q: %s", p.Column, p.Value, p.Reason))
		}
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	return want, r.RowsRead()
}

// bronzeRow is the metadata of one scanned bronze row.
type bronzeRow struct {
	file, batch string
	at          int64
	problems    []string
}

// scanBronze reads the metadata columns of table name, keyed by file and
// source row; it fails on a duplicate key.
func scanBronze(t *testing.T, w *lakehouse.Warehouse, name string) map[string]map[int64]bronzeRow {
	t.Helper()
	rdr, err := w.Scan(testContext(t), name, lakehouse.ScanOptions{Columns: []string{
		medallion.ColSourceFile, medallion.ColIngestedAt, medallion.ColBatchID, medallion.ColSourceRow, medallion.ColProblems}})
	if err != nil {
		t.Fatal(err)
	}
	defer rdr.Release()
	type strs interface{ Value(int) string }
	out := map[string]map[int64]bronzeRow{}
	for rdr.Next() {
		rec := rdr.RecordBatch()
		col := func(n string) arrow.Array { return rec.Column(rec.Schema().FieldIndices(n)[0]) }
		files := col(medallion.ColSourceFile).(strs)
		batches := col(medallion.ColBatchID).(strs)
		ats := col(medallion.ColIngestedAt).(*array.Timestamp)
		rows := col(medallion.ColSourceRow).(*array.Int64)
		probs := col(medallion.ColProblems).(array.ListLike)
		pvals := probs.ListValues().(strs)
		for i := range int(rec.NumRows()) {
			br := bronzeRow{file: files.Value(i), batch: batches.Value(i), at: int64(ats.Value(i))}
			if probs.IsValid(i) {
				lo, hi := probs.ValueOffsets(i)
				for j := lo; j < hi; j++ {
					br.problems = append(br.problems, pvals.Value(int(j)))
				}
			}
			m := out[br.file]
			if m == nil {
				m = map[int64]bronzeRow{}
				out[br.file] = m
			}
			if _, dup := m[rows.Value(i)]; dup {
				t.Fatalf("%s row %d present twice", br.file, rows.Value(i))
			}
			m[rows.Value(i)] = br
		}
	}
	if err := rdr.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// checkBronzeFile checks that got holds exactly rows 0..n-1 of file with
// the given batch id and time and the reader's problems.
func checkBronzeFile(t *testing.T, got map[int64]bronzeRow, file string, n int64, want map[int64][]string, batch string, at time.Time) {
	t.Helper()
	if int64(len(got)) != n {
		t.Fatalf("%s: %d rows in the table, want %d", file, len(got), n)
	}
	withProblems := 0
	for row := range n {
		br, ok := got[row]
		if !ok {
			t.Fatalf("%s: row %d missing", file, row)
		}
		if br.batch != batch || br.at != at.UnixMicro() {
			t.Fatalf("%s row %d: batch %q at %d, want %q at %d", file, row, br.batch, br.at, batch, at.UnixMicro())
		}
		if !slices.Equal(br.problems, want[row]) {
			t.Fatalf("%s row %d: problems %q, want %q", file, row, br.problems, want[row])
		}
		if len(br.problems) > 0 {
			withProblems++
		}
	}
	if withProblems == 0 || withProblems != len(want) {
		t.Fatalf("%s: %d rows with problems, reader reported %d", file, withProblems, len(want))
	}
}

func TestBronzeIngest(t *testing.T) {
	forEachBackend(t, func(t *testing.T, w *lakehouse.Warehouse) {
		ctx := testContext(t)
		jan := genYellowCSV(t, 1, 2000, 7)
		feb := genYellowCSV(t, 2, 1500, 8)
		janProblems, janRows := readerProblems(t, jan)
		febProblems, febRows := readerProblems(t, feb)
		const table = "bronze.yellow_trips"
		t1 := time.Date(2025, 3, 1, 12, 0, 0, 123456000, time.UTC)

		res, err := medallion.IngestBronze(ctx, w, jan, medallion.BronzeOptions{BatchID: "run-1", Now: t1})
		if err != nil {
			t.Fatal(err)
		}
		if res.Table != table || res.SourceFile != filepath.Base(jan) || res.Rows != janRows || res.Rows != 2000 || res.Snapshot.ID == 0 {
			t.Fatalf("first ingest: %+v", res)
		}
		var nprob int64
		for _, ps := range janProblems {
			nprob += int64(len(ps))
		}
		if res.Problems != nprob || nprob == 0 {
			t.Fatalf("first ingest: %d problems, reader reported %d", res.Problems, nprob)
		}
		sc, err := w.Schema(ctx, table)
		if err != nil {
			t.Fatal(err)
		}
		if f, ok := sc.FieldsByName(medallion.ColIngestedAt); !ok || f[0].Type.(*arrow.TimestampType).TimeZone != "" {
			t.Fatalf("_ingested_at: %v", f)
		}
		got := scanBronze(t, w, table)
		checkBronzeFile(t, got[res.SourceFile], res.SourceFile, janRows, janProblems, "run-1", t1)
		snaps, err := w.Snapshots(ctx, table)
		if err != nil {
			t.Fatal(err)
		}

		// Re-ingesting replaces the file's rows in one more snapshot.
		t2 := t1.Add(time.Hour)
		res2, err := medallion.IngestBronze(ctx, w, jan, medallion.BronzeOptions{BatchID: "run-2", Now: t2})
		if err != nil {
			t.Fatal(err)
		}
		if n := count(t, w, table, lakehouse.ScanOptions{}); n != janRows {
			t.Fatalf("after re-ingest: %d rows, want %d", n, janRows)
		}
		snaps2, err := w.Snapshots(ctx, table)
		if err != nil {
			t.Fatal(err)
		}
		if len(snaps2) != len(snaps)+1 || res2.Snapshot.ID == res.Snapshot.ID || res2.Snapshot.ParentID != res.Snapshot.ID {
			t.Fatalf("re-ingest: %d snapshots after %d, snapshot %+v", len(snaps2), len(snaps), res2.Snapshot)
		}
		got = scanBronze(t, w, table)
		checkBronzeFile(t, got[res.SourceFile], res.SourceFile, janRows, janProblems, "run-2", t2)

		// A second file adds its rows next to the first's.
		res3, err := medallion.IngestBronze(ctx, w, feb, medallion.BronzeOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if res3.Table != table || res3.Rows != febRows {
			t.Fatalf("second file: %+v", res3)
		}
		if n := count(t, w, table, lakehouse.ScanOptions{}); n != janRows+febRows {
			t.Fatalf("two files: %d rows, want %d", n, janRows+febRows)
		}
		if n := count(t, w, table, lakehouse.ScanOptions{Filter: lakehouse.Eq(medallion.ColSourceFile, res3.SourceFile)}); n != febRows {
			t.Fatalf("second file: %d rows, want %d", n, febRows)
		}
		got = scanBronze(t, w, table)
		if len(got) != 2 {
			t.Fatalf("files in the table: %d, want 2", len(got))
		}
		checkBronzeFile(t, got[res.SourceFile], res.SourceFile, janRows, janProblems, "run-2", t2)
		var febBatch string
		var febAt int64
		for _, br := range got[res3.SourceFile] {
			febBatch, febAt = br.batch, br.at
			break
		}
		if febBatch == "" || febAt == 0 {
			t.Fatalf("default batch id %q, time %d", febBatch, febAt)
		}
		checkBronzeFile(t, got[res3.SourceFile], res3.SourceFile, febRows, febProblems, febBatch, time.UnixMicro(febAt))
	})
}

func TestBronzeIngestErrors(t *testing.T) {
	w := openWarehouse(t, lakehouse.Config{Warehouse: t.TempDir()})
	ctx := testContext(t)
	missing := filepath.Join(t.TempDir(), "yellow_tripdata_2024-01.parquet")
	if _, err := medallion.IngestBronze(ctx, w, missing, medallion.BronzeOptions{}); err == nil {
		t.Fatal("missing file: no error")
	}
	path := genYellowCSV(t, 1, 50, 1)
	_, err := medallion.IngestBronze(ctx, w, path, medallion.BronzeOptions{Namespace: "a.b"})
	if err == nil {
		t.Fatal("dotted namespace: no error")
	}
	if want := "yellow_tripdata_2024-01.csv"; !strings.Contains(err.Error(), want) {
		t.Fatalf("error %q does not name the file", err)
	}
}

func TestBronzeIngestFailsMidStream(t *testing.T) {
	forEachBackend(t, func(t *testing.T, w *lakehouse.Warehouse) {
		ctx := testContext(t)
		path := genYellowCSV(t, 1, 100_000, 3) // more than one reader batch
		res, err := medallion.IngestBronze(ctx, w, path, medallion.BronzeOptions{})
		if err != nil {
			t.Fatal(err)
		}
		// The file grows a broken last line: the stream fails after its
		// first batches were written, and the table keeps the old rows.
		f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.WriteString("1,2024-01-31 10:00:00\n"); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		_, err = medallion.IngestBronze(ctx, w, path, medallion.BronzeOptions{})
		if err == nil || !strings.Contains(err.Error(), filepath.Base(path)) || !strings.Contains(err.Error(), "line 100002") {
			t.Fatalf("broken file: %v (want the file and its broken row named)", err)
		}
		cur, err := w.Current(ctx, res.Table)
		if err != nil {
			t.Fatal(err)
		}
		if cur.ID != res.Snapshot.ID {
			t.Fatalf("a failed ingest moved the table from snapshot %d to %d", res.Snapshot.ID, cur.ID)
		}
		if n := count(t, w, res.Table, lakehouse.ScanOptions{}); n != 100_000 {
			t.Fatalf("%d rows after the failed ingest, want 100000", n)
		}
	})
}
