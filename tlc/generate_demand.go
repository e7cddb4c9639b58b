package tlc

import (
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// hotZones returns the busiest zones of a kind with their trip counts in a
// real month (sample_stats.json top_PU / top_DO): green 2020-04 for the
// pandemic months, green 2024-01 otherwise. Only green needs them: yellow
// demand comes from the Manhattan table, for-hire demand is spread out.
func hotZones(k Kind, m Month, pickups bool) map[int]float64 {
	if k != Green {
		return nil
	}
	switch {
	case covid(m) && pickups:
		return map[int]float64{74: 3606, 75: 3280, 41: 2735, 42: 2519, 244: 1472, 97: 1200, 166: 868,
			65: 820, 116: 730, 159: 625, 82: 614, 61: 604}
	case covid(m):
		return map[int]float64{42: 2195, 74: 2018, 75: 1726, 41: 1503, 61: 760, 166: 715, 244: 667, 116: 602}
	case pickups:
		return map[int]float64{74: 12141, 75: 8458, 95: 2915, 43: 2765, 166: 2649, 82: 2623, 41: 2589,
			97: 1898, 65: 1624, 7: 1521, 129: 1398, 130: 1339}
	}
	return map[int]float64{75: 3078, 74: 2890, 236: 2725, 238: 2208, 41: 1995, 166: 1819, 42: 1753, 263: 1383}
}

// zoneWeights returns the relative demand of every zone for pick-ups or
// drop-offs. Airports and zones 264-265 get none: the demand model draws
// them at explicit shares.
func (g *Generator) zoneWeights(pickups bool) []float64 {
	z, k := g.zones, g.cfg.Kind
	hot := hotZones(k, g.month, pickups)
	w := make([]float64, numZones+1)
	for id := 1; id < zoneUnknown; id++ {
		if z.flags[id]&isAirport != 0 {
			continue
		}
		manhattan, congestion := z.flags[id]&inManhattan != 0, z.flags[id]&inCongestion != 0
		switch k {
		case Yellow:
			// Outer-borough drop-offs are three times as common as
			// outer-borough pick-ups.
			w[id] = z.yellow[id]
			if !manhattan && !pickups {
				w[id] *= 3
			}
		case Green:
			// Green cabs may not street-hail south of 96th Street, but
			// often end there; the remaining trips spread evenly.
			switch {
			case hot[id] > 0:
				w[id] = hot[id]
			case congestion && pickups:
				w[id] = 10
			case congestion:
				w[id] = 300
			case pickups:
				w[id] = 80
			default:
				w[id] = 150
			}
		default:
			// For-hire trips: a third in Manhattan, the rest all over.
			w[id] = 28
			if manhattan {
				w[id] = z.yellow[id]
			}
		}
	}
	return w
}

func (g *Generator) puWeights() []float64 { return g.zoneWeights(true) }
func (g *Generator) doWeights() []float64 { return g.zoneWeights(false) }

// column is GenerateFile's ColumnFunc: it writes fractional passenger
// counts and fills the coordinates of the 2009-2010 yellow layouts from the
// trips' zones.
func (g *Generator) column(col PhysicalColumn, rec arrow.RecordBatch, def arrow.Array) (arrow.Array, error) {
	if col.Canonical == "passenger_count" && len(g.batchFrac) > 0 {
		if a, ok := def.(*array.Float64); ok {
			half := make(map[int]bool, len(g.batchFrac))
			for _, i := range g.batchFrac {
				half[i] = true
			}
			b := array.NewFloat64Builder(memory.DefaultAllocator)
			defer b.Release()
			for i := range a.Len() {
				switch {
				case a.IsNull(i):
					b.AppendNull()
				case half[i]:
					b.Append(a.Value(i) + 0.5)
				default:
					b.Append(a.Value(i))
				}
			}
			return b.NewArray(), nil
		}
	}
	end, lat, ok := coordinate(col.Name)
	if !ok || col.Canonical != "" {
		return def, nil
	}
	idx := rec.Schema().FieldIndices("pu_location_id")
	if end {
		idx = rec.Schema().FieldIndices("do_location_id")
	}
	if len(idx) != 1 {
		return def, nil
	}
	zones := rec.Column(idx[0]).(*array.Int32)
	times := rec.Column(rec.Schema().FieldIndices("pickup_datetime")[0]).(*array.Timestamp)
	b := array.NewFloat64Builder(memory.DefaultAllocator)
	defer b.Release()
	for i := range zones.Len() {
		if zones.IsNull(i) {
			b.AppendNull()
			continue
		}
		// The point inside the zone comes from a hash of the seed and the
		// trip, not from the generator's stream, so that lat and lon agree,
		// a duplicate row stays an exact copy, and the trips do not depend
		// on the layout.
		key := uint64(times.Value(i))<<8 | uint64(zones.Value(i)&0x7f)<<1
		if end {
			key |= 1
		}
		u, v := unitPair(g.cfg.Seed, key)
		la, lo := g.zones.latLon(zones.Value(i), u, v)
		// Six decimals, as the 2009-2010 files have.
		if lat {
			b.Append(math.Round(la*1e6) / 1e6)
		} else {
			b.Append(math.Round(lo*1e6) / 1e6)
		}
	}
	return b.NewArray(), nil
}

// coordinate recognises the coordinate columns of the 2009-2010 layouts:
// whether it is the drop-off end and whether it is a latitude.
func coordinate(name string) (end, lat, ok bool) {
	switch name {
	case "Start_Lon", "pickup_longitude":
		return false, false, true
	case "Start_Lat", "pickup_latitude":
		return false, true, true
	case "End_Lon", "dropoff_longitude":
		return true, false, true
	case "End_Lat", "dropoff_latitude":
		return true, true, true
	}
	return false, false, false
}

// unitPair hashes (seed, row) to two uniform numbers in [0, 1) with the
// SplitMix64 finaliser.
func unitPair(seed, row uint64) (float64, float64) {
	mix := func(x uint64) uint64 {
		x += 0x9e3779b97f4a7c15
		x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
		x = (x ^ x>>27) * 0x94d049bb133111eb
		return x ^ x>>31
	}
	a := mix(seed ^ mix(row))
	b := mix(a)
	return float64(a>>11) / (1 << 53), float64(b>>11) / (1 << 53)
}
