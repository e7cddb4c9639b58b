package quality

import (
	"math"
	"slices"
)

// sortFloats sorts non-NaN float64 values ascending. Large inputs use an
// LSD radix sort on the values' bits (8 passes of 8 bits, skipping passes
// where every value shares the byte), which is several times faster than a
// comparison sort on millions of values; small ones use slices.Sort.
func sortFloats(v []float64) {
	if len(v) < 1<<16 {
		slices.Sort(v)
		return
	}
	keys := make([]uint64, len(v))
	for i, f := range v {
		keys[i] = floatKey(f)
	}
	tmp := make([]uint64, len(v))
	for shift := uint(0); shift < 64; shift += 8 {
		var count [256]int
		for _, k := range keys {
			count[(k>>shift)&0xff]++
		}
		if count[(keys[0]>>shift)&0xff] == len(keys) {
			continue // every key has this byte: the pass would not move anything
		}
		pos := 0
		for d := range count {
			c := count[d]
			count[d] = pos
			pos += c
		}
		for _, k := range keys {
			d := (k >> shift) & 0xff
			tmp[count[d]] = k
			count[d]++
		}
		keys, tmp = tmp, keys
	}
	for i, k := range keys {
		v[i] = keyFloat(k)
	}
}

// floatKey maps a float64 to a uint64 with the same order: flip every bit
// of negatives, only the sign bit of positives. -0 sorts before +0, which
// compare equal anyway.
func floatKey(f float64) uint64 {
	b := math.Float64bits(f)
	if b>>63 == 1 {
		return ^b
	}
	return b | 1<<63
}

func keyFloat(k uint64) float64 {
	if k>>63 == 1 {
		return math.Float64frombits(k &^ (1 << 63))
	}
	return math.Float64frombits(^k)
}
