package medallion_test

import (
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/magnumopus/opus/lakehouse"
	"github.com/magnumopus/opus/lakehouse/medallion"
	"github.com/magnumopus/opus/tlc"
)

// sumColumn sums an int64 or float64 column of table name over opts.
func sumColumn(t *testing.T, w *lakehouse.Warehouse, name, col string, opts lakehouse.ScanOptions) float64 {
	t.Helper()
	opts.Columns = []string{col}
	rdr, err := w.Scan(testContext(t), name, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer rdr.Release()
	var sum float64
	for rdr.Next() {
		switch a := rdr.RecordBatch().Column(0).(type) {
		case *array.Int64:
			for _, v := range a.Int64Values() {
				sum += float64(v)
			}
		case *array.Float64:
			for i, v := range a.Float64Values() {
				if a.IsValid(i) {
					sum += v
				}
			}
		default:
			t.Fatalf("column %s is %s", col, a.DataType())
		}
	}
	if err := rdr.Err(); err != nil {
		t.Fatal(err)
	}
	return sum
}

func TestBuildGold(t *testing.T) {
	forEachBackend(t, func(t *testing.T, w *lakehouse.Warehouse) {
		ctx := testContext(t)
		jan, feb := tlc.Month{Year: 2024, Month: 1}, tlc.Month{Year: 2024, Month: 2}
		for _, f := range []struct {
			kind  tlc.Kind
			month int
			seed  uint64
		}{{tlc.Yellow, 1, 21}, {tlc.Green, 1, 22}, {tlc.Yellow, 2, 23}} {
			path := genFile(t, f.kind, f.month, 2500, f.seed, ".parquet")
			if _, err := medallion.IngestBronze(ctx, w, path, medallion.BronzeOptions{}); err != nil {
				t.Fatal(err)
			}
			if _, err := medallion.BuildSilver(ctx, w, medallion.SilverOptions{Kind: f.kind, SourceFiles: []string{filepath.Base(path)}}); err != nil {
				t.Fatal(err)
			}
		}
		zones, err := tlc.NewZones([]tlc.Zone{{LocationID: 132, Borough: "Queens", Zone: "JFK Airport", ServiceZone: "Airports"}})
		if err != nil {
			t.Fatal(err)
		}
		silver := medallion.SilverTable("")
		gold := func(m tlc.Month) medallion.GoldResult {
			res, err := medallion.BuildGold(ctx, w, medallion.GoldOptions{Month: m, Zones: zones})
			if err != nil {
				t.Fatal(err)
			}
			return res
		}
		febRes := gold(feb)
		for round := range 2 {
			res := gold(jan)
			monthTrips := lakehouse.ScanOptions{Filter: lakehouse.MonthRange("pickup_datetime", 2024, 1)}
			n := count(t, w, silver, monthTrips)
			if res.SilverRows != n || n == 0 {
				t.Fatalf("round %d: read %d silver rows, the month has %d", round, res.SilverRows, n)
			}
			janOnly := lakehouse.ScanOptions{Filter: lakehouse.Eq(medallion.ColMonth, janDate())}
			hourly := medallion.GoldTable("", medallion.HourlyZoneTrips)
			revenue := medallion.GoldTable("", medallion.DailyRevenue)
			training := medallion.GoldTable("", medallion.TripDurationTraining)
			for _, c := range []struct{ table, col string }{{hourly, "pickups"}, {hourly, "dropoffs"}, {revenue, "trips"}} {
				if got := sumColumn(t, w, c.table, c.col, janOnly); got != float64(n) {
					t.Fatalf("round %d: %s.%s sums to %v, want %d", round, c.table, c.col, got, n)
				}
			}
			wantTotal := sumColumn(t, w, silver, "total_amount", monthTrips)
			if got := sumColumn(t, w, revenue, "total_amount", janOnly); math.Abs(got-wantTotal) > 1e-6*math.Abs(wantTotal) {
				t.Fatalf("revenue total %v, silver %v", got, wantTotal)
			}
			jfk := count(t, w, silver, lakehouse.ScanOptions{Filter: lakehouse.And(monthTrips.Filter, lakehouse.Eq("pu_location_id", int32(132)))})
			queens := sumColumn(t, w, revenue, "trips", lakehouse.ScanOptions{Filter: lakehouse.And(janOnly.Filter, lakehouse.Eq("borough", "Queens"))})
			if jfk == 0 || queens != float64(jfk) {
				t.Fatalf("Queens (zone 132) trips %v, silver has %d", queens, jfk)
			}
			kept := count(t, w, silver, lakehouse.ScanOptions{Filter: lakehouse.And(monthTrips.Filter,
				lakehouse.Filter(gtEq(medallion.ColDuration, medallion.TrainingMinSeconds)),
				lakehouse.Filter(ltEq(medallion.ColDuration, medallion.TrainingMaxSeconds)),
				lakehouse.Filter(gt("trip_distance", 0)),
				lakehouse.Filter(ltEq("trip_distance", medallion.TrainingMaxMiles)),
				lakehouse.Filter(ltEq(medallion.ColSpeed, medallion.TrainingMaxMPH)))})
			if got := res.Rows[training]; got != kept || kept == 0 || kept >= n {
				t.Fatalf("training rows %d, want %d of %d", got, kept, n)
			}
			if got := count(t, w, training, janOnly); got != kept {
				t.Fatalf("training table holds %d January rows, want %d", got, kept)
			}
		}
		// Rebuilding January left February alone.
		for name, rows := range febRes.Rows {
			if got := count(t, w, name, lakehouse.ScanOptions{Filter: lakehouse.Eq(medallion.ColMonth, febDate())}); got != rows || rows == 0 {
				t.Fatalf("%s: %d February rows, want %d", name, got, rows)
			}
		}
	})
}

func TestBuildGoldWithoutSilver(t *testing.T) {
	w := openWarehouse(t, lakehouse.Config{Warehouse: t.TempDir()})
	res, err := medallion.BuildGold(testContext(t), w, medallion.GoldOptions{Month: tlc.Month{Year: 2024, Month: 3}})
	if err != nil {
		t.Fatal(err)
	}
	if res.SilverRows != 0 || len(res.Rows) != 3 {
		t.Fatalf("%+v", res)
	}
	for name, n := range res.Rows {
		if n != 0 || count(t, w, name, lakehouse.ScanOptions{}) != 0 {
			t.Fatalf("%s: %d rows", name, n)
		}
	}
	if _, err := medallion.BuildGold(testContext(t), w, medallion.GoldOptions{}); err == nil {
		t.Fatal("no month: no error")
	}
}

// Rebuilding a month gives the same gold rows to the bit, and one row per
// key: sums do not depend on silver's scan order, and a null vendor or
// payment type is one group.
func TestBuildGoldIdempotent(t *testing.T) {
	w := openWarehouse(t, lakehouse.Config{Warehouse: t.TempDir()})
	ctx := testContext(t)
	path := genFile(t, tlc.Green, 1, 20000, 41, ".csv")
	if _, err := medallion.IngestBronze(ctx, w, path, medallion.BronzeOptions{}); err != nil {
		t.Fatal(err)
	}
	revenue := medallion.GoldTable("", medallion.DailyRevenue)
	var dumps [][]string
	for range 2 {
		// A rebuilt silver table holds the same rows in other files.
		if _, err := medallion.BuildSilver(ctx, w, medallion.SilverOptions{Kind: tlc.Green, SourceFiles: []string{filepath.Base(path)}}); err != nil {
			t.Fatal(err)
		}
		if _, err := medallion.BuildGold(ctx, w, medallion.GoldOptions{Month: tlc.Month{Year: 2024, Month: 1}}); err != nil {
			t.Fatal(err)
		}
		dumps = append(dumps, scanAll(t, w, revenue))
	}
	if !slices.Equal(dumps[0], dumps[1]) {
		t.Fatalf("rebuilt daily revenue differs: %d and %d rows", len(dumps[0]), len(dumps[1]))
	}
	keys, nullPayment := map[string]bool{}, 0
	for _, row := range dumps[0] {
		f := strings.Split(row, "|")
		key := strings.Join(f[:6], "|")
		if keys[key] {
			t.Fatalf("two rows for key %s", key)
		}
		keys[key] = true
		if f[4] == "(null)" {
			nullPayment++
		}
	}
	if nullPayment == 0 {
		t.Fatal("no group with a null payment type: the test data should have some")
	}
}

// scanAll renders every row of table name as "v1|v2|...", sorted.
func scanAll(t *testing.T, w *lakehouse.Warehouse, name string) []string {
	t.Helper()
	rdr, err := w.Scan(testContext(t), name, lakehouse.ScanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer rdr.Release()
	var out []string
	for rdr.Next() {
		rec := rdr.RecordBatch()
		for i := range int(rec.NumRows()) {
			vals := make([]string, rec.NumCols())
			for c := range vals {
				vals[c] = rec.Column(c).ValueStr(i)
			}
			out = append(out, strings.Join(vals, "|"))
		}
	}
	if err := rdr.Err(); err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}
