package tlc

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

func mustSyntheticZones(t *testing.T, edition int) *Zones {
	t.Helper()
	z, err := SyntheticZones(edition)
	if err != nil {
		t.Fatal(err)
	}
	return z
}

func TestSyntheticZones(t *testing.T) {
	boroughs := []string{"Bronx", "Brooklyn", "EWR", "Manhattan", "Queens", "Staten Island"}
	services := []string{"Airports", "Boro Zone", "EWR", "Yellow Zone"}
	m := newZoneMap()
	for _, edition := range []int{2023, 2024} {
		t.Run(fmt.Sprint(edition), func(t *testing.T) {
			z := mustSyntheticZones(t, edition)
			if z.Len() != MaxLocationID {
				t.Fatalf("%d zones, want %d", z.Len(), MaxLocationID)
			}
			count := map[string]int{}
			for id := int32(1); id <= MaxLocationID; id++ {
				zone, ok := z.Lookup(id)
				if !ok {
					t.Fatalf("zone %d missing", id)
				}
				if id >= zoneUnknown {
					continue
				}
				count[zone.Borough]++
				if !slices.Contains(boroughs, zone.Borough) || !slices.Contains(services, zone.ServiceZone) {
					t.Errorf("zone %d: %+v", id, zone)
				}
				if m.has(id, inManhattan) != (zone.Borough == "Manhattan") {
					t.Errorf("zone %d: borough %q, generator's Manhattan flag %v", id, zone.Borough, m.has(id, inManhattan))
				}
				if (zone.ServiceZone == "Yellow Zone") != m.has(id, inCongestion) {
					t.Errorf("zone %d: service zone %q, generator's congestion flag %v", id, zone.ServiceZone, m.has(id, inCongestion))
				}
				if !m.has(id, isAirport) && zone.Zone != fmt.Sprintf("Synthetic zone %d", id) {
					t.Errorf("zone %d named %q", id, zone.Zone)
				}
			}
			t.Logf("zones per borough: %v", count)
			for _, want := range []Zone{
				{1, "EWR", "Newark Airport", "EWR"},
				{132, "Queens", "JFK Airport", "Airports"},
				{138, "Queens", "LaGuardia Airport", "Airports"},
				{161, "Manhattan", "Synthetic zone 161", "Yellow Zone"}, // midtown
				{128, "Manhattan", "Synthetic zone 128", "Boro Zone"},   // north of 96th Street
				{7, "Queens", "Synthetic zone 7", "Boro Zone"},
			} {
				if got, _ := z.Lookup(want.LocationID); got != want {
					t.Errorf("zone %d = %+v, want %+v", want.LocationID, got, want)
				}
			}
			for _, b := range boroughs {
				if count[b] == 0 {
					t.Errorf("no zone in %s", b)
				}
			}
		})
	}
}

func TestSyntheticZonesDeterministic(t *testing.T) {
	for _, edition := range []int{2023, 2024} {
		a, b := mustSyntheticZones(t, edition), mustSyntheticZones(t, edition)
		if d := DiffZones(a, b); len(d) != 0 || !slices.Equal(slices.Collect(a.All()), slices.Collect(b.All())) {
			t.Errorf("edition %d differs between calls: %v", edition, d)
		}
	}
}

func TestSyntheticZonesEditions(t *testing.T) {
	for _, bad := range []int{0, 2022, 2025, 23} {
		if z, err := SyntheticZones(bad); err == nil || z != nil || !strings.Contains(err.Error(), "want 2023 or 2024") {
			t.Errorf("SyntheticZones(%d) = %v, %v; want an error", bad, z, err)
		}
	}
}

// TestSyntheticBoroughsReplay checks that the copy of the generator's boxes
// and random stream still reproduces newZoneMap exactly, and that every
// scattered zone lies in the box of its borough.
func TestSyntheticBoroughsReplay(t *testing.T) {
	m := newZoneMap()
	boroughs, exact := syntheticBoroughs(m)
	if !exact {
		t.Fatal("replaying newZoneMap's stream no longer reproduces its coordinates: update syntheticBoxes or syntheticBoroughs to match generate_place.go")
	}
	placed := map[int32]bool{}
	for _, z := range manhattanZones() {
		placed[int32(z[0])] = true
	}
	for _, p := range placedZones() {
		placed[int32(p[0])] = true
	}
	for id := int32(1); id < zoneUnknown; id++ {
		if placed[id] {
			continue
		}
		i := slices.IndexFunc(syntheticBoxes[:], func(b boroughBox) bool {
			return b.borough == boroughs[id]
		})
		if i < 0 {
			t.Fatalf("zone %d: borough %q has no box", id, boroughs[id])
		}
		b := syntheticBoxes[i]
		if x, y := m.x[id], m.y[id]; x < b.x0 || x > b.x1 || y < b.y0 || y > b.y1 {
			t.Errorf("zone %d at (%.2f, %.2f) is outside the %s box", id, x, y, b.borough)
		}
	}
}

// TestSyntheticBoroughsHandPlaced pins the rule for the outer-borough zones
// the generator places by hand: the containing box, else (none, or two
// boxes) the nearest box centre.
func TestSyntheticBoroughsHandPlaced(t *testing.T) {
	boroughs, _ := syntheticBoroughs(newZoneMap())
	tests := []struct {
		id   int32
		want string
		why  string
	}{
		{7, "Queens", "inside the Queens box only"},
		{159, "Bronx", "inside the Bronx box only"},
		{206, "Staten Island", "on the edge of the Staten Island box"},
		{76, "Brooklyn", "inside both Brooklyn and Queens boxes; Brooklyn's centre is nearer"},
		{112, "Brooklyn", "in no box; Brooklyn's centre is nearest"},
		{146, "Queens", "in no box; Queens' centre is nearest"},
		{221, "Staten Island", "in no box; Staten Island's centre is nearest"},
		{86, "Queens", "in no box, beyond the Queens box"},
	}
	for _, tt := range tests {
		if got := boroughs[tt.id]; got != tt.want {
			t.Errorf("zone %d: %q, want %q (%s)", tt.id, got, tt.want, tt.why)
		}
	}
	if got := boxAt(0, 0); syntheticBoxes[got].borough != "Brooklyn" {
		// Midtown is in no box; Brooklyn's centre (1.5, -8.5) is 8.63 miles
		// away, Queens' (8.5, -2) 8.73.
		t.Errorf("boxAt(0, 0) = %s", syntheticBoxes[got].borough)
	}
}

func summarizeZoneChanges(cs []ZoneChange) []string {
	var out []string
	for _, c := range cs {
		out = append(out, fmt.Sprintf("%d %s %v %+v -> %+v", c.LocationID, c.Type, c.Fields, c.Old, c.New))
	}
	return out
}

func TestSyntheticZonesDiff(t *testing.T) {
	got := DiffZones(mustSyntheticZones(t, 2023), mustSyntheticZones(t, 2024))
	want := []ZoneChange{
		{Type: ZoneModified, LocationID: 264, Fields: []string{"Zone"},
			Old: Zone{264, "Unknown", "NV", "N/A"}, New: Zone{264, "Unknown", "N/A", "N/A"}},
		{Type: ZoneModified, LocationID: 265, Fields: []string{"Borough", "Zone"},
			Old: Zone{265, "Unknown", "NA", "N/A"}, New: Zone{265, "N/A", "Outside of NYC", "N/A"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("DiffZones(2023, 2024):\n got %q\nwant %q", summarizeZoneChanges(got), summarizeZoneChanges(want))
	}
	if d := DiffZones(mustSyntheticZones(t, 2024), mustSyntheticZones(t, 2023)); len(d) != 2 || d[0].New.Zone != "NV" || d[1].Old.Zone != "Outside of NYC" {
		t.Errorf("DiffZones(2024, 2023) = %q", summarizeZoneChanges(d))
	}
}

// TestSyntheticZonesMatchRealDiff pins the synthetic 264/265 change to the
// real one: the diff of the real 2023 and 2024 lookups must equal the
// synthetic diff, value for value. It also checks the boroughs the
// generator knows (hand-placed zones) against the real table.
func TestSyntheticZonesMatchRealDiff(t *testing.T) {
	old, err := LoadZonesFile(fixture(t, "taxi_zone_lookup_old_2023.csv"))
	if err != nil {
		t.Fatal(err)
	}
	cur, err := LoadZonesFile(fixture(t, "taxi_zone_lookup.csv"))
	if err != nil {
		t.Fatal(err)
	}
	real := DiffZones(old, cur)
	syn := DiffZones(mustSyntheticZones(t, 2023), mustSyntheticZones(t, 2024))
	if !reflect.DeepEqual(real, syn) {
		t.Errorf("synthetic diff differs from the real one:\nreal %q\n syn %q", summarizeZoneChanges(real), summarizeZoneChanges(syn))
	}
	for _, edition := range []struct {
		year int
		real *Zones
	}{{2023, old}, {2024, cur}} {
		z := mustSyntheticZones(t, edition.year)
		if z.Len() != edition.real.Len() {
			t.Errorf("%d: %d synthetic zones, %d real", edition.year, z.Len(), edition.real.Len())
		}
		for _, id := range []int32{zoneUnknown, zoneOutside} {
			s, _ := z.Lookup(id)
			r, _ := edition.real.Lookup(id)
			if s != r {
				t.Errorf("%d: zone %d synthetic %+v, real %+v", edition.year, id, s, r)
			}
		}
	}

	syn24 := mustSyntheticZones(t, 2024)
	handPlaced := map[int32]bool{}
	for _, z := range manhattanZones() {
		handPlaced[int32(z[0])] = true
	}
	for _, p := range placedZones() {
		handPlaced[int32(p[0])] = true
	}
	agree, scattered := 0, 0
	for id := int32(1); id < zoneUnknown; id++ {
		s, _ := syn24.Lookup(id)
		r, _ := cur.Lookup(id)
		switch {
		case handPlaced[id] && s.Borough != r.Borough:
			t.Errorf("hand-placed zone %d: synthetic borough %q, real %q", id, s.Borough, r.Borough)
		case !handPlaced[id]:
			scattered++
			if s.Borough == r.Borough {
				agree++
			}
		}
	}
	t.Logf("scattered zones whose synthetic borough is the real one: %d of %d", agree, scattered)
}

func TestZonesRecordBatch(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	z := mustSyntheticZones(t, 2024)
	rec := ZonesRecordBatch(mem, z)
	defer rec.Release()
	if !rec.Schema().Equal(ZonesSchema) {
		t.Fatalf("schema %v, want %v", rec.Schema(), ZonesSchema)
	}
	var names []string
	for _, f := range rec.Schema().Fields() {
		names = append(names, f.Name+":"+f.Type.String())
	}
	if want := []string{"location_id:int32", "borough:utf8", "zone:utf8", "service_zone:utf8"}; !slices.Equal(names, want) {
		t.Errorf("columns %v, want %v", names, want)
	}
	if rec.NumRows() != int64(z.Len()) {
		t.Fatalf("%d rows, want %d", rec.NumRows(), z.Len())
	}
	ids := rec.Column(0).(*array.Int32)
	borough := rec.Column(1).(*array.String)
	zone := rec.Column(2).(*array.String)
	service := rec.Column(3).(*array.String)
	for i := range int(rec.NumRows()) {
		if i > 0 && ids.Value(i) <= ids.Value(i-1) {
			t.Errorf("row %d: id %d after %d", i, ids.Value(i), ids.Value(i-1))
		}
		want, _ := z.Lookup(ids.Value(i))
		got := Zone{ids.Value(i), borough.Value(i), zone.Value(i), service.Value(i)}
		if got != want {
			t.Errorf("row %d: %+v, want %+v", i, got, want)
		}
	}

	// Any table, in any input order, comes out sorted; nil is empty.
	small, err := NewZones([]Zone{{265, "N/A", "Outside of NYC", "N/A"}, {1, "EWR", "Newark Airport", "EWR"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		z    *Zones
		want []int32
	}{{small, []int32{1, 265}}, {nil, nil}, {&Zones{}, nil}} {
		r := ZonesRecordBatch(mem, tt.z)
		got := r.Column(0).(*array.Int32).Int32Values()
		if !slices.Equal(got, tt.want) || !r.Schema().Equal(ZonesSchema) {
			t.Errorf("ids %v, want %v", got, tt.want)
		}
		r.Release()
	}
}
