package ml

import (
	"bytes"
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
	specials := []float64{math.Inf(-1), math.Inf(1), math.Copysign(0, -1), -math.MaxFloat64, math.MaxFloat64}
	threshold := func() float64 {
		switch {
		case rng.IntN(50) == 0:
			return specials[rng.IntN(len(specials))]
		case c.cuts > 0:
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
		case r < 0.3:
			x[f] = splitThreshold(rng, m, f)
		case r < 0.4: // just beside a threshold
			x[f] = math.Nextafter(splitThreshold(rng, m, f), math.Inf(2*rng.IntN(2)-1))
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

// stumpsModel has one stump per threshold on feature 0, left output 1 and
// right 0, missing values going left on every other stump.
func stumpsModel(thresholds []float64) *Model {
	m := &Model{FeatureNames: []string{"x"}, Objective: ObjectiveL2}
	for k, th := range thresholds {
		var t Tree
		root := t.addNode(0, 2, 2)
		l, r := t.addNode(1, 1, 1), t.addNode(0, 1, 1)
		t.Feature[root], t.Threshold[root], t.DefaultLeft[root] = 0, th, k%2 == 0
		t.Left[root], t.Right[root] = l, r
		m.Trees = append(m.Trees, t)
	}
	return m
}

// checkCompiled compares m's compiled prediction with the Tree walk on
// rows, exactly (leaf values must be integers).
func checkCompiled(t *testing.T, m *Model, rows [][]float64) {
	t.Helper()
	for _, x := range rows {
		want := m.BaseScore
		for i := range m.Trees {
			want += m.Trees[i].Predict(x)
		}
		if got := m.PredictRaw(x); got != want {
			t.Fatalf("row %v: compiled %v, tree walk %v", x, got, want)
		}
	}
}

// TestCompiledPredictionCutCounts: every number of distinct thresholds on
// a feature, across the word boundaries of the binned layout's bitsets
// and past its limit, values at, beside, below and above the thresholds.
func TestCompiledPredictionCutCounts(t *testing.T) {
	for n := 1; n <= maxBinnedCuts+3; n++ {
		ths := make([]float64, n)
		for k := range ths {
			ths[k] = float64(k)
		}
		m := stumpsModel(ths)
		m.Compile()
		if (m.pred.binned != nil) != (n <= maxBinnedCuts) {
			t.Fatalf("%d thresholds: binned layout %v", n, m.pred.binned != nil)
		}
		rows := [][]float64{{math.NaN()}, {math.Inf(-1)}, {math.Inf(1)}, {-1}, {float64(n)}, {float64(n) + 0.5}}
		for _, k := range []int{0, n / 2, n - 2, n - 1} {
			if k >= 0 {
				rows = append(rows, []float64{float64(k)}, []float64{math.Nextafter(float64(k), math.Inf(-1))})
			}
		}
		checkCompiled(t, m, rows)
	}
}

// TestCompiledPredictionTrained: models as Train and ReadModelJSON return
// them predict as their trees do, on a 64-level feature (63 thresholds:
// the bins just fill a bitset word) with missing values.
func TestCompiledPredictionTrained(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	n := 20_000
	x0, x1, y := make([]float64, n), make([]float64, n), make([]float64, n)
	for i := range n {
		x0[i] = float64(rng.IntN(64))
		x1[i] = float64(rng.IntN(300))
		if rng.IntN(20) == 0 {
			x0[i] = math.NaN()
		}
		y[i] = math.Sin(x0[i]/5) + x1[i]/100 + rng.NormFloat64()*0.1
		if x0[i] != x0[i] {
			y[i] = -3
		}
	}
	d := mustDataset(t, [][]float64{x0, x1}, y, []int{1})
	m, _ := mustTrain(t, d, nil, Params{NumRounds: 30, NumLeaves: 63, MinDataInLeaf: 5})
	var buf bytes.Buffer
	if err := m.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	read, err := ReadModelJSON(&buf)
	if err != nil {
		t.Fatal(err)
	}
	var rows [][]float64
	for _, a := range []float64{math.NaN(), -1, 0, 31, 62, 63, 64, 1e9, math.Inf(1)} {
		for _, b := range []float64{math.NaN(), -1, 0, 2.5, 150, 299, 300, 1e6} {
			rows = append(rows, []float64{a, b})
		}
	}
	for name, m := range map[string]*Model{"trained": m, "read": read} {
		if m.pred == nil || m.pred.binned == nil {
			t.Fatalf("%s model not compiled to the binned layout", name)
		}
		for _, x := range rows {
			want := 0.0
			for i := range m.Trees {
				want += m.Trees[i].Predict(x)
			}
			if got := m.pred.raw(x, len(m.Trees)); got != want {
				t.Fatalf("%s model, row %v: compiled %v, tree walk %v", name, x, got, want)
			}
		}
	}
}

// TestCompileLimits: models beyond a layout's limits compile to the next
// one, or stay uncompiled, and predict as their trees do.
func TestCompileLimits(t *testing.T) {
	catModel := func(cat int32) *Model {
		var tr Tree
		root := tr.addNode(0, 2, 2)
		l, r := tr.addNode(1, 1, 1), tr.addNode(0, 1, 1)
		tr.Feature[root], tr.Left[root], tr.Right[root] = 0, l, r
		tr.Categorical[root], tr.CatStart[root], tr.CatLen[root] = true, 0, 2
		tr.Categories = []int32{3, cat}
		return &Model{FeatureNames: []string{"zone"}, CategoricalFeatures: []int{0}, Objective: ObjectiveL2, Trees: []Tree{tr}}
	}
	wide := make([]string, 300)
	for i := range wide {
		wide[i] = fmt.Sprintf("f%d", i)
	}
	manyFeatures := &Model{FeatureNames: wide, Objective: ObjectiveL2}
	for f := range 300 {
		tm := stumpsModel([]float64{float64(f)})
		tm.Trees[0].Feature[0] = int32(f)
		manyFeatures.Trees = append(manyFeatures.Trees, tm.Trees[0])
	}
	var manyRows [][]float64
	for _, shift := range []float64{-1, 0, 0.5, math.NaN()} {
		x := make([]float64, 300)
		for f := range x {
			x[f] = float64(f) + shift*float64(f%2)
		}
		manyRows = append(manyRows, x)
	}
	for _, c := range []struct {
		name   string
		m      *Model
		layout string // binned, float or none
		rows   [][]float64
	}{
		{"no trees", &Model{FeatureNames: []string{"x"}, Objective: ObjectiveL2, BaseScore: 2}, "binned", [][]float64{{1}}},
		{"only empty trees", &Model{FeatureNames: []string{"x"}, Objective: ObjectiveL2, Trees: make([]Tree, 20)}, "binned", [][]float64{{1}}},
		{"category 4093", catModel(4093), "binned", nil},
		{"category 4094", catModel(4094), "float", nil},
		{"category 1<<20-1", catModel(1<<20 - 1), "float", nil},
		{"category 1<<20", catModel(1 << 20), "none", nil},
		{"category MaxInt32", catModel(math.MaxInt32), "none", nil},
		{"300 features", manyFeatures, "float", manyRows},
	} {
		t.Run(c.name, func(t *testing.T) {
			c.m.Compile()
			got := "none"
			switch {
			case c.m.pred != nil && c.m.pred.binned != nil:
				got = "binned"
			case c.m.pred != nil:
				got = "float"
			}
			if got != c.layout {
				t.Fatalf("layout %s, want %s", got, c.layout)
			}
			rows := c.rows
			if rows == nil {
				last := float64(c.m.Trees[0].Categories[len(c.m.Trees[0].Categories)-1])
				for _, v := range []float64{3, 4, last, last - 1, last + 1, math.MaxInt32, -1, 2.5, math.NaN()} {
					x := make([]float64, c.m.NumFeatures())
					for f := range x {
						x[f] = v + float64(f%3)
					}
					rows = append(rows, x)
				}
			}
			checkCompiled(t, c.m, rows)
		})
	}
}
