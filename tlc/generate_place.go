package tlc

import (
	"math"
	"math/rand/v2"
	"slices"
)

// Zone geography of the generator. Every TLC zone gets a deterministic
// pseudo-coordinate, in miles east and north of Fifth Avenue and 42nd Street,
// so that the distance between two zones is the same in every trip. The
// Manhattan zones, the airports and the zones that dominate green and
// for-hire pickups are placed by hand, roughly where they are; the other
// zones are scattered over four borough-sized boxes by a fixed hash. No
// zone names or lookup data are embedded: only the ids the rate card and the
// hot-zone lists need.

const (
	zoneEWR     = 1
	zoneJFK     = 132
	zoneLGA     = 138
	zoneUnknown = 264 // "Unknown" / NV in the lookup
	zoneOutside = 265 // outside of NYC (Nassau, Westchester, New Jersey)
	numZones    = 265
)

// zone flags
const (
	inManhattan  = 1 << iota
	inCongestion // Manhattan south of 96th Street: NYS congestion surcharge
	inCRZ        // Manhattan south of 60th Street: MTA congestion relief zone
	isAirport
)

type zoneMap struct {
	x, y   [numZones + 1]float64 // miles east, north
	radius [numZones + 1]float64 // zone extent, for the pick-up point jitter
	flags  [numZones + 1]uint8
	yellow [numZones + 1]float64 // relative yellow pick-up demand
}

// manhattanZones lists every Manhattan zone with its position on the street
// grid (miles across from Fifth Avenue, miles up from 42nd Street; 20 blocks
// to the mile) and its relative yellow pick-up demand.
func manhattanZones() [][4]float64 {
	return [][4]float64{
		{12, -0.6, -4.6, 3}, {13, -0.9, -4.1, 15}, {261, -0.6, -3.9, 15}, {88, -0.2, -4.4, 10},
		{87, -0.1, -3.9, 25}, {209, 0.2, -3.8, 6}, {231, -0.5, -3.4, 30}, {232, 0.6, -3.3, 3},
		{45, 0.1, -3.1, 8}, {144, 0.1, -2.7, 15}, {211, -0.4, -2.6, 25}, {125, -0.9, -2.5, 15},
		{148, 0.6, -2.6, 15}, {114, -0.3, -2.2, 30}, {249, -0.8, -1.9, 60}, {158, -1.1, -1.6, 30},
		{113, -0.3, -1.8, 40}, {79, 0.4, -2.0, 70}, {4, 0.9, -2.0, 10}, {234, 0.0, -1.4, 80},
		{224, 0.8, -1.4, 5}, {107, 0.3, -1.1, 65}, {90, -0.2, -1.0, 45}, {68, -0.5, -1.0, 75},
		{246, -1.1, -0.6, 45}, {186, -0.5, -0.4, 105}, {164, -0.1, -0.5, 55}, {137, 0.6, -0.7, 40},
		{170, 0.4, -0.2, 90}, {100, -0.4, 0.0, 60}, {233, 0.7, 0.2, 30}, {161, 0.1, 0.4, 145},
		{162, 0.4, 0.4, 110}, {230, -0.3, 0.2, 100}, {48, -0.7, 0.4, 80}, {50, -1.1, 0.5, 20},
		{163, -0.2, 0.7, 85}, {229, 0.7, 0.7, 40}, {140, 0.8, 1.3, 65}, {141, 0.5, 1.2, 75},
		{142, -0.5, 1.3, 100}, {143, -0.9, 1.4, 25}, {237, 0.4, 1.5, 150}, {43, 0.0, 2.2, 45},
		{239, -0.6, 1.9, 85}, {236, 0.5, 2.2, 135}, {263, 0.8, 2.0, 55}, {262, 1.1, 2.0, 35},
		{238, -0.5, 2.6, 60}, {202, 1.3, 1.0, 0.5}, {24, -0.6, 3.0, 8}, {151, -0.3, 3.2, 15},
		{75, 0.6, 2.9, 20}, {74, 0.7, 3.5, 8}, {166, -0.6, 3.6, 10}, {41, 0.1, 3.6, 8},
		{42, 0.2, 4.4, 4}, {152, -0.6, 4.2, 2}, {194, 1.6, 3.8, 0.3}, {116, -0.4, 4.8, 3},
		{244, -0.4, 5.8, 3}, {120, 0.0, 6.2, 0.3}, {243, -0.4, 6.8, 1}, {127, -0.2, 7.6, 1},
		{128, -0.5, 7.9, 0.1}, {153, 0.0, 8.2, 0.1}, {103, -1.2, -5.2, 0.02}, {104, -1.8, -5.0, 0.02},
		{105, -0.4, -5.4, 0.02},
	}
}

// placedZones are outer-borough zones and airports placed by hand (miles
// east, north): the airports and the hot zones of green and for-hire trips.
func placedZones() [][3]float64 {
	return [][3]float64{
		{zoneEWR, -10.0, -4.5}, {zoneJFK, 10.8, -7.8}, {zoneLGA, 5.8, 1.5},
		{7, 3.4, 2.2}, {82, 6.8, -0.3}, {95, 8.2, -1.9}, {129, 6.0, 0.9}, {130, 10.8, -2.6},
		{97, 0.6, -5.4}, {65, -0.4, -5.3}, {61, 2.0, -7.3}, {159, 3.0, 6.0}, {17, 2.5, -5.5},
		{181, 0.4, -7.0}, {255, 1.6, -3.2}, {256, 1.5, -4.0}, {146, 1.8, 0.1}, {226, 3.8, 0.0},
		{260, 4.8, 0.2}, {112, 1.8, -2.0}, {168, 2.5, 5.2}, {69, 2.6, 7.2}, {247, 2.2, 7.0},
		{76, 6.0, -6.5}, {254, 4.5, 10.5}, {169, 3.5, 7.8}, {206, -6.0, -8.0}, {221, -5.5, -9.5},
		{212, 4.8, 7.8}, {86, 14.5, -9.0},
	}
}

// newZoneMap builds the geography. The grid of Manhattan runs 29 degrees
// east of true north, so its street-grid positions are rotated.
func newZoneMap() *zoneMap {
	z := new(zoneMap)
	placed := make([]bool, numZones+1)
	sin, cos := math.Sincos(29 * math.Pi / 180)
	for _, m := range manhattanZones() {
		id, gx, gy := int(m[0]), m[1], m[2]
		z.x[id], z.y[id] = gx*cos+gy*sin, -gx*sin+gy*cos
		z.radius[id], z.yellow[id] = 0.3, m[3]
		z.flags[id] = inManhattan
		if gy < 2.7 && gy > -5.1 { // 96th Street; the harbour islands are outside
			z.flags[id] |= inCongestion
		}
		if gy < 0.9 && gy > -5.1 { // 60th Street
			z.flags[id] |= inCRZ
		}
		placed[id] = true
	}
	for _, p := range placedZones() {
		id := int(p[0])
		z.x[id], z.y[id], z.radius[id], z.yellow[id] = p[1], p[2], 0.6, 0.8
		placed[id] = true
	}
	for _, id := range []int{zoneEWR, zoneJFK, zoneLGA} {
		z.flags[id], z.radius[id] = isAirport, 0.4
	}
	// The other zones go into boxes of the sizes of the Bronx, Brooklyn,
	// Queens and Staten Island, chosen by a fixed stream so that the map
	// never depends on the generator's seed.
	boxes := [][4]float64{ // x0, x1, y0, y1
		{-1, 8, 5, 12}, {-3, 6, -13, -4}, {3, 14, -8, 4}, {-14, -6, -15, -8}}
	rng := rand.New(rand.NewPCG(0x7a0e5, 265))
	for id := 1; id <= numZones; id++ {
		if placed[id] || id == zoneUnknown || id == zoneOutside {
			continue
		}
		b := boxes[pickBox(rng.Float64())]
		z.x[id] = b[0] + (b[1]-b[0])*rng.Float64()
		z.y[id] = b[2] + (b[3]-b[2])*rng.Float64()
		z.radius[id], z.yellow[id] = 0.7, 0.8
	}
	return z
}

// pickBox splits the outer zones like the lookup does: 43 Bronx, 61
// Brooklyn, 69 Queens and 20 Staten Island zones.
func pickBox(u float64) int {
	switch {
	case u < 43.0/193:
		return 0
	case u < 104.0/193:
		return 1
	case u < 173.0/193:
		return 2
	}
	return 3
}

func (z *zoneMap) has(id int32, flag uint8) bool {
	return id >= 1 && id <= numZones && z.flags[id]&flag != 0
}

// point returns a random point of zone id: its centre jittered within its
// radius, so that trips within one zone have a length.
func (z *zoneMap) point(rng *rand.Rand, id int32) (x, y float64) {
	r := z.radius[id] * math.Sqrt(rng.Float64())
	s, c := math.Sincos(2 * math.Pi * rng.Float64())
	return z.x[id] + r*c, z.y[id] + r*s
}

// sampler draws an index from fixed weights by binary search on their
// cumulative sums.
type sampler struct{ cum []float64 }

func newSampler(w []float64) sampler {
	cum := make([]float64, len(w))
	s := 0.0
	for i, v := range w {
		s += v
		cum[i] = s
	}
	return sampler{cum}
}

func (s sampler) draw(rng *rand.Rand) int {
	u := rng.Float64() * s.cum[len(s.cum)-1]
	i, _ := slices.BinarySearch(s.cum, u)
	return min(i, len(s.cum)-1)
}

// demand is a kind's spatial demand: where trips start, and for every start
// zone where they end (a gravity model: attractiveness times
// exp(-distance/decay)). Airport pick-ups and drop-offs are drawn at
// explicit shares, because the distance decay would all but forbid them.
type demand struct {
	pu        sampler
	do        [numZones + 1]sampler
	fromAir   sampler // destinations of airport pick-ups
	airPU     [3]float64
	airDO     [3]float64
	unknownPU float64 // share of pick-ups in zone 264
	outsideDO float64 // share of drop-offs outside NYC (zone 265)
}

func newDemand(z *zoneMap, puW, doW []float64, decay float64, airPU, airDO [3]float64) *demand {
	d := &demand{pu: newSampler(puW), airPU: airPU, airDO: airDO}
	w := make([]float64, numZones+1)
	for o := 1; o <= numZones; o++ {
		for t := 1; t <= numZones; t++ {
			w[t] = 0
			if z.flags[t]&isAirport == 0 && t != zoneUnknown && t != zoneOutside {
				w[t] = doW[t] * math.Exp(-math.Hypot(z.x[t]-z.x[o], z.y[t]-z.y[o])/decay)
			}
		}
		d.do[o] = newSampler(w)
	}
	for t := range w {
		w[t] = 0
		if z.flags[t]&isAirport == 0 && t != zoneUnknown && t != zoneOutside && t > 0 {
			w[t] = doW[t] * math.Exp(-math.Hypot(z.x[t], z.y[t])/8)
		}
	}
	d.fromAir = newSampler(w)
	return d
}

// trip draws a pick-up and drop-off zone.
func (d *demand) trip(rng *rand.Rand) (pu, do int32) {
	airports := [3]int32{zoneJFK, zoneLGA, zoneEWR} // the order of airPU and airDO
	u := rng.Float64()
	for i, s := range d.airPU {
		if u < s {
			return airports[i], int32(d.fromAir.draw(rng))
		}
		u -= s
	}
	if u < d.unknownPU {
		return zoneUnknown, int32(d.pu.draw(rng))
	}
	pu = int32(d.pu.draw(rng))
	u = rng.Float64()
	if u < d.outsideDO {
		return pu, zoneOutside
	}
	u -= d.outsideDO
	for i, s := range d.airDO {
		if u < s {
			return pu, airports[i]
		}
		u -= s
	}
	return pu, int32(d.do[pu].draw(rng))
}

// distance returns the road distance in miles between random points of two
// zones: the straight line times a detour factor (Manhattan's grid makes it
// about 1.3). Zone 264 (unknown) gets a plausible city trip and zone 265
// (outside NYC) a long one.
func (z *zoneMap) distance(rng *rand.Rand, pu, do int32) float64 {
	detour := 1.3 * math.Exp(0.12*rng.NormFloat64())
	switch {
	case pu == zoneOutside || do == zoneOutside:
		return 18 * math.Exp(0.35*rng.NormFloat64())
	case pu < 1 || do < 1 || pu > numZones || do > numZones || pu == zoneUnknown || do == zoneUnknown:
		return 3 * math.Exp(0.8*rng.NormFloat64())
	}
	x0, y0 := z.point(rng, pu)
	x1, y1 := z.point(rng, do)
	return max(0.05, detour*math.Hypot(x1-x0, y1-y0))
}

// latLon converts a point of zone id to WGS84 degrees around midtown, for
// the coordinates of the 2009-2010 yellow files. Ids outside 1-263 give
// 0, 0, the classic "null island" defect of those files.
func (z *zoneMap) latLon(id int32, u, v float64) (lat, lon float64) {
	if id < 1 || id > 263 {
		return 0, 0
	}
	r := z.radius[id] * math.Sqrt(u)
	s, c := math.Sincos(2 * math.Pi * v)
	x, y := z.x[id]+r*c, z.y[id]+r*s
	return 40.7549 + y/69.05, -73.9840 + x/52.35
}
