package ml

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"unsafe"
)

// predictTestCase describes random models for the compiled-prediction
// tests: nf features, the categorical ones in cat, trees of up to depth
// splits, thresholds drawn from cuts distinct values per feature (0: any
// float32), categories below cats.
type predictTestCase struct {
	name   string
	nf     int
	cat    []bool
	trees  int
	depth  int
	cuts   int
	cats   int
	layout string // "binned" or "float": the layout Compile must pick
	// mixed splits feature 0 as a category in some trees and by value in
	// others.
	mixed bool
	// chain grows trees as one long path (leaf-wise trees with no depth
	// limit) instead of random bushes.
	chain bool
}

// predictTestModel builds a model for c; leaf values are small integers so
// that sums are exact whatever their order.
func predictTestModel(rng *rand.Rand, c predictTestCase) *Model {
	m := &Model{Objective: ObjectiveL2, BaseScore: 0.5}
	for f := range c.nf {
		m.FeatureNames = append(m.FeatureNames, fmt.Sprintf("f%d", f))
		if c.cat != nil && c.cat[f] {
			m.CategoricalFeatures = append(m.CategoricalFeatures, f)
		}
	}
	threshold := func() float64 {
		if c.cuts > 0 {
			return float64(rng.IntN(c.cuts)) / 4
		}
		return float64(float32(rng.NormFloat64() * 10))
	}
	for ti := range c.trees {
		var t Tree
		var build func(d int) int32
		build = func(d int) int32 {
			id := t.addNode(0, 1, 1)
			leaf := d == c.depth || (!c.chain && d > 0 && rng.Float64() < 0.15)
			if leaf {
				t.Value[id] = float64(rng.IntN(21) - 10)
				return id
			}
			f := rng.IntN(c.nf)
			t.Feature[id] = int32(f)
			t.DefaultLeft[id] = rng.IntN(2) == 0
			categorical := c.cat != nil && c.cat[f]
			if c.mixed && f == 0 {
				categorical = ti%2 == 0
			}
			if categorical {
				t.Categorical[id] = true
				t.CatStart[id] = int32(len(t.Categories))
				for cat := range c.cats {
					if rng.IntN(3) == 0 {
						t.Categories = append(t.Categories, int32(cat))
					}
				}
				t.CatLen[id] = int32(len(t.Categories)) - t.CatStart[id]
			} else {
				t.Threshold[id] = threshold()
			}
			var l, r int32
			if c.chain && rng.IntN(2) == 0 {
				l = t.addNode(float64(rng.IntN(21)-10), 1, 1)
				r = build(d + 1)
			} else if c.chain {
				l = build(d + 1)
				r = t.addNode(float64(rng.IntN(21)-10), 1, 1)
			} else {
				l = build(d + 1)
				r = build(d + 1)
			}
			t.Left[id], t.Right[id] = l, r
			return id
		}
		switch {
		case ti == 1:
			// an empty tree adds nothing
		case ti == 2:
			build(c.depth) // a lone leaf
		default:
			build(0)
		}
		m.Trees = append(m.Trees, t)
	}
	return m
}

// predictTestRow draws a row with NaN, infinities, signed zeros,
// thresholds hit exactly and, on categorical features, listed, unlisted,
// negative, fractional and huge categories.
func predictTestRow(rng *rand.Rand, m *Model, c predictTestCase) []float64 {
	x := make([]float64, c.nf)
	specials := []float64{math.NaN(), math.Inf(1), math.Inf(-1), 0, math.Copysign(0, -1),
		-1, 2.5, 1e10, math.MaxInt32, math.MaxInt32 + 1, float64(c.cats), float64(c.cats + 7)}
	for f := range x {
		switch r := rng.Float64(); {
		case r < 0.2:
			x[f] = specials[rng.IntN(len(specials))]
		case r < 0.4:
			x[f] = splitThreshold(rng, m, f)
		case c.cat != nil && c.cat[f] || c.mixed && f == 0:
			x[f] = float64(rng.IntN(c.cats + 2))
		case c.cuts > 0:
			x[f] = float64(rng.IntN(c.cuts+2)-1) / 4
		default:
			x[f] = float64(float32(rng.NormFloat64() * 10))
		}
	}
	return x
}

// splitThreshold returns the threshold of the first numeric split on
// feature f in a random tree of m, or a random value when it has none.
func splitThreshold(rng *rand.Rand, m *Model, f int) float64 {
	t := &m.Trees[rng.IntN(len(m.Trees))]
	for i := range t.NumNodes() {
		if int(t.Feature[i]) == f && !t.Categorical[i] {
			return t.Threshold[i]
		}
	}
	return rng.NormFloat64()
}

// TestCompiledPrediction checks both compiled layouts (and the assembly
// walk against the portable one) against walking the Tree arrays, row by
// row, exactly: leaf values are integers, so the sums' order cannot
// matter.
func TestCompiledPrediction(t *testing.T) {
	cases := []predictTestCase{
		{name: "numeric", nf: 6, trees: 70, depth: 8, cuts: 300, layout: "binned"},
		{name: "numeric-any-float", nf: 3, trees: 40, depth: 5, layout: "binned"},
		{name: "categorical", nf: 5, cat: []bool{true, false, true, false, false}, trees: 45, depth: 7, cuts: 50, cats: 270, layout: "binned"},
		{name: "one-tree", nf: 2, cat: []bool{false, true}, trees: 3, depth: 3, cuts: 10, cats: 5, layout: "binned"},
		{name: "deep-chains", nf: 4, trees: 20, depth: 300, cuts: 100, chain: true, layout: "binned"},
		{name: "too-many-thresholds", nf: 2, trees: 300, depth: 8, cuts: 5000, layout: "float"},
		{name: "too-many-categories", nf: 2, cat: []bool{true, false}, trees: 10, depth: 4, cuts: 20, cats: 5000, layout: "float"},
		{name: "feature-split-both-ways", nf: 3, cat: []bool{false, false, true}, trees: 20, depth: 5, cuts: 20, cats: 10, mixed: true, layout: "float"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(7, uint64(len(c.name))))
			m := predictTestModel(rng, c)
			m.Compile()
			p := m.pred
			if p == nil {
				t.Fatal("Compile left the model uncompiled")
			}
			if got := map[bool]string{true: "binned", false: "float"}[p.binned != nil]; got != c.layout {
				t.Fatalf("layout %s, want %s", got, c.layout)
			}
			float := compile(m, false)
			for r := range 3000 {
				x := predictTestRow(rng, m, c)
				for _, trees := range []int{len(m.Trees), 1 + r%len(m.Trees)} {
					want := 0.0
					for i := range trees {
						want += m.Trees[i].Predict(x)
					}
					got := map[string]float64{"compiled": p.raw(x, trees), "float": float.raw(x, trees)}
					if p.binned != nil {
						got["portable walk"] = p.binned.rawWalk(p, x, trees, true)
					}
					for name, g := range got {
						if g != want {
							t.Fatalf("row %v, %d trees: %s %v, tree walk %v", x, trees, name, g, want)
						}
					}
				}
			}
		})
	}
}

// TestCompiledPredictionBestIteration: Predict stops at BestIteration.
func TestCompiledPredictionBestIteration(t *testing.T) {
	c := predictTestCase{nf: 3, trees: 40, depth: 4, cuts: 30}
	rng := rand.New(rand.NewPCG(3, 4))
	m := predictTestModel(rng, c)
	m.BestIteration = 17
	m.Compile()
	x := predictTestRow(rng, m, c)
	want := 0.0
	for i := range 17 {
		want += m.Trees[i].Predict(x)
	}
	if got := m.PredictRaw(x); got != m.BaseScore+want {
		t.Fatalf("PredictRaw %v, want %v", got, m.BaseScore+want)
	}
}

// TestBinNodeLayout pins the field offsets walk_amd64.s reads.
func TestBinNodeLayout(t *testing.T) {
	var n binNode
	if unsafe.Sizeof(n) != 12 || unsafe.Offsetof(n.word) != 0 || unsafe.Offsetof(n.right) != 4 || unsafe.Offsetof(n.slot) != 8 {
		t.Fatalf("binNode: size %d, word at %d, right at %d, slot at %d; walk_amd64.s reads 12, 0, 4, 8",
			unsafe.Sizeof(n), unsafe.Offsetof(n.word), unsafe.Offsetof(n.right), unsafe.Offsetof(n.slot))
	}
	if lanes != 16 {
		t.Fatalf("lanes = %d; walk_amd64.s unrolls 16", lanes)
	}
}

// TestOrderedKey: the binned layout's numeric bins rely on orderedKey
// keeping float order, with -0 equal to +0.
func TestOrderedKey(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	special := []float64{math.Inf(-1), -math.MaxFloat64, -1, -math.SmallestNonzeroFloat64,
		math.Copysign(0, -1), 0, math.SmallestNonzeroFloat64, 1, math.MaxFloat64, math.Inf(1)}
	draw := func() float64 {
		if rng.IntN(3) == 0 {
			return special[rng.IntN(len(special))]
		}
		return math.Float64frombits(rng.Uint64()) // any bit pattern
	}
	for range 200_000 {
		a, b := draw(), draw()
		if a != a || b != b {
			continue
		}
		if got, want := orderedKey(a) <= orderedKey(b), a <= b; got != want {
			t.Fatalf("orderedKey(%v) <= orderedKey(%v) is %v, %v <= %v is %v", a, b, got, a, b, want)
		}
	}
}
