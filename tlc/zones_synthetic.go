package tlc

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// SyntheticZones returns a SYNTHETIC taxi zone lookup table, for offline
// demos and tests that need a zone dimension without the real file: ids 1 to
// 265, derived from the trip generator's own geography, so that its
// boroughs agree with where the generated trips go. It is not the TLC's
// table and must not be used as one: real runs use FetchZones, or
// LoadZonesFile on a downloaded copy.
//
// Every zone is "Synthetic zone N" except the three airports, which keep
// their names ("Newark Airport", "JFK Airport", "LaGuardia Airport").
// Borough and service zone follow the generator (see generate_place.go):
//   - the Manhattan zones it places by hand are "Manhattan"; those inside its
//     NYS congestion surcharge area (south of 96th Street) are "Yellow Zone",
//     the others "Boro Zone";
//   - 1 is "EWR" / "EWR"; 132 and 138 are "Queens" / "Airports";
//   - the zones it scatters over its four borough-sized boxes get the
//     borough of the box they were drawn in (the boxes are, in order, the
//     Bronx, Brooklyn, Queens and Staten Island, as the generator says);
//     the outer-borough zones it places by hand get the borough of the box
//     that contains them, or, where none or two do, of the box whose centre
//     is nearest. All are "Boro Zone".
//
// Ids 264 and 265 follow the real change between the 2023 and 2024 lookups,
// the only one between them: edition 2023 has 264 = Unknown / NV / N/A and
// 265 = Unknown / NA / N/A; edition 2024 has 264 = Unknown / N/A / N/A and
// 265 = N/A / Outside of NYC / N/A. So DiffZones(SyntheticZones(2023),
// SyntheticZones(2024)) shows the change a type 2 snapshot of the real
// table records. Other editions are an error.
func SyntheticZones(edition int) (*Zones, error) {
	var unknown, outside Zone
	switch edition {
	case 2023:
		unknown = Zone{zoneUnknown, "Unknown", "NV", "N/A"}
		outside = Zone{zoneOutside, "Unknown", "NA", "N/A"}
	case 2024:
		unknown = Zone{zoneUnknown, "Unknown", "N/A", "N/A"}
		outside = Zone{zoneOutside, "N/A", "Outside of NYC", "N/A"}
	default:
		return nil, fmt.Errorf("tlc: synthetic zone lookup edition %d: want 2023 or 2024", edition)
	}
	m := newZoneMap()
	boroughs, _ := syntheticBoroughs(m)
	zs := make([]Zone, 0, numZones)
	for id := int32(1); id < zoneUnknown; id++ {
		z := Zone{LocationID: id, Borough: boroughs[id], Zone: "Synthetic zone " + strconv.Itoa(int(id)), ServiceZone: "Boro Zone"}
		switch {
		case id == zoneEWR:
			z.Zone, z.ServiceZone = "Newark Airport", "EWR"
		case id == zoneJFK:
			z.Zone, z.ServiceZone = "JFK Airport", "Airports"
		case id == zoneLGA:
			z.Zone, z.ServiceZone = "LaGuardia Airport", "Airports"
		case m.has(id, inCongestion):
			z.ServiceZone = "Yellow Zone"
		}
		zs = append(zs, z)
	}
	return NewZones(append(zs, unknown, outside))
}

// boroughBox is one of the generator's borough-sized boxes: its borough
// and its extent in miles east (x) and north (y) of midtown.
type boroughBox struct {
	borough        string
	x0, x1, y0, y1 float64
}

// syntheticBoxes repeats the boxes of newZoneMap, which are local to it, in
// its order, and names their boroughs. syntheticBoroughs checks that they
// still reproduce its map.
var syntheticBoxes = [4]boroughBox{
	{"Bronx", -1, 8, 5, 12},
	{"Brooklyn", -3, 6, -13, -4},
	{"Queens", 3, 14, -8, 4},
	{"Staten Island", -14, -6, -15, -8},
}

// syntheticBoroughs returns the borough of every zone 1..263 of m. The
// scattered zones get the box newZoneMap drew them in, found by replaying
// its fixed random stream; exact reports that the replay reproduced every
// scattered zone's coordinates. When it does not (newZoneMap has changed
// since this file was written), the scattered zones fall back to the box
// that contains them, as the hand-placed outer zones do, so the result stays
// deterministic; the tests insist on exact.
func syntheticBoroughs(m *zoneMap) (boroughs [numZones + 1]string, exact bool) {
	placed := make([]bool, numZones+1)
	for _, z := range manhattanZones() {
		id := int(z[0])
		placed[id] = true
		boroughs[id] = "Manhattan"
	}
	for _, p := range placedZones() {
		id := int(p[0])
		placed[id] = true
		boroughs[id] = syntheticBoxes[boxAt(m.x[id], m.y[id])].borough
	}
	boroughs[zoneEWR], boroughs[zoneJFK], boroughs[zoneLGA] = "EWR", "Queens", "Queens"

	// The replay of newZoneMap's loop over the zones it did not place.
	drawn := make(map[int]int, numZones)
	rng := rand.New(rand.NewPCG(0x7a0e5, 265))
	exact = true
	for id := 1; id <= numZones && exact; id++ {
		if placed[id] || id == zoneUnknown || id == zoneOutside {
			continue
		}
		b := pickBox(rng.Float64())
		box := syntheticBoxes[b]
		x := box.x0 + (box.x1-box.x0)*rng.Float64()
		y := box.y0 + (box.y1-box.y0)*rng.Float64()
		exact = x == m.x[id] && y == m.y[id]
		drawn[id] = b
	}
	for id := 1; id < zoneUnknown; id++ {
		if placed[id] {
			continue
		}
		b, ok := drawn[id]
		if !exact || !ok {
			b = boxAt(m.x[id], m.y[id])
		}
		boroughs[id] = syntheticBoxes[b].borough
	}
	return boroughs, exact
}

// boxAt returns the index of the syntheticBoxes box that contains (x, y);
// where none or several do, the nearest by centre among all of them or the
// containing ones.
func boxAt(x, y float64) int {
	var in []int
	for i, b := range syntheticBoxes {
		if x >= b.x0 && x <= b.x1 && y >= b.y0 && y <= b.y1 {
			in = append(in, i)
		}
	}
	if len(in) == 1 {
		return in[0]
	}
	if len(in) == 0 {
		in = []int{0, 1, 2, 3}
	}
	best, bestD := in[0], math.Inf(1)
	for _, i := range in {
		b := syntheticBoxes[i]
		if d := math.Hypot(x-(b.x0+b.x1)/2, y-(b.y0+b.y1)/2); d < bestD {
			best, bestD = i, d
		}
	}
	return best
}

// ZonesSchema is the Arrow schema of ZonesRecordBatch: location_id int32,
// borough, zone and service_zone strings, named like the canonical trip
// columns. The fields are nullable, like every canonical column, though no
// value is ever null.
var ZonesSchema = arrow.NewSchema([]arrow.Field{
	{Name: "location_id", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
	{Name: "borough", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "zone", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "service_zone", Type: arrow.BinaryTypes.String, Nullable: true},
}, nil)

// ZonesRecordBatch returns the zones of z as a record batch of ZonesSchema,
// one row per zone in LocationID order, values exactly as in z: the source
// of a zone dimension snapshot keyed on location_id. A nil z gives an empty
// batch. The caller releases the batch.
func ZonesRecordBatch(mem memory.Allocator, z *Zones) arrow.RecordBatch {
	if mem == nil {
		mem = memory.DefaultAllocator
	}
	b := array.NewRecordBuilder(mem, ZonesSchema)
	defer b.Release()
	id := b.Field(0).(*array.Int32Builder)
	borough := b.Field(1).(*array.StringBuilder)
	name := b.Field(2).(*array.StringBuilder)
	service := b.Field(3).(*array.StringBuilder)
	id.Reserve(z.Len())
	for zone := range z.All() {
		id.Append(zone.LocationID)
		borough.Append(zone.Borough)
		name.Append(zone.Zone)
		service.Append(zone.ServiceZone)
	}
	return b.NewRecordBatch()
}
