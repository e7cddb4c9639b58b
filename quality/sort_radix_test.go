package quality

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestSortFloatsMatchesSlicesSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	for _, n := range []int{0, 1, 100, 1 << 16, 200_000} {
		v := make([]float64, n)
		for i := range v {
			switch rng.IntN(5) {
			case 0:
				v[i] = -rng.ExpFloat64() * 1e6
			case 1:
				v[i] = float64(rng.IntN(10)) // many ties
			case 2:
				v[i] = math.Inf(1 - 2*rng.IntN(2))
			default:
				v[i] = rng.NormFloat64()
			}
		}
		want := slices.Clone(v)
		slices.Sort(want)
		sortFloats(v)
		if !slices.Equal(v, want) {
			t.Fatalf("n=%d: radix order differs from slices.Sort", n)
		}
	}
}

func BenchmarkSortFloats(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	src := make([]float64, 10_000_000)
	for i := range src {
		src[i] = math.Round(rng.ExpFloat64()*1500) / 100
	}
	v := make([]float64, len(src))
	for b.Loop() {
		copy(v, src)
		sortFloats(v)
	}
}

func TestSelectKthMatchesSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for trial := 0; trial < 200; trial++ {
		n := 1 + rng.IntN(300)
		v := make([]float64, n)
		for i := range v {
			v[i] = float64(rng.IntN(1 + trial%20)) // from all-equal to spread
		}
		sorted := slices.Clone(v)
		slices.Sort(sorted)
		k := rng.IntN(n)
		if got := selectKth(slices.Clone(v), k); got != sorted[k] {
			t.Fatalf("n=%d k=%d: got %v want %v", n, k, got, sorted[k])
		}
	}
}
