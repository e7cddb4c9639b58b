package medallion_test

import (
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/magnumopus/opus/lakehouse"
	"github.com/magnumopus/opus/lakehouse/medallion"
	"github.com/magnumopus/opus/quality"
	"github.com/magnumopus/opus/tlc"
)

// genFile writes a synthetic TLC file of kind for 2024-MM (CSV or
// Parquet by ext) and returns its path.
func genFile(t *testing.T, kind tlc.Kind, month, rows int, seed uint64, ext string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), fmt.Sprintf("%s_tripdata_2024-%02d%s", kind, month, ext))
	_, err := tlc.GenerateFile(testContext(t), tlc.GenerateConfig{
		Kind: kind, Year: 2024, Month: month, Rows: rows, Seed: seed, DefectRate: 0.05,
	}, path)
	if err != nil {
		t.Fatal(err)
	}
	return path
}

// expectedSplit validates the file at path as one table, independently of
// the silver build's batching: the rows the gate must reject, and the
// duplicates among the rows it keeps.
func expectedSplit(t *testing.T, path string) (rows, rejected, duplicates int64) {
	t.Helper()
	r, err := tlc.Open(testContext(t), path, tlc.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var batches []arrow.RecordBatch
	bad := map[int64]bool{}
	for r.Next() {
		b := r.RecordBatch()
		b.Retain()
		batches = append(batches, b)
		for _, p := range r.Problems() {
			bad[p.Row] = true
		}
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		for _, b := range batches {
			b.Release()
		}
	}()
	tbl, err := quality.NewTable(batches...)
	if err != nil {
		t.Fatal(err)
	}
	defer tbl.Release()
	suite, _ := tlc.Suite(r.Kind())
	schema, _ := tlc.QualitySchema(r.Kind())
	vres, err := suite.Validate(tbl, nil)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := schema.Validate(tbl, quality.SchemaOptions{Lazy: true})
	var se *quality.SchemaErrors
	if err != nil && !errors.As(err, &se) {
		t.Fatal(err)
	}
	defer rep.Release()
	for _, f := range append(vres.Failures, rep.RowFailures...) {
		f.Rows.Each(func(i int64) bool { bad[i] = true; return true })
	}
	// Pickups outside January, and exact copies among the good rows.
	seen := map[string]bool{}
	var row int64
	from, to := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC)
	for _, b := range batches {
		pick := b.Column(b.Schema().FieldIndices("pickup_datetime")[0]).(*array.Timestamp)
		for i := range int(b.NumRows()) {
			if pick.IsValid(i) {
				p := pick.Value(i).ToTime(arrow.Microsecond)
				if p.Before(from) || !p.Before(to) {
					bad[row] = true
				}
			}
			if !bad[row] {
				vals := make([]string, b.NumCols())
				for c := range vals {
					vals[c] = b.Column(c).ValueStr(i)
				}
				key := strings.Join(vals, "|")
				if seen[key] {
					duplicates++
				}
				seen[key] = true
			}
			row++
		}
	}
	return row, int64(len(bad)), duplicates
}

func TestBuildSilver(t *testing.T) {
	forEachBackend(t, func(t *testing.T, w *lakehouse.Warehouse) {
		ctx := testContext(t)
		yellow := genFile(t, tlc.Yellow, 1, 3000, 11, ".csv")
		green := genFile(t, tlc.Green, 1, 2000, 12, ".parquet")
		want := map[string][3]int64{}
		for _, p := range []string{yellow, green} {
			if _, err := medallion.IngestBronze(ctx, w, p, medallion.BronzeOptions{}); err != nil {
				t.Fatal(err)
			}
			rows, rejected, dups := expectedSplit(t, p)
			want[filepath.Base(p)] = [3]int64{rows, rejected, dups}
		}
		build := func(kind tlc.Kind, path string) medallion.SilverResult {
			res, err := medallion.BuildSilver(ctx, w, medallion.SilverOptions{Kind: kind, SourceFiles: []string{filepath.Base(path)}})
			if err != nil {
				t.Fatalf("%s: %v", kind, err)
			}
			return res
		}
		for round := range 2 { // the second build must give the same tables
			for _, f := range []struct {
				kind tlc.Kind
				path string
			}{{tlc.Yellow, yellow}, {tlc.Green, green}} {
				res := build(f.kind, f.path)
				r := res.Files[0]
				wt := want[r.SourceFile]
				if !r.Balanced() || r.BronzeRows != wt[0] || r.QuarantinedRows != wt[1] || r.DuplicateRows != wt[2] {
					t.Fatalf("round %d %s: %+v, want rows %d, quarantined %d, duplicates %d", round, f.kind, r, wt[0], wt[1], wt[2])
				}
				if r.QuarantinedRows == 0 || r.DuplicateRows == 0 {
					t.Fatalf("%s: the generated defects should quarantine rows and leave duplicates: %+v", f.kind, r)
				}
			}
		}
		total := func(name string) int64 { return count(t, w, name, lakehouse.ScanOptions{}) }
		var wantSilver, wantQuarantine int64
		for _, wt := range want {
			wantSilver += wt[0] - wt[1] - wt[2]
			wantQuarantine += wt[1]
		}
		if got := total(medallion.SilverTable("")); got != wantSilver {
			t.Fatalf("silver holds %d rows, want %d", got, wantSilver)
		}
		if got := total(medallion.QuarantineTable("")); got != wantQuarantine {
			t.Fatalf("quarantine holds %d rows, want %d", got, wantQuarantine)
		}
		if got := total(medallion.ReconciliationTable("")); got != 4 {
			t.Fatalf("reconciliation holds %d rows, want 4 (2 files x 2 builds)", got)
		}
		checkSilverRows(t, w)
		checkQuarantineRows(t, w)
	})
}

// checkSilverRows checks the derived columns of every silver row and that
// both service types are there.
func checkSilverRows(t *testing.T, w *lakehouse.Warehouse) {
	t.Helper()
	rdr, err := w.Scan(testContext(t), medallion.SilverTable(""), lakehouse.ScanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer rdr.Release()
	services := map[string]int{}
	for rdr.Next() {
		rec := rdr.RecordBatch()
		col := func(n string) arrow.Array { return rec.Column(rec.Schema().FieldIndices(n)[0]) }
		st := col(medallion.ColServiceType).(*array.String)
		pick := col("pickup_datetime").(*array.Timestamp)
		drop := col("dropoff_datetime").(*array.Timestamp)
		dist := col("trip_distance").(*array.Float64)
		dur := col(medallion.ColDuration).(*array.Float64)
		speed := col(medallion.ColSpeed).(*array.Float64)
		date := col(medallion.ColPickupDate).(*array.Date32)
		hour := col(medallion.ColPickupHour).(*array.Int32)
		dow := col(medallion.ColPickupDayOfWeek).(*array.Int32)
		pu := col("pu_location_id").(*array.Int32)
		puAir := col(medallion.ColPickupAirport).(*array.Boolean)
		trip := col("trip_type").(*array.Int32)
		for i := range int(rec.NumRows()) {
			services[st.Value(i)]++
			p, d := pick.Value(i).ToTime(arrow.Microsecond), drop.Value(i).ToTime(arrow.Microsecond)
			if got, want := dur.Value(i), d.Sub(p).Seconds(); got != want {
				t.Fatalf("duration %v, want %v", got, want)
			}
			if want := d.Sub(p).Hours(); want > 0 && math.Abs(speed.Value(i)-dist.Value(i)/want) > 1e-9*math.Abs(speed.Value(i)) {
				t.Fatalf("speed %v, want %v", speed.Value(i), dist.Value(i)/want)
			}
			if date.Value(i).ToTime().Format(time.DateOnly) != p.Format(time.DateOnly) || int(hour.Value(i)) != p.Hour() {
				t.Fatalf("pickup %v: date %v hour %d", p, date.Value(i).ToTime(), hour.Value(i))
			}
			if wd := int(p.Weekday()+6)%7 + 1; int(dow.Value(i)) != wd {
				t.Fatalf("pickup %v: day of week %d, want %d", p, dow.Value(i), wd)
			}
			z := pu.Value(i)
			if puAir.Value(i) != (z == 1 || z == 132 || z == 138) {
				t.Fatalf("zone %d: airport %v", z, puAir.Value(i))
			}
			if st.Value(i) == "yellow" && trip.IsValid(i) {
				t.Fatalf("yellow trip with trip_type %d, a green-only column", trip.Value(i))
			}
		}
	}
	if err := rdr.Err(); err != nil {
		t.Fatal(err)
	}
	if services["yellow"] == 0 || services["green"] == 0 || len(services) != 2 {
		t.Fatalf("service types: %v", services)
	}
}

// checkQuarantineRows checks that every quarantined row names its checks.
func checkQuarantineRows(t *testing.T, w *lakehouse.Warehouse) {
	t.Helper()
	rdr, err := w.Scan(testContext(t), medallion.QuarantineTable(""), lakehouse.ScanOptions{
		Columns: []string{medallion.ColSourceFile, medallion.ColFailedChecks}})
	if err != nil {
		t.Fatal(err)
	}
	defer rdr.Release()
	checks := map[string]int{}
	for rdr.Next() {
		rec := rdr.RecordBatch()
		l := rec.Column(1).(*array.List)
		vals := l.ListValues().(*array.String)
		for i := range l.Len() {
			lo, hi := l.ValueOffsets(i)
			if hi == lo {
				t.Fatalf("quarantined row %d of %s names no check", i, rec.Column(0).ValueStr(i))
			}
			for j := lo; j < hi; j++ {
				checks[vals.Value(int(j))]++
			}
		}
	}
	if err := rdr.Err(); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"pickup_datetime: pickup_in_file_month(2024-01)", "expect_column_pair_values_A_to_be_greater_than_B", "exact_conversion(passenger_count)"} {
		found := false
		for c := range checks {
			found = found || strings.Contains(c, want)
		}
		if !found {
			t.Errorf("no quarantined row failed %s; checks seen: %v", want, checks)
		}
	}
}

func TestBuildSilverErrors(t *testing.T) {
	w := openWarehouse(t, lakehouse.Config{Warehouse: t.TempDir()})
	ctx := testContext(t)
	if _, err := medallion.BuildSilver(ctx, w, medallion.SilverOptions{Kind: tlc.FHV, SourceFiles: []string{"x"}}); err == nil {
		t.Fatal("fhv: no error")
	}
	if _, err := medallion.BuildSilver(ctx, w, medallion.SilverOptions{Kind: tlc.Yellow}); err == nil {
		t.Fatal("no files: no error")
	}
	// No bronze table yet: refused rather than emptying silver.
	if _, err := medallion.BuildSilver(ctx, w, medallion.SilverOptions{Kind: tlc.Yellow, SourceFiles: []string{"yellow_tripdata_2024-05.parquet"}}); err == nil || !strings.Contains(err.Error(), "bronze.yellow_trips") {
		t.Fatalf("no bronze table: %v", err)
	}
	path := genFile(t, tlc.Yellow, 1, 500, 5, ".parquet")
	if _, err := medallion.IngestBronze(ctx, w, path, medallion.BronzeOptions{}); err != nil {
		t.Fatal(err)
	}
	file := filepath.Base(path)
	if _, err := medallion.BuildSilver(ctx, w, medallion.SilverOptions{Kind: tlc.Yellow, SourceFiles: []string{file}}); err != nil {
		t.Fatal(err)
	}
	silverRows := count(t, w, medallion.SilverTable(""), lakehouse.ScanOptions{})
	for _, tc := range []struct {
		name string
		opts medallion.SilverOptions
		want string
	}{
		{"file of another kind", medallion.SilverOptions{Kind: tlc.Green, SourceFiles: []string{file}}, "is a yellow file"},
		{"file listed twice", medallion.SilverOptions{Kind: tlc.Yellow, SourceFiles: []string{file, file}}, "listed twice"},
	} {
		if _, err := medallion.BuildSilver(ctx, w, tc.opts); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error saying %q", tc.name, err, tc.want)
		}
	}
	if got := count(t, w, medallion.SilverTable(""), lakehouse.ScanOptions{}); got != silverRows {
		t.Fatalf("refused builds changed silver from %d to %d rows", silverRows, got)
	}
	// A file never ingested builds to nothing, and balances.
	res, err := medallion.BuildSilver(ctx, w, medallion.SilverOptions{Kind: tlc.Yellow, SourceFiles: []string{"yellow_tripdata_2024-05.parquet"}})
	if err != nil || len(res.Files) != 1 || res.Files[0].BronzeRows != 0 || !res.Files[0].Balanced() {
		t.Fatalf("missing file: %+v %v", res, err)
	}
	if got := count(t, w, medallion.SilverTable(""), lakehouse.ScanOptions{}); got != silverRows {
		t.Fatalf("building another file changed silver from %d to %d rows", silverRows, got)
	}
}

// Yellow and green files of the same name share the silver tables without
// replacing each other's rows.
func TestBuildSilverSameNameBothKinds(t *testing.T) {
	w := openWarehouse(t, lakehouse.Config{Warehouse: t.TempDir()})
	ctx := testContext(t)
	for i, k := range []tlc.Kind{tlc.Yellow, tlc.Green} {
		path := filepath.Join(t.TempDir(), "trips.parquet")
		if _, err := tlc.GenerateFile(ctx, tlc.GenerateConfig{Kind: k, Year: 2024, Month: 1, Rows: 400, Seed: uint64(i + 1)}, path); err != nil {
			t.Fatal(err)
		}
		if _, err := medallion.IngestBronze(ctx, w, path, medallion.BronzeOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	perKind := map[tlc.Kind]int64{}
	for _, k := range []tlc.Kind{tlc.Yellow, tlc.Green, tlc.Yellow} {
		res, err := medallion.BuildSilver(ctx, w, medallion.SilverOptions{Kind: k, SourceFiles: []string{"trips.parquet"}})
		if err != nil {
			t.Fatal(err)
		}
		if r := res.Files[0]; r.BronzeRows != 400 || !r.Balanced() {
			t.Fatalf("%s: %+v", k, r)
		}
		perKind[k] = res.Files[0].SilverRows
	}
	for k, want := range perKind {
		got := count(t, w, medallion.SilverTable(""), lakehouse.ScanOptions{Filter: lakehouse.Eq(medallion.ColServiceType, string(k))})
		if got != want || got == 0 {
			t.Errorf("%s: %d silver rows, want %d", k, got, want)
		}
	}
}
