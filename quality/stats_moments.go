package quality

import (
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// moments accumulates count, sum, mean, M2, min and max of float values in
// blocks: each block of up to momentBlock values is summed and centred in
// two quick passes over a small buffer (in cache), and blocks are merged
// with Chan et al.'s pairwise formula. This is as stable as Welford's
// per-value update without a division per value, and the plain loops
// vectorize.
type moments struct {
	n        int64
	mean, m2 float64
	sum      float64 // Neumaier-compensated across blocks
	comp     float64
	plain    float64 // uncompensated total: carries ±Inf where compensation gives NaN
	min, max float64
	nans     int64
	buf      []float64
}

const momentBlock = 4096

func newMoments() *moments {
	return &moments{min: math.Inf(1), max: math.Inf(-1), buf: make([]float64, 0, momentBlock)}
}

// push adds one value, flushing a full block.
func (m *moments) push(v float64) {
	if v != v {
		m.nans++
		return
	}
	m.buf = append(m.buf, v)
	if len(m.buf) == momentBlock {
		m.flush()
	}
}

// flush merges the buffered values into the totals.
func (m *moments) flush() {
	if len(m.buf) > 0 {
		m.block(m.buf)
		m.buf = m.buf[:0]
	}
}

// block merges a block of values into the totals; NaNs in it are counted
// and left out.
func (m *moments) block(b []float64) {
	nans := 0
	for _, v := range b {
		if v != v {
			nans++
		}
	}
	if nans > 0 {
		m.nans += int64(nans)
		clean := make([]float64, 0, len(b)-nans)
		for _, v := range b {
			if v == v {
				clean = append(clean, v)
			}
		}
		if b = clean; len(b) == 0 {
			return
		}
	}
	// Four partial sums and plain comparisons (not the NaN-aware min and
	// max builtins; NaNs are gone) keep this loop fast.
	var s0, s1, s2, s3 float64
	lo, hi := b[0], b[0]
	i := 0
	for ; i+4 <= len(b); i += 4 {
		v0, v1, v2, v3 := b[i], b[i+1], b[i+2], b[i+3]
		s0 += v0
		s1 += v1
		s2 += v2
		s3 += v3
		if v0 < lo {
			lo = v0
		}
		if v0 > hi {
			hi = v0
		}
		if v1 < lo {
			lo = v1
		}
		if v1 > hi {
			hi = v1
		}
		if v2 < lo {
			lo = v2
		}
		if v2 > hi {
			hi = v2
		}
		if v3 < lo {
			lo = v3
		}
		if v3 > hi {
			hi = v3
		}
	}
	for ; i < len(b); i++ {
		s0 += b[i]
		if b[i] < lo {
			lo = b[i]
		}
		if b[i] > hi {
			hi = b[i]
		}
	}
	s := (s0 + s1) + (s2 + s3)
	nb := float64(len(b))
	mb := s / nb
	var q0, q1 float64
	i = 0
	for ; i+2 <= len(b); i += 2 {
		d0, d1 := b[i]-mb, b[i+1]-mb
		q0 += d0 * d0
		q1 += d1 * d1
	}
	if i < len(b) {
		d := b[i] - mb
		q0 += d * d
	}
	m2 := q0 + q1
	if m.n == 0 {
		m.mean, m.m2 = mb, m2
	} else {
		na := float64(m.n)
		d := mb - m.mean
		tot := na + nb
		m.mean += d * nb / tot
		m.m2 += m2 + d*d*na*nb/tot
	}
	m.n += int64(len(b))
	m.plain += s
	t := m.sum + s
	if math.Abs(m.sum) >= math.Abs(s) {
		m.comp += (m.sum - t) + s
	} else {
		m.comp += (s - t) + m.sum
	}
	m.sum = t
	m.min, m.max = min(m.min, lo), max(m.max, hi)
}

// addArray adds every non-null value of a numeric or time array. Float
// arrays without nulls are summarized in place, block by block; integer
// and timestamp arrays are widened into the block buffer by tight loops.
func (m *moments) addArray(a arrow.Array) {
	nulls := a.NullN() > 0
	switch a := a.(type) {
	case *array.Float64:
		vals := a.Float64Values()
		if nulls {
			for i, v := range vals {
				if a.IsValid(i) {
					m.push(v)
				}
			}
			return
		}
		m.flush()
		for off := 0; off < len(vals); off += momentBlock {
			m.block(vals[off:min(off+momentBlock, len(vals))])
		}
	case *array.Int32:
		widen(m, a.Int32Values(), a, nulls)
	case *array.Int64:
		widen(m, a.Int64Values(), a, nulls)
	case *array.Timestamp:
		if a.DataType().(*arrow.TimestampType).Unit == arrow.Microsecond {
			widen(m, a.TimestampValues(), a, nulls)
			return
		}
		m.addEach(a)
	default:
		m.addEach(a)
	}
}

// widen adds integer values through the block buffer.
func widen[T int32 | int64 | arrow.Timestamp](m *moments, vals []T, a arrow.Array, nulls bool) {
	for i, v := range vals {
		if nulls && a.IsNull(i) {
			continue
		}
		m.buf = append(m.buf, float64(v))
		if len(m.buf) == momentBlock {
			m.flush()
		}
	}
}

// addEach is addArray's general path, one value at a time.
func (m *moments) addEach(a arrow.Array) {
	for i := 0; i < a.Len(); i++ {
		if a.IsNull(i) {
			continue
		}
		if v, ok := numberAt(a, i); ok {
			m.push(v)
		} else if us, ok := timeMicros(a, i); ok {
			m.push(float64(us))
		}
	}
}

// into writes the totals into s.
func (m *moments) into(s *Stats) {
	m.flush()
	s.NaNs = m.nans
	s.Sum = m.sum + m.comp
	s.Min, s.Max = m.min, m.max
	s.Mean, s.M2 = m.mean, m.m2
	if math.IsInf(m.plain, 0) || math.IsNaN(m.plain) {
		// Infinite values: pandas' sum and mean are ±Inf (or NaN for both
		// signs); the compensated and merged forms would give NaN.
		s.Sum, s.Mean, s.M2 = m.plain, m.plain/float64(m.n), math.NaN()
	}
	if m.n == 0 {
		s.Mean = math.NaN()
	}
}
