package quality

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Block-wise moments agree with a plain two-pass computation, with and
// without nulls and NaNs, across many blocks and chunks.
func TestMomentsMatchTwoPass(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, withGaps := range []bool{false, true} {
		var vals []float64
		mom := newMoments()
		for chunk := 0; chunk < 3; chunk++ {
			b := array.NewFloat64Builder(memory.DefaultAllocator)
			for i := 0; i < 10_000+chunk*777; i++ {
				v := 1e6 + rng.NormFloat64()*3 // a large offset tests stability
				switch {
				case withGaps && i%97 == 0:
					b.AppendNull()
					continue
				case withGaps && i%89 == 0:
					v = math.NaN()
				default:
					vals = append(vals, v)
				}
				b.Append(v)
			}
			arr := b.NewArray()
			mom.addArray(arr)
			arr.Release()
			b.Release()
		}
		var s Stats
		mom.into(&s)
		var sum float64
		for _, v := range vals {
			sum += v
		}
		mean := sum / float64(len(vals))
		var m2 float64
		for _, v := range vals {
			m2 += (v - mean) * (v - mean)
		}
		if math.Abs(s.Mean-mean)/mean > 1e-12 || math.Abs(s.M2-m2)/m2 > 1e-9 || math.Abs(s.Sum-sum)/sum > 1e-12 {
			t.Errorf("gaps=%v: mean %v vs %v, M2 %v vs %v, sum %v vs %v", withGaps, s.Mean, mean, s.M2, m2, s.Sum, sum)
		}
		if withGaps && s.NaNs == 0 {
			t.Error("NaNs not counted")
		}
	}
}

func TestMissingAgreesWithStats(t *testing.T) {
	b1 := testBatch(t, []any{1.5, nil, math.NaN(), 4.0}, []string{"a", "", "b", "c"})
	defer b1.Release()
	tbl, err := NewTable(b1)
	if err != nil {
		t.Fatal(err)
	}
	defer tbl.Release()
	for _, name := range []string{"x", "s"} {
		c, _ := tbl.Column(name)
		nulls, nans := c.Missing()
		st := c.Stats()
		if nulls != st.Nulls || nans != st.NaNs {
			t.Errorf("%s: Missing %d+%d, Stats %d+%d", name, nulls, nans, st.Nulls, st.NaNs)
		}
	}
}
