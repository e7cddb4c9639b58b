package quality

import "math"

// selectKth reorders v so that v[k] is the value a full sort would put
// there, everything before it no greater and everything after no smaller:
// quickselect with median-of-three pivots and three-way partitioning, so
// that columns full of repeated values (fares, counts) stay linear.
func selectKth(v []float64, k int) float64 {
	lo, hi := 0, len(v)-1
	for lo < hi {
		mid := lo + (hi-lo)/2
		// median of three as pivot
		a, b, c := v[lo], v[mid], v[hi]
		p := b
		if (a <= b) == (b <= c) {
			p = b
		} else if (b <= a) == (a <= c) {
			p = a
		} else {
			p = c
		}
		// three-way partition: [lo,lt) < p, [lt,gt] == p, (gt,hi] > p
		lt, i, gt := lo, lo, hi
		for i <= gt {
			switch x := v[i]; {
			case x < p:
				v[lt], v[i] = v[i], v[lt]
				lt++
				i++
			case x > p:
				v[i], v[gt] = v[gt], v[i]
				gt--
			default:
				i++
			}
		}
		switch {
		case k < lt:
			hi = lt - 1
		case k > gt:
			lo = gt + 1
		default:
			return p
		}
	}
	return v[k]
}

// Median returns the median of the column's non-null, non-NaN numeric
// values (time columns: microseconds), the mean of the two middle values
// for an even count (numpy's median), NaN when there is none. It selects
// in linear time on a copy of the values instead of sorting them.
func (c *Column) Median() float64 {
	v := c.values()
	n := len(v)
	switch {
	case n == 0:
		return math.NaN()
	case n%2 == 1:
		return selectKth(v, n/2)
	}
	hi := selectKth(v, n/2)
	lo := v[0] // the largest value left of n/2 is the lower middle
	for _, x := range v[:n/2] {
		lo = max(lo, x)
	}
	return (lo + hi) / 2
}
