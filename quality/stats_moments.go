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

// flush merges the buffered block into the totals.
func (m *moments) flush() {
	b := m.buf
	if len(b) == 0 {
		return
	}
	var s float64
	lo, hi := b[0], b[0]
	for _, v := range b {
		s += v
		lo, hi = min(lo, v), max(hi, v)
	}
	nb := float64(len(b))
	mb := s / nb
	var m2 float64
	for _, v := range b {
		d := v - mb
		m2 += d * d
	}
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
	t := m.sum + s
	if math.Abs(m.sum) >= math.Abs(s) {
		m.comp += (m.sum - t) + s
	} else {
		m.comp += (s - t) + m.sum
	}
	m.sum = t
	m.min, m.max = min(m.min, lo), max(m.max, hi)
	m.buf = b[:0]
}

// addArray pushes every non-null value of a numeric or time array, with
// typed loops for the common types.
func (m *moments) addArray(a arrow.Array) {
	nulls := a.NullN() > 0
	switch a := a.(type) {
	case *array.Float64:
		for i, v := range a.Float64Values() {
			if !nulls || a.IsValid(i) {
				m.push(v)
			}
		}
	case *array.Int32:
		for i, v := range a.Int32Values() {
			if !nulls || a.IsValid(i) {
				m.push(float64(v))
			}
		}
	case *array.Int64:
		for i, v := range a.Int64Values() {
			if !nulls || a.IsValid(i) {
				m.push(float64(v))
			}
		}
	case *array.Timestamp:
		if a.DataType().(*arrow.TimestampType).Unit == arrow.Microsecond {
			for i, v := range a.TimestampValues() {
				if !nulls || a.IsValid(i) {
					m.push(float64(v))
				}
			}
			return
		}
		m.addEach(a)
	default:
		m.addEach(a)
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
	if m.n == 0 {
		s.Mean = math.NaN()
	}
}
