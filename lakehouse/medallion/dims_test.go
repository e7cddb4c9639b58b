package medallion_test

import (
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/magnumopus/opus/internal/fixtures"
	"github.com/magnumopus/opus/lakehouse"
	"github.com/magnumopus/opus/lakehouse/medallion"
	"github.com/magnumopus/opus/tlc"
)

// closedVersions returns the key and dbt_valid_to of every closed version
// of dimension table name, keyed by key.
func closedVersions(t *testing.T, w *lakehouse.Warehouse, name, key string) map[int32]time.Time {
	t.Helper()
	rdr, err := w.Scan(testContext(t), name, lakehouse.ScanOptions{Columns: []string{key, "dbt_valid_to"},
		Filter: lakehouse.Not(lakehouse.IsNull("dbt_valid_to"))})
	if err != nil {
		t.Fatal(err)
	}
	defer rdr.Release()
	out := map[int32]time.Time{}
	for rdr.Next() {
		rec := rdr.RecordBatch()
		k, to := rec.Column(0).(*array.Int32), rec.Column(1).(*array.Timestamp)
		for i := range k.Len() {
			out[k.Value(i)] = to.Value(i).ToTime(arrow.Microsecond)
		}
	}
	if err := rdr.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestSnapshotZones(t *testing.T) {
	z2023, err := tlc.SyntheticZones(2023)
	if err != nil {
		t.Fatal(err)
	}
	z2024, err := tlc.SyntheticZones(2024)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name     string
		old, cur func(t *testing.T) *tlc.Zones
	}{
		{"synthetic", func(*testing.T) *tlc.Zones { return z2023 }, func(*testing.T) *tlc.Zones { return z2024 }},
		{"real", func(t *testing.T) *tlc.Zones { return loadZones(t, "taxi_zone_lookup_old_2023.csv") },
			func(t *testing.T) *tlc.Zones { return loadZones(t, "taxi_zone_lookup.csv") }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			old, cur := c.old(t), c.cur(t)
			forEachBackend(t, func(t *testing.T, w *lakehouse.Warehouse) {
				ctx := testContext(t)
				t2023 := time.Date(2023, 6, 1, 0, 0, 0, 0, time.UTC)
				t2024 := time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)
				if _, err := medallion.SnapshotZones(ctx, w, "", old, t2023); err != nil {
					t.Fatal(err)
				}
				run, err := medallion.SnapshotZones(ctx, w, "", cur, t2024)
				if err != nil {
					t.Fatal(err)
				}
				if run.Stats.Changed != 2 || run.Stats.Unchanged != 263 || !run.Committed {
					t.Fatalf("2024 run: %+v", run.Stats)
				}
				name := medallion.DimensionTable("", medallion.ZonesDimension)
				if n := count(t, w, name, lakehouse.ScanOptions{}); n != 267 {
					t.Fatalf("%d zone versions, want 265 + 2", n)
				}
				closed := closedVersions(t, w, name, "location_id")
				if len(closed) != 2 || !closed[264].Equal(t2024) || !closed[265].Equal(t2024) {
					t.Fatalf("closed versions %v, want 264 and 265 at %v", closed, t2024)
				}
				// As of 2023 the old names are current.
				asOf := lakehouse.ScanOptions{SnapshotID: currentID(t, w, name, 1), Filter: lakehouse.Eq("location_id", int32(265))}
				if got := scanStrings(t, w, name, "zone", asOf); len(got) != 1 || got[0] != zoneName(old, 265) {
					t.Fatalf("zone 265 as of the 2023 run: %q", got)
				}
				zs, err := medallion.CurrentZones(ctx, w, "")
				if err != nil || zs.Len() != 265 || zoneName(zs, 265) != zoneName(cur, 265) || zoneName(zs, 100) != zoneName(cur, 100) {
					t.Fatalf("current zones: %v %v", zs, err)
				}
				again, err := medallion.SnapshotZones(ctx, w, "", cur, t2024.AddDate(0, 1, 0))
				if err != nil || again.Committed {
					t.Fatalf("re-applying the 2024 lookup: %+v %v", again, err)
				}
				older, err := medallion.SnapshotZones(ctx, w, "", old, t2023)
				if err != nil || older.Committed {
					t.Fatalf("re-applying the 2023 lookup after 2024's: %+v %v", older, err)
				}
			})
		})
	}
}

func TestCurrentZonesWithoutDimension(t *testing.T) {
	w := openWarehouse(t, lakehouse.Config{Warehouse: t.TempDir()})
	if z, err := medallion.CurrentZones(testContext(t), w, ""); z != nil || err != nil {
		t.Fatalf("no dimension: %v %v", z, err)
	}
}

func TestSnapshotDictionary(t *testing.T) {
	forEachBackend(t, func(t *testing.T, w *lakehouse.Warehouse) {
		ctx := testContext(t)
		for _, e := range tlc.DictionaryEditions() {
			if _, err := medallion.SnapshotDictionary(ctx, w, "", e); err != nil {
				t.Fatal(err)
			}
		}
		// Applying every edition again, oldest first, changes nothing: the
		// old edition is older than the dimension's state.
		for _, e := range tlc.DictionaryEditions() {
			runs, err := medallion.SnapshotDictionary(ctx, w, "", e)
			if err != nil {
				t.Fatal(err)
			}
			for name, r := range runs {
				if r.Committed {
					t.Fatalf("re-applying edition %s changed %s: %+v", e, name, r.Stats)
				}
			}
		}
		vendors := medallion.DimensionTable("", medallion.CodeDimension(tlc.CodeVendor))
		if n := count(t, w, vendors, lakehouse.ScanOptions{}); n != 5 {
			t.Fatalf("%d vendor versions, want 5 (1, 2 VeriFone, 2 Curb, 6, 7)", n)
		}
		closed := closedVersions(t, w, vendors, "code")
		at, _ := tlc.Dictionary2025.Published()
		if len(closed) != 1 || !closed[2].Equal(at) {
			t.Fatalf("closed vendor versions %v, want code 2 at %v", closed, at)
		}
		current := scanStrings(t, w, vendors, "description", lakehouse.ScanOptions{
			Filter: lakehouse.And(lakehouse.IsNull("dbt_valid_to"), lakehouse.Eq("code", int32(2)))})
		if len(current) != 1 || current[0] != "Curb Mobility, LLC" {
			t.Fatalf("current vendor 2: %q", current)
		}
		for _, tbl := range tlc.CodeTables() {
			if ok, err := w.TableExists(ctx, medallion.DimensionTable("", medallion.CodeDimension(tbl))); !ok || err != nil {
				t.Fatalf("no dimension for %s: %v", tbl, err)
			}
		}
	})
}

func loadZones(t *testing.T, name string) *tlc.Zones {
	t.Helper()
	z, err := tlc.LoadZonesFile(fixtures.Path(t, name))
	if err != nil {
		t.Fatal(err)
	}
	return z
}

func zoneName(z *tlc.Zones, id int32) string {
	v, _ := z.Lookup(id)
	return v.Zone
}

// currentID returns the id of the n-th snapshot (1-based) of table name.
func currentID(t *testing.T, w *lakehouse.Warehouse, name string, n int) int64 {
	t.Helper()
	snaps, err := w.Snapshots(testContext(t), name)
	if err != nil || len(snaps) < n {
		t.Fatalf("snapshots of %s: %v %v", name, snaps, err)
	}
	return snaps[n-1].ID
}

func scanStrings(t *testing.T, w *lakehouse.Warehouse, name, col string, opts lakehouse.ScanOptions) []string {
	t.Helper()
	opts.Columns = []string{col}
	rdr, err := w.Scan(testContext(t), name, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer rdr.Release()
	var out []string
	for rdr.Next() {
		a := rdr.RecordBatch().Column(0).(*array.String)
		for i := range a.Len() {
			out = append(out, a.Value(i))
		}
	}
	if err := rdr.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestZonesAsOf(t *testing.T) {
	w := openWarehouse(t, lakehouse.Config{Warehouse: t.TempDir()})
	ctx := testContext(t)
	z2023, _ := tlc.SyntheticZones(2023)
	z2024, _ := tlc.SyntheticZones(2024)
	var without5 []tlc.Zone
	for z := range z2024.All() {
		if z.LocationID != 5 {
			without5 = append(without5, z)
		}
	}
	z2025, err := tlc.NewZones(without5)
	if err != nil {
		t.Fatal(err)
	}
	day := func(y int, m time.Month) time.Time { return time.Date(y, m, 1, 0, 0, 0, 0, time.UTC) }
	for _, run := range []struct {
		zones *tlc.Zones
		at    time.Time
	}{{z2023, day(2023, 1)}, {z2024, day(2024, 1)}, {z2025, day(2025, 1)}} {
		if _, err := medallion.SnapshotZones(ctx, w, "", run.zones, run.at); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		at   time.Time
		n    int
		zone string // of 265
		has5 bool
	}{
		{day(2020, 1), 265, zoneName(z2023, 265), true}, // before any lookup: the earliest
		{day(2023, 6), 265, zoneName(z2023, 265), true},
		{day(2024, 1), 265, zoneName(z2024, 265), true},
		{day(2024, 12), 265, zoneName(z2024, 265), true},
		{day(2025, 2), 264, zoneName(z2024, 265), false}, // 5 was deleted in 2025
	} {
		z, err := medallion.ZonesAsOf(ctx, w, "", tc.at)
		if err != nil {
			t.Fatal(err)
		}
		_, has5 := z.Lookup(5)
		if z.Len() != tc.n || zoneName(z, 265) != tc.zone || has5 != tc.has5 {
			t.Errorf("as of %s: %d zones, 265 %q, zone 5 %v; want %d, %q, %v",
				tc.at.Format(time.DateOnly), z.Len(), zoneName(z, 265), has5, tc.n, tc.zone, tc.has5)
		}
	}
	// The 2025 run only deleted a zone; a lookup dated before it is still
	// older than the dimension, and skipped.
	late, err := medallion.SnapshotZones(ctx, w, "", z2024, day(2024, 6))
	if err != nil || late.Committed {
		t.Fatalf("a 2024 lookup after the 2025 deletion: %+v %v", late, err)
	}
}
