package quality

import "math/bits"

// RowSet is a set of row positions in a table, as a bitmap: one bit per
// row, so a set over ten million rows takes 1.25 MB.
type RowSet struct {
	words []uint64
	n     int64
}

// NewRowSet returns an empty set over rows [0, n).
func NewRowSet(n int64) *RowSet {
	return &RowSet{words: make([]uint64, (n+63)/64), n: n}
}

// Len returns the number of rows the set ranges over.
func (s *RowSet) Len() int64 { return s.n }

// Add adds row i.
func (s *RowSet) Add(i int64) { s.words[i>>6] |= 1 << (uint(i) & 63) }

// Remove removes row i.
func (s *RowSet) Remove(i int64) { s.words[i>>6] &^= 1 << (uint(i) & 63) }

// Has reports whether row i is in the set.
func (s *RowSet) Has(i int64) bool { return s.words[i>>6]&(1<<(uint(i)&63)) != 0 }

// Count returns the number of rows in the set.
func (s *RowSet) Count() int64 {
	var c int
	for _, w := range s.words {
		c += bits.OnesCount64(w)
	}
	return int64(c)
}

// Union adds every row of o (over the same range) to s.
func (s *RowSet) Union(o *RowSet) {
	for i, w := range o.words {
		s.words[i] |= w
	}
}

// Each calls f for every row in ascending order until f returns false.
func (s *RowSet) Each(f func(row int64) bool) {
	for wi, w := range s.words {
		for w != 0 {
			t := bits.TrailingZeros64(w)
			if !f(int64(wi)<<6 + int64(t)) {
				return
			}
			w &= w - 1
		}
	}
}

// First returns up to n rows of the set in ascending order.
func (s *RowSet) First(n int) []int64 {
	out := make([]int64, 0, min(n, 64))
	s.Each(func(row int64) bool {
		if len(out) == n {
			return false
		}
		out = append(out, row)
		return true
	})
	return out
}
