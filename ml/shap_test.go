package ml

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// shapTestNumCats is the number of categories of the random trees'
// categorical features.
const shapTestNumCats = 8

// shapRandTree builds a random tree of at most maxDepth splits on nf
// features (cat marks the categorical ones, which may be nil), filling
// every field consistently: an inner node's Hessian and Count are its
// children's sums, its Value the cover-weighted mean of its children's
// (as a trainer leaves them), its Gain positive. Leaves carry values
// scaled by lr. With zeroCover, some leaves get zero Hessian (and some
// zero Count) to exercise degenerate cover.
func shapRandTree(rng *rand.Rand, nf, maxDepth int, cat []bool, lr float64, zeroCover bool) Tree {
	var t Tree
	var build func(depth int) int32
	build = func(depth int) int32 {
		id := t.addNode(0, 0, 0)
		if depth == maxDepth || (depth > 0 && rng.Float64() < 0.2) {
			h := float64(float32(0.05 + 10*rng.Float64()))
			c := int64(1 + rng.IntN(50))
			if zeroCover && rng.Float64() < 0.15 {
				h = 0
				if rng.Float64() < 0.5 {
					c = 0
				}
			}
			t.Value[id] = lr * float64(float32(rng.NormFloat64()))
			t.Hessian[id], t.Count[id] = h, c
			return id
		}
		f := rng.IntN(nf)
		t.Feature[id] = int32(f)
		t.DefaultLeft[id] = rng.IntN(2) == 0
		t.Gain[id] = float64(float32(100 * rng.Float64()))
		if cat != nil && cat[f] {
			t.Categorical[id] = true
			t.CatStart[id] = int32(len(t.Categories))
			for c := range shapTestNumCats {
				if rng.IntN(2) == 0 {
					t.Categories = append(t.Categories, int32(c))
				}
			}
			if int(t.CatStart[id]) == len(t.Categories) {
				t.Categories = append(t.Categories, int32(rng.IntN(shapTestNumCats)))
			}
			t.CatLen[id] = int32(len(t.Categories)) - t.CatStart[id]
		} else {
			t.Threshold[id] = float64(float32(rng.NormFloat64()))
		}
		l := build(depth + 1)
		r := build(depth + 1)
		t.Left[id], t.Right[id] = l, r
		hl, hr := t.Hessian[l], t.Hessian[r]
		t.Hessian[id] = hl + hr
		t.Count[id] = t.Count[l] + t.Count[r]
		if hl+hr > 0 {
			t.Value[id] = (hl*t.Value[l] + hr*t.Value[r]) / (hl + hr)
		} else {
			t.Value[id] = (t.Value[l] + t.Value[r]) / 2
		}
		return id
	}
	build(0)
	return t
}

// shapRandModel builds a model of nTrees random trees on nf features.
func shapRandModel(rng *rand.Rand, nf, nTrees, maxDepth int, cat []bool, zeroCover bool) *Model {
	m := &Model{Objective: ObjectiveL2, BaseScore: rng.NormFloat64()}
	for f := range nf {
		m.FeatureNames = append(m.FeatureNames, fmt.Sprintf("f%d", f))
		if cat != nil && cat[f] {
			m.CategoricalFeatures = append(m.CategoricalFeatures, f)
		}
	}
	for range nTrees {
		m.Trees = append(m.Trees, shapRandTree(rng, nf, 1+rng.IntN(maxDepth), cat, 0.3, zeroCover))
	}
	return m
}

// shapRandRow draws a row that reaches both sides of the splits, with NaN,
// thresholds hit exactly, and for categorical features integer categories,
// out-of-range, negative and non-integral ones.
func shapRandRow(rng *rand.Rand, m *Model, cat []bool) []float64 {
	x := make([]float64, m.NumFeatures())
	for f := range x {
		switch {
		case rng.Float64() < 0.15:
			x[f] = math.NaN()
		case cat != nil && cat[f]:
			switch r := rng.Float64(); {
			case r < 0.8:
				x[f] = float64(rng.IntN(shapTestNumCats))
			case r < 0.88:
				x[f] = shapTestNumCats + 3
			case r < 0.94:
				x[f] = -1
			default:
				x[f] = 2.5
			}
		case rng.Float64() < 0.1:
			// a threshold of some split on f, exactly
			x[f] = splitThreshold(rng, m, f)
		default:
			x[f] = float64(float32(rng.NormFloat64()))
		}
	}
	return x
}

// shapBruteValue is the path-dependent value of coalition s (a bit set of
// features) for tree t at node i: follow x at splits on features in s,
// both children weighted by their share of cover elsewhere.
func shapBruteValue(t *Tree, i int, x []float64, s uint) float64 {
	if t.Left[i] < 0 {
		return t.Value[i]
	}
	l, r := int(t.Left[i]), int(t.Right[i])
	if s&(1<<uint(t.Feature[i])) != 0 {
		if t.goesLeft(i, x[t.Feature[i]]) {
			return shapBruteValue(t, l, x, s)
		}
		return shapBruteValue(t, r, x, s)
	}
	wl, wr := t.Hessian[l], t.Hessian[r]
	if wl+wr <= 0 {
		wl, wr = float64(t.Count[l]), float64(t.Count[r])
		if wl+wr <= 0 {
			wl, wr = 1, 1
		}
	}
	return (wl*shapBruteValue(t, l, x, s) + wr*shapBruteValue(t, r, x, s)) / (wl + wr)
}

// shapBrute computes the exact Shapley values of the model's
// path-dependent game by enumerating every coalition, and the bias (the
// empty coalition's value).
func shapBrute(m *Model, x []float64) []float64 {
	nf := m.NumFeatures()
	value := func(s uint) float64 {
		v := m.BaseScore
		for ti := range m.numTrees() {
			v += shapBruteValue(&m.Trees[ti], 0, x, s)
		}
		return v
	}
	fact := func(n int) float64 {
		f := 1.0
		for k := 2; k <= n; k++ {
			f *= float64(k)
		}
		return f
	}
	vals := make([]float64, 1<<nf)
	for s := range vals {
		vals[s] = value(uint(s))
	}
	phi := make([]float64, nf+1)
	for f := range nf {
		for s := range vals {
			if s&(1<<f) != 0 {
				continue
			}
			size := 0
			for b := s; b != 0; b &= b - 1 {
				size++
			}
			w := fact(size) * fact(nf-size-1) / fact(nf)
			phi[f] += w * (vals[s|1<<f] - vals[s])
		}
	}
	phi[nf] = vals[0]
	return phi
}

func shapSum(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s
}

// shapExampleModel is the two-split model of the example: age < 30, then
// income < 50 on the left.
func shapExampleModel() *Model {
	return &Model{
		FeatureNames: []string{"age", "income"},
		Objective:    ObjectiveL2,
		BaseScore:    0.5,
		Trees: []Tree{{
			Left:        []int32{1, 3, -1, -1, -1},
			Right:       []int32{2, 4, -1, -1, -1},
			Feature:     []int32{0, 1, -1, -1, -1},
			Threshold:   []float64{30, 50, 0, 0, 0},
			DefaultLeft: []bool{true, false, false, false, false},
			Categorical: []bool{false, false, false, false, false},
			CatStart:    []int32{0, 0, 0, 0, 0},
			CatLen:      []int32{0, 0, 0, 0, 0},
			Value:       []float64{0.1, 1.75, -1, 1, 2},
			Gain:        []float64{8, 3, 0, 0, 0},
			Hessian:     []float64{10, 4, 6, 1, 3},
			Count:       []int64{10, 4, 6, 1, 3},
		}},
	}
}

func TestContributionsHandBuilt(t *testing.T) {
	m := shapExampleModel()
	// Coalition values for x = (25, 60): v({}) = 0.1, v({age}) = 1.75,
	// v({income}) = 0.4*2 + 0.6*(-1) = 0.2, v({age, income}) = 2, so
	// phi_age = ((1.75-0.1) + (2-0.2))/2 = 1.725 and
	// phi_income = ((0.2-0.1) + (2-1.75))/2 = 0.175.
	cases := []struct {
		x    []float64
		want []float64
	}{
		{[]float64{25, 60}, []float64{1.725, 0.175, 0.6}},
		// x = (40, NaN): the right leaf, yet income matters when age is
		// unknown: NaN goes right at income < 50, so v({income}) =
		// 0.4*2 - 0.6 = 0.2, v({age}) = v({age, income}) = -1:
		// phi_age = ((-1-0.1) + (-1-0.2))/2, phi_income = ((0.2-0.1) + 0)/2.
		{[]float64{40, math.NaN()}, []float64{-1.15, 0.05, 0.6}},
		// x = (NaN, 10): NaN goes left, then the leaf 1.
		// v({}) = 0.1, v({age}) = 1.75, v({inc}) = 0.4*1 - 0.6 = -0.2, v({a,i}) = 1.
		{[]float64{math.NaN(), 10}, []float64{(1.65 + 1.2) / 2, (-0.3 - 0.75) / 2, 0.6}},
	}
	for _, c := range cases {
		got := m.Contributions(c.x, nil)
		for i := range c.want {
			if math.Abs(got[i]-c.want[i]) > 1e-12 {
				t.Errorf("Contributions(%v) = %v, want %v", c.x, got, c.want)
				break
			}
		}
		if d := math.Abs(shapSum(got) - m.PredictRaw(c.x)); d > 1e-12 {
			t.Errorf("Contributions(%v) sum off by %g", c.x, d)
		}
		brute := shapBrute(m, c.x)
		for i := range brute {
			if math.Abs(got[i]-brute[i]) > 1e-12 {
				t.Errorf("Contributions(%v) = %v, brute force %v", c.x, got, brute)
				break
			}
		}
	}
}

// TestContributionsRepeatedFeature checks a path that splits on the same
// feature twice and on a categorical feature, where TreeSHAP must unwind
// and re-extend the path.
func TestContributionsRepeatedFeature(t *testing.T) {
	// 0: x0 < 0  -> 1 | 2
	// 1: x1 in {1,3} -> 3 | 4       (categorical)
	// 2: x0 < 2  -> 5 | 6
	// 4: x0 < -1 -> 7 | 8
	tr := Tree{
		Left:        []int32{1, 3, 5, -1, 7, -1, -1, -1, -1},
		Right:       []int32{2, 4, 6, -1, 8, -1, -1, -1, -1},
		Feature:     []int32{0, 1, 0, -1, 0, -1, -1, -1, -1},
		Threshold:   []float64{0, 0, 2, 0, -1, 0, 0, 0, 0},
		DefaultLeft: []bool{false, true, true, false, false, false, false, false, false},
		Categorical: []bool{false, true, false, false, false, false, false, false, false},
		CatStart:    []int32{0, 0, 0, 0, 0, 0, 0, 0, 0},
		CatLen:      []int32{0, 2, 0, 0, 0, 0, 0, 0, 0},
		Categories:  []int32{1, 3},
		Value:       []float64{0, 0, 0, 3, 0, -2, 5, 1, -4},
		Gain:        []float64{5, 4, 3, 0, 2, 0, 0, 0, 0},
		Hessian:     []float64{0, 0, 0, 2, 0, 3, 1, 4, 2},
		Count:       []int64{0, 0, 0, 2, 0, 3, 1, 4, 2},
	}
	// fill the inner nodes bottom-up
	for _, i := range []int{4, 2, 1, 0} {
		l, r := tr.Left[i], tr.Right[i]
		tr.Hessian[i] = tr.Hessian[l] + tr.Hessian[r]
		tr.Count[i] = tr.Count[l] + tr.Count[r]
		tr.Value[i] = (tr.Hessian[l]*tr.Value[l] + tr.Hessian[r]*tr.Value[r]) / tr.Hessian[i]
	}
	m := &Model{FeatureNames: []string{"a", "b", "c"}, BaseScore: -0.25, Trees: []Tree{tr}}
	nan := math.NaN()
	for _, a := range []float64{-3, -1, -0.5, 0, 1, 2, 3, nan} {
		for _, b := range []float64{0, 1, 2, 3, -1, 1.5, nan} {
			x := []float64{a, b, 7}
			got := m.Contributions(x, nil)
			want := shapBrute(m, x)
			for i := range want {
				if math.Abs(got[i]-want[i]) > 1e-12 {
					t.Fatalf("Contributions(%v) = %v, brute force %v", x, got, want)
				}
			}
			if got[2] != 0 {
				t.Fatalf("unused feature got %v", got[2])
			}
			if d := math.Abs(shapSum(got) - m.PredictRaw(x)); d > 1e-12 {
				t.Fatalf("Contributions(%v) sum off by %g", x, d)
			}
		}
	}
}

// TestContributionsBruteForceRandom compares TreeSHAP with the exact
// Shapley values by subset enumeration on random ensembles of up to 6
// features, numeric and categorical, with NaN and zero-cover nodes.
func TestContributionsBruteForceRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 300 {
		nf := 1 + trial%6
		var cat []bool
		if trial%3 != 0 {
			cat = make([]bool, nf)
			for f := range cat {
				cat[f] = rng.IntN(3) == 0
			}
		}
		m := shapRandModel(rng, nf, 1+rng.IntN(4), 7, cat, trial%2 == 1)
		if trial%5 == 0 && len(m.Trees) > 1 {
			m.BestIteration = 1 + rng.IntN(len(m.Trees)-1)
		}
		out := make([]float64, 0, nf+1)
		for range 20 {
			x := shapRandRow(rng, m, cat)
			out = m.Contributions(x, out)
			want := shapBrute(m, x)
			for i := range want {
				if math.IsNaN(out[i]) || math.Abs(out[i]-want[i]) > 1e-9 {
					t.Fatalf("trial %d: Contributions(%v) = %v, brute force %v", trial, x, out, want)
				}
			}
			if d := math.Abs(shapSum(out) - m.PredictRaw(x)); d > 1e-9 {
				t.Fatalf("trial %d: Contributions(%v) sums to %v, PredictRaw %v", trial, x, shapSum(out), m.PredictRaw(x))
			}
		}
	}
}

// TestContributionsAdditivity checks that the attributions add up to the
// raw score on larger random ensembles, deep trees and many features.
func TestContributionsAdditivity(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for trial := range 10 {
		nf := 5 + rng.IntN(30)
		cat := make([]bool, nf)
		for f := range cat {
			cat[f] = rng.IntN(4) == 0
		}
		m := shapRandModel(rng, nf, 20+rng.IntN(40), 10, cat, trial%2 == 0)
		var out []float64
		for range 200 {
			x := shapRandRow(rng, m, cat)
			out = m.Contributions(x, out)
			if len(out) != nf+1 {
				t.Fatalf("len = %d, want %d", len(out), nf+1)
			}
			if d := math.Abs(shapSum(out) - m.PredictRaw(x)); d > 1e-9 {
				t.Fatalf("trial %d: sum of contributions %v, PredictRaw %v", trial, shapSum(out), m.PredictRaw(x))
			}
		}
	}
}

func TestContributionsBias(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	m := shapRandModel(rng, 4, 5, 5, nil, false)
	// The bias is the base score plus each tree's cover-weighted mean leaf
	// value, which for these trees is the root's Value.
	want := m.BaseScore
	for i := range m.Trees {
		want += m.Trees[i].Value[0]
	}
	got := m.Contributions([]float64{0, 0, 0, 0}, nil)[4]
	if math.Abs(got-want) > 1e-12 {
		t.Errorf("bias = %v, want %v", got, want)
	}

	// Single-leaf trees and an empty tree only add to the bias.
	leaf := Tree{}
	leaf.addNode(0.75, 3, 3)
	m = &Model{FeatureNames: []string{"a", "b"}, BaseScore: 1, Trees: []Tree{leaf, {}, leaf}}
	got2 := m.Contributions([]float64{1, 2}, nil)
	if got2[0] != 0 || got2[1] != 0 || got2[2] != 2.5 {
		t.Errorf("Contributions = %v, want [0 0 2.5]", got2)
	}
	m.BestIteration = 1
	if got := m.Contributions([]float64{1, 2}, nil); got[2] != 1.75 {
		t.Errorf("with BestIteration 1, bias = %v, want 1.75", got[2])
	}
	m = &Model{BaseScore: 3}
	if got := m.Contributions(nil, nil); len(got) != 1 || got[0] != 3 {
		t.Errorf("empty model: Contributions = %v, want [3]", got)
	}
}

func TestContributionsOutBuffer(t *testing.T) {
	m := shapExampleModel()
	buf := []float64{9, 9, 9, 9, 9}
	got := m.Contributions([]float64{25, 60}, buf[:0])
	if &got[0] != &buf[0] || len(got) != 3 {
		t.Fatalf("out not reused")
	}
	if math.Abs(got[0]-1.725) > 1e-12 {
		t.Fatalf("got %v", got)
	}
	// a dirty out is cleared, a short one replaced
	want := m.Contributions([]float64{40, 0}, nil)
	for _, out := range [][]float64{buf[:1], make([]float64, 1), nil} {
		got = m.Contributions([]float64{40, 0}, out)
		if len(got) != 3 || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
}

func TestContributionsAllocs(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	m := shapRandModel(rng, 10, 30, 8, nil, false)
	x := shapRandRow(rng, m, nil)
	out := make([]float64, m.NumFeatures()+1)
	allocs := testing.AllocsPerRun(100, func() { out = m.Contributions(x, out) })
	if allocs > 0 {
		t.Errorf("Contributions with a reused out allocates %v times per call", allocs)
	}
}

func TestContributionsPanics(t *testing.T) {
	m := shapExampleModel()
	func() {
		defer func() {
			if recover() == nil {
				t.Error("short row: no panic")
			}
		}()
		m.Contributions([]float64{1}, nil)
	}()
	m.FeatureNames = m.FeatureNames[:1] // the tree splits on feature 1
	func() {
		defer func() {
			if recover() == nil {
				t.Error("feature beyond NumFeatures: no panic")
			}
		}()
		m.Contributions([]float64{1, 2}, nil)
	}()
}

func TestContributionsBatch(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	nf := 6
	cat := []bool{false, true, false, false, true, false}
	m := shapRandModel(rng, nf, 15, 6, cat, true)
	m.BestIteration = 12
	rows := 37
	x := mat.NewDense(rows, nf, nil)
	for r := range rows {
		x.SetRow(r, shapRandRow(rng, m, cat))
	}
	for _, threads := range []int{1, 3, 0, 100} {
		for _, in := range []mat.Matrix{x, x.T().T()} { // raw and generic
			got, err := m.ContributionsBatch(in, threads)
			if err != nil {
				t.Fatal(err)
			}
			if r, c := got.Dims(); r != rows || c != nf+1 {
				t.Fatalf("dims %d x %d", r, c)
			}
			for r := range rows {
				want := m.Contributions(x.RawRowView(r), nil)
				for c := range want {
					if g := got.At(r, c); g != want[c] {
						t.Fatalf("threads %d row %d col %d: %v, want %v", threads, r, c, g, want[c])
					}
				}
			}
		}
	}
	if _, err := m.ContributionsBatch(mat.NewDense(2, nf+1, nil), 1); err == nil {
		t.Error("wrong column count: no error")
	}
	// gonum has no 0-row Dense with columns: a featureless model reads one
	empty := &Model{BaseScore: 1}
	got, err := empty.ContributionsBatch(&mat.Dense{}, 2)
	if err != nil {
		t.Fatal(err)
	}
	if r, _ := got.Dims(); r != 0 {
		t.Errorf("empty input gave %d rows", r)
	}
	got, err = empty.ContributionsBatch(mat.NewDense(2, 1, nil).Slice(0, 2, 0, 0), 2)
	if err != nil {
		t.Fatal(err)
	}
	if r, c := got.Dims(); r != 2 || c != 1 || got.At(0, 0) != 1 || got.At(1, 0) != 1 {
		t.Errorf("featureless model: %v", mat.Formatted(got))
	}
}

// ExampleModel_Contributions explains one prediction of a two-split
// model: age < 30 (cover 10), then, for the young, income < 50 (cover 4).
func ExampleModel_Contributions() {
	m := &Model{
		FeatureNames: []string{"age", "income"},
		BaseScore:    0.5,
		Trees: []Tree{{
			// 0: age < 30 ? 1 : 2;  1: income < 50 ? 3 : 4
			Left:        []int32{1, 3, -1, -1, -1},
			Right:       []int32{2, 4, -1, -1, -1},
			Feature:     []int32{0, 1, -1, -1, -1},
			Threshold:   []float64{30, 50, 0, 0, 0},
			DefaultLeft: []bool{true, false, false, false, false},
			Value:       []float64{0.1, 1.75, -1, 1, 2},
			Gain:        []float64{8, 3, 0, 0, 0},
			Hessian:     []float64{10, 4, 6, 1, 3},
			Count:       []int64{10, 4, 6, 1, 3},
		}},
	}
	x := []float64{25, 60}
	phi := m.Contributions(x, nil)
	for i, name := range m.FeatureNames {
		fmt.Printf("%-6s %+.4f\n", name, phi[i])
	}
	fmt.Printf("bias   %+.4f\n", phi[len(phi)-1])
	fmt.Printf("sum    %+.4f = PredictRaw %+.4f\n", shapSum(phi), m.PredictRaw(x))
	// Output:
	// age    +1.7250
	// income +0.1750
	// bias   +0.6000
	// sum    +2.5000 = PredictRaw +2.5000
}

// TestContributionsXGBoost cross-checks against XGBoost's pred_contribs
// when /usr/bin/python3 has xgboost (Debian's python3-xgboost): the same
// random trees, written as an XGBoost JSON model, must give the same
// contributions up to XGBoost's float32 arithmetic.
func TestContributionsXGBoost(t *testing.T) {
	const py = ioSystemPython
	if testing.Short() {
		t.Skip("-short: skips the XGBoost cross-check")
	}
	needXGBoost(t)
	rng := rand.New(rand.NewPCG(11, 12))
	dir := t.TempDir()
	for trial := range 4 {
		nf := 3 + trial
		cat := make([]bool, nf)
		if trial >= 2 {
			cat[1] = true
		}
		m := shapRandModel(rng, nf, 6, 6, cat, false)
		m.BaseScore = float64(float32(m.BaseScore))
		if trial >= 2 && m.FeatureImportance(ImportanceSplit)[1] == 0 {
			t.Fatalf("trial %d: no categorical split to check", trial)
		}
		// rows XGBoost reads alike: float32 values, categories in range
		var rows [][]float64
		for range 50 {
			x := shapRandRow(rng, m, cat)
			for f := range x {
				if cat[f] && !math.IsNaN(x[f]) && (x[f] < 0 || x[f] >= shapTestNumCats || x[f] != math.Trunc(x[f])) {
					x[f] = 0
				}
				x[f] = float64(float32(x[f]))
			}
			rows = append(rows, x)
		}
		modelPath := filepath.Join(dir, fmt.Sprintf("model%d.json", trial))
		dataPath := filepath.Join(dir, fmt.Sprintf("data%d.txt", trial))
		if err := os.WriteFile(modelPath, shapXGBoostJSON(m), 0o644); err != nil {
			t.Fatal(err)
		}
		var data strings.Builder
		for _, x := range rows {
			for f, v := range x {
				if f > 0 {
					data.WriteByte(' ')
				}
				data.WriteString(strconv.FormatFloat(v, 'g', -1, 64))
			}
			data.WriteByte('\n')
		}
		if err := os.WriteFile(dataPath, []byte(data.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		types := make([]string, nf)
		for f := range types {
			types[f] = "q"
			if cat[f] {
				types[f] = "c"
			}
		}
		script := `
import sys, json, numpy as np, xgboost as xgb
b = xgb.Booster(model_file=sys.argv[1])
x = np.loadtxt(sys.argv[2], ndmin=2)
d = xgb.DMatrix(x, feature_types=sys.argv[3].split(","), enable_categorical=True)
print(json.dumps({"pred": b.predict(d, output_margin=True).tolist(),
                  "contribs": b.predict(d, pred_contribs=True).tolist()}))
`
		outp, err := exec.Command(py, "-c", script, modelPath, dataPath, strings.Join(types, ",")).CombinedOutput()
		if err != nil {
			t.Fatalf("xgboost: %v\n%s", err, outp)
		}
		var res struct {
			Pred     []float64
			Contribs [][]float64
		}
		if err := json.Unmarshal(outp[strings.LastIndexByte(strings.TrimSpace(string(outp)), '\n')+1:], &res); err != nil {
			t.Fatalf("xgboost output: %v\n%s", err, outp)
		}
		for r, x := range rows {
			if d := math.Abs(res.Pred[r] - m.PredictRaw(x)); d > 1e-5 {
				t.Fatalf("trial %d row %d: xgboost predicts %v, we %v", trial, r, res.Pred[r], m.PredictRaw(x))
			}
			got := m.Contributions(x, nil)
			for c := range got {
				if d := math.Abs(res.Contribs[r][c] - got[c]); d > 1e-5 {
					t.Fatalf("trial %d row %d (%v): xgboost contribs %v, we %v", trial, r, x, res.Contribs[r], got)
				}
			}
		}
	}
}

// shapXGBoostJSON writes m as an XGBoost 1.7 JSON model (reg:squarederror).
// XGBoost sends the listed categories of a categorical split right, so
// such nodes are written with their children and default swapped.
func shapXGBoostJSON(m *Model) []byte {
	type xtree struct {
		BaseWeights        []shapXFloat      `json:"base_weights"`
		Categories         []int32           `json:"categories"`
		CategoriesNodes    []int             `json:"categories_nodes"`
		CategoriesSegments []int             `json:"categories_segments"`
		CategoriesSizes    []int             `json:"categories_sizes"`
		DefaultLeft        []int             `json:"default_left"`
		ID                 int               `json:"id"`
		LeftChildren       []int32           `json:"left_children"`
		LossChanges        []shapXFloat      `json:"loss_changes"`
		Parents            []int32           `json:"parents"`
		RightChildren      []int32           `json:"right_children"`
		SplitConditions    []shapXFloat      `json:"split_conditions"`
		SplitIndices       []int32           `json:"split_indices"`
		SplitType          []int             `json:"split_type"`
		SumHessian         []shapXFloat      `json:"sum_hessian"`
		TreeParam          map[string]string `json:"tree_param"`
	}
	nf := strconv.Itoa(m.NumFeatures())
	var trees []xtree
	var info []int
	for ti := range m.numTrees() {
		t := &m.Trees[ti]
		n := t.NumNodes()
		// XGBoost's predictor takes a node's right child to be its left
		// child + 1, so renumber breadth first, siblings together: order
		// lists our nodes in XGBoost's numbering.
		order := []int{0}
		newID := make([]int32, n)
		for k := 0; k < len(order); k++ {
			i := order[k]
			newID[i] = int32(k)
			if l, r := int(t.Left[i]), int(t.Right[i]); l >= 0 {
				if t.Categorical[i] { // listed categories go right in XGBoost
					l, r = r, l
				}
				order = append(order, l, r)
			}
		}
		x := xtree{
			ID:              ti,
			Categories:      []int32{},
			CategoriesNodes: []int{}, CategoriesSegments: []int{}, CategoriesSizes: []int{},
			Parents:   make([]int32, n),
			TreeParam: map[string]string{"num_deleted": "0", "num_feature": nf, "num_nodes": strconv.Itoa(n), "size_leaf_vector": "0"},
		}
		x.Parents[0] = math.MaxInt32
		for k, i := range order {
			l, r, dl := t.Left[i], t.Right[i], t.DefaultLeft[i]
			feat, cond, st := t.Feature[i], t.Threshold[i], 0
			if l < 0 {
				feat, cond = 0, t.Value[i]
			} else {
				l, r = newID[l], newID[r]
				if t.Categorical[i] {
					l, r, dl, st, cond = r, l, !dl, 1, 0
					x.CategoriesNodes = append(x.CategoriesNodes, k)
					x.CategoriesSegments = append(x.CategoriesSegments, len(x.Categories))
					x.CategoriesSizes = append(x.CategoriesSizes, int(t.CatLen[i]))
					x.Categories = append(x.Categories, t.Categories[t.CatStart[i]:t.CatStart[i]+t.CatLen[i]]...)
				}
				x.Parents[l], x.Parents[r] = int32(k), int32(k)
			}
			x.LeftChildren = append(x.LeftChildren, l)
			x.RightChildren = append(x.RightChildren, r)
			x.SplitIndices = append(x.SplitIndices, feat)
			x.SplitConditions = append(x.SplitConditions, shapXFloat(cond))
			x.SplitType = append(x.SplitType, st)
			d := 0
			if dl {
				d = 1
			}
			x.DefaultLeft = append(x.DefaultLeft, d)
			x.BaseWeights = append(x.BaseWeights, shapXFloat(t.Value[i]))
			x.LossChanges = append(x.LossChanges, shapXFloat(t.Gain[i]))
			x.SumHessian = append(x.SumHessian, shapXFloat(t.Hessian[i]))
		}
		trees = append(trees, x)
		info = append(info, 0)
	}
	types := []string{}
	for f := range m.NumFeatures() {
		ty := "q"
		for _, c := range m.CategoricalFeatures {
			if c == f {
				ty = "c"
			}
		}
		types = append(types, ty)
	}
	doc := map[string]any{
		"version": []int{1, 7, 4},
		"learner": map[string]any{
			"attributes":    map[string]string{},
			"feature_names": []string{},
			"feature_types": types,
			"gradient_booster": map[string]any{
				"name": "gbtree",
				"model": map[string]any{
					"gbtree_model_param": map[string]string{"num_parallel_tree": "1", "num_trees": strconv.Itoa(len(trees)), "size_leaf_vector": "0"},
					"tree_info":          info,
					"trees":              trees,
				},
			},
			"learner_model_param": map[string]string{
				"base_score": strconv.FormatFloat(m.BaseScore, 'g', -1, 32), "boost_from_average": "1",
				"num_class": "0", "num_feature": nf, "num_target": "1",
			},
			"objective": map[string]any{"name": "reg:squarederror", "reg_loss_param": map[string]string{"scale_pos_weight": "1"}},
		},
	}
	b, err := json.Marshal(doc)
	if err != nil {
		panic(err)
	}
	return b
}

// shapXFloat is a float64 that marshals as a JSON number XGBoost reads as
// a float: with a decimal point or an exponent.
type shapXFloat float64

func (f shapXFloat) MarshalJSON() ([]byte, error) {
	s := strconv.FormatFloat(float64(f), 'g', -1, 64)
	if !strings.ContainsAny(s, ".e") {
		s += ".0"
	}
	return []byte(s), nil
}

func shapXFloats(v []float64) []shapXFloat {
	out := make([]shapXFloat, len(v))
	for i, x := range v {
		out[i] = shapXFloat(x)
	}
	return out
}

func BenchmarkContributions(b *testing.B) {
	rng := rand.New(rand.NewPCG(13, 14))
	m := shapRandModel(rng, 20, 100, 8, nil, false)
	x := shapRandRow(rng, m, nil)
	out := make([]float64, m.NumFeatures()+1)
	b.ReportAllocs()
	for b.Loop() {
		out = m.Contributions(x, out)
	}
}
