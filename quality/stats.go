package quality

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// Stats are the one-pass statistics of a column, shared by every check
// and expectation on it.
type Stats struct {
	Rows    int64 // all values, nulls included
	Nulls   int64 // null values
	NaNs    int64 // NaN values of float columns (not null)
	NonNull int64 // Rows - Nulls

	// Numeric columns: over non-null, non-NaN values. Time columns: over
	// microseconds since the epoch. Min > Max when there is no value.
	Min, Max float64
	Sum      float64 // compensated (Neumaier) sum
	Mean     float64
	M2       float64 // sum of squared deviations from the mean (Welford)

	// Text columns: lexicographic extremes and lengths in characters.
	MinString, MaxString string
	MinLen, MaxLen       int
}

// Variance returns the sample variance (n-1 denominator, as pandas and GX),
// NaN for fewer than two values.
func (s Stats) Variance() float64 {
	n := s.values()
	if n < 2 {
		return math.NaN()
	}
	return s.M2 / float64(n-1)
}

// Std returns the sample standard deviation.
func (s Stats) Std() float64 { return math.Sqrt(s.Variance()) }

// values returns how many values entered Min/Max/Mean.
func (s Stats) values() int64 { return s.NonNull - s.NaNs }

// Missing returns the column's null count and, for float columns, its NaN
// count: what GX and Pandera count as missing. It is far cheaper than
// Stats (nulls come from the arrays' metadata, NaNs from one tight loop)
// and computed once.
func (c *Column) Missing() (nulls, nans int64) {
	c.missOnce.Do(func() {
		for _, ch := range c.chunks {
			c.nulls += int64(ch.Array.NullN())
			c.nans += countNaN(ch.Array)
		}
	})
	return c.nulls, c.nans
}

// countNaN counts the NaN values of a float array that sit in valid slots
// (a NaN under a null slot is a null).
func countNaN(a arrow.Array) int64 {
	var n int64
	count := func(isNaN func(i int) bool) {
		for i := 0; i < a.Len(); i++ {
			if isNaN(i) && a.IsValid(i) {
				n++
			}
		}
	}
	switch f := a.(type) {
	case *array.Float64:
		if f.NullN() == 0 {
			for _, v := range f.Float64Values() {
				if v != v {
					n++
				}
			}
			return n
		}
		count(func(i int) bool { v := f.Value(i); return v != v })
	case *array.Float32:
		count(func(i int) bool { v := f.Value(i); return v != v })
	case *array.Float16:
		count(func(i int) bool { return f.Value(i).IsNaN() })
	}
	return n
}

// Stats returns the column's statistics, computing them on first use.
func (c *Column) Stats() Stats {
	c.statsOnce.Do(func() { c.stats = c.computeStats() })
	return c.stats
}

func (c *Column) computeStats() Stats {
	s := Stats{Rows: c.len, Min: math.Inf(1), Max: math.Inf(-1), Mean: math.NaN(), MinLen: math.MaxInt}
	for _, ch := range c.chunks {
		s.Nulls += int64(ch.Array.NullN())
	}
	s.NonNull = s.Rows - s.Nulls
	switch c.Family() {
	case FamilyNumeric, FamilyTime:
		m := newMoments()
		for _, ch := range c.chunks {
			m.addArray(ch.Array)
		}
		m.into(&s)
	case FamilyString:
		first := true
		c.EachString(func(_ int64, v string) {
			l := len([]rune(v))
			s.MinLen, s.MaxLen = min(s.MinLen, l), max(s.MaxLen, l)
			if first || v < s.MinString {
				s.MinString = v
			}
			if first || v > s.MaxString {
				s.MaxString = v
			}
			first = false
		})
	}
	if s.MinLen == math.MaxInt {
		s.MinLen = 0
	}
	return s
}

// ValueCounts counts the distinct non-null values of a column.
type ValueCounts struct {
	Keys   []any   // distinct values (see key), most frequent first, ties by value
	Counts []int64 // Counts[i] is how often Keys[i] occurs
	NaNs   int64   // NaN values, counted apart (NaN equals nothing)
}

// Distinct returns the column's value counts, computing them on first use.
func (c *Column) Distinct() *ValueCounts {
	c.distOnce.Do(func() { c.dist = c.computeDistinct() })
	return c.dist
}

func (c *Column) computeDistinct() *ValueCounts {
	counts := map[any]int64{}
	var nans int64
	for _, ch := range c.chunks {
		a := ch.Array
		for i := 0; i < a.Len(); i++ {
			if a.IsNull(i) {
				continue
			}
			k := key(a, i)
			if f, ok := k.(float64); ok && f != f {
				nans++
				continue
			}
			counts[k]++
		}
	}
	vc := &ValueCounts{NaNs: nans, Keys: make([]any, 0, len(counts))}
	for k := range counts {
		vc.Keys = append(vc.Keys, k)
	}
	slices.SortFunc(vc.Keys, func(a, b any) int {
		if c := cmp.Compare(counts[b], counts[a]); c != 0 {
			return c
		}
		return compareKeys(a, b)
	})
	vc.Counts = make([]int64, len(vc.Keys))
	for i, k := range vc.Keys {
		vc.Counts[i] = counts[k]
	}
	return vc
}

// compareKeys orders keys of one column: numbers numerically (int64 and
// float64 mixed), text and the rest by their text.
func compareKeys(a, b any) int {
	fa, aNum := asFloat(a)
	fb, bNum := asFloat(b)
	if aNum && bNum {
		return cmp.Compare(fa, fb)
	}
	return cmp.Compare(fmt.Sprint(a), fmt.Sprint(b))
}

func asFloat(v any) (float64, bool) {
	switch v := v.(type) {
	case int64:
		return float64(v), true
	case float64:
		return v, true
	}
	return 0, false
}

// Sorted returns the column's non-null, non-NaN numeric values (time
// columns: microseconds) in ascending order, computing them on first use.
// Medians and quantiles read it.
func (c *Column) Sorted() []float64 {
	c.sortOnce.Do(func() {
		out := c.values()
		sortFloats(out)
		c.sorted = out
	})
	return c.sorted
}

// values returns a new slice of the column's non-null, non-NaN numeric
// values (time columns: microseconds), in row order.
func (c *Column) values() []float64 {
	nulls, nans := c.Missing()
	out := make([]float64, 0, c.len-nulls-nans)
	switch c.Family() {
	case FamilyNumeric:
		for _, ch := range c.chunks {
			if f, ok := ch.Array.(*array.Float64); ok && f.NullN() == 0 {
				for _, v := range f.Float64Values() {
					if v == v {
						out = append(out, v)
					}
				}
				continue
			}
			for i := 0; i < ch.Array.Len(); i++ {
				if v, ok := numberAt(ch.Array, i); ok && v == v && ch.Array.IsValid(i) {
					out = append(out, v)
				}
			}
		}
	case FamilyTime:
		c.EachTime(func(_ int64, us int64) { out = append(out, float64(us)) })
	}
	return out
}

// Quantile returns the q-quantile of sorted values with linear
// interpolation between order statistics (numpy's and pandas' default).
func Quantile(sorted []float64, q float64) float64 {
	if len(sorted) == 0 {
		return math.NaN()
	}
	h := q * float64(len(sorted)-1)
	lo := int(math.Floor(h))
	if lo+1 >= len(sorted) {
		return sorted[len(sorted)-1]
	}
	return sorted[lo] + (h-float64(lo))*(sorted[lo+1]-sorted[lo])
}
