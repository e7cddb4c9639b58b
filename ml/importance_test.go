package ml

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// importanceTestModel has three trees on features a, b, c:
//
//	tree 0: a (gain 10, cover 100) -> [b (gain 4, cover 60) -> leaves], leaf
//	tree 1: a (gain 6, cover 100) -> leaf, [a categorical (gain 2, cover 30) -> leaves]
//	tree 2: c (gain 1000, cover 100) -> leaves
func importanceTestModel() *Model {
	return &Model{
		FeatureNames: []string{"a", "b", "c"},
		Trees: []Tree{
			{
				Left:    []int32{1, 3, -1, -1, -1},
				Right:   []int32{2, 4, -1, -1, -1},
				Feature: []int32{0, 1, -1, -1, -1},
				Gain:    []float64{10, 4, 0, 0, 0},
				Hessian: []float64{100, 60, 40, 25, 35},
			},
			{
				Left:        []int32{1, -1, 3, -1, -1},
				Right:       []int32{2, -1, 4, -1, -1},
				Feature:     []int32{0, -1, 0, -1, -1},
				Categorical: []bool{false, false, true, false, false},
				Gain:        []float64{6, 0, 2, 0, 0},
				Hessian:     []float64{100, 70, 30, 10, 20},
			},
			{
				Left:    []int32{1, -1, -1},
				Right:   []int32{2, -1, -1},
				Feature: []int32{2, -1, -1},
				Gain:    []float64{1000, 0, 0},
				Hessian: []float64{100, 50, 50},
			},
		},
	}
}

func TestFeatureImportanceHandBuilt(t *testing.T) {
	m := importanceTestModel()
	cases := []struct {
		best int
		kind ImportanceKind
		want []float64
	}{
		{0, ImportanceSplit, []float64{3, 1, 1}},
		{0, ImportanceGain, []float64{18, 4, 1000}},
		{0, ImportanceAverageGain, []float64{6, 4, 1000}},
		{0, ImportanceCover, []float64{230, 60, 100}},
		{0, ImportanceAverageCover, []float64{230.0 / 3, 60, 100}},
		// BestIteration 2 leaves tree 2 out; c's averages are 0, not NaN.
		{2, ImportanceSplit, []float64{3, 1, 0}},
		{2, ImportanceGain, []float64{18, 4, 0}},
		{2, ImportanceAverageGain, []float64{6, 4, 0}},
		{2, ImportanceCover, []float64{230, 60, 0}},
		{2, ImportanceAverageCover, []float64{230.0 / 3, 60, 0}},
		{1, ImportanceSplit, []float64{1, 1, 0}},
		{1, ImportanceAverageCover, []float64{100, 60, 0}},
		// a BestIteration beyond the trees means all of them
		{7, ImportanceGain, []float64{18, 4, 1000}},
	}
	for _, c := range cases {
		m.BestIteration = c.best
		got := m.FeatureImportance(c.kind)
		if len(got) != len(c.want) {
			t.Fatalf("BestIteration %d, %v: %v, want %v", c.best, c.kind, got, c.want)
		}
		for f := range got {
			if math.Abs(got[f]-c.want[f]) > 1e-12 {
				t.Errorf("BestIteration %d, %v: %v, want %v", c.best, c.kind, got, c.want)
				break
			}
		}
	}
}

func TestFeatureImportanceRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	cat := []bool{false, true, false, false, true}
	m := shapRandModel(rng, len(cat), 25, 6, cat, false)
	splits := m.FeatureImportance(ImportanceSplit)
	gain := m.FeatureImportance(ImportanceGain)
	avgGain := m.FeatureImportance(ImportanceAverageGain)
	cover := m.FeatureImportance(ImportanceCover)
	avgCover := m.FeatureImportance(ImportanceAverageCover)
	inner, totalGain, totalCover := 0, 0.0, 0.0
	for i := range m.Trees {
		tr := &m.Trees[i]
		for n := range tr.NumNodes() {
			if !tr.IsLeaf(n) {
				inner++
				totalGain += tr.Gain[n]
				totalCover += tr.Hessian[n]
			}
		}
	}
	if s := shapSum(splits); s != float64(inner) {
		t.Errorf("splits sum to %v, the model has %d inner nodes", s, inner)
	}
	if s := shapSum(gain); math.Abs(s-totalGain) > 1e-9*totalGain {
		t.Errorf("gains sum to %v, want %v", s, totalGain)
	}
	if s := shapSum(cover); math.Abs(s-totalCover) > 1e-9*totalCover {
		t.Errorf("covers sum to %v, want %v", s, totalCover)
	}
	for f := range splits {
		if splits[f] == 0 {
			if gain[f] != 0 || avgGain[f] != 0 || cover[f] != 0 || avgCover[f] != 0 {
				t.Errorf("unused feature %d has nonzero importance", f)
			}
			continue
		}
		if math.Abs(avgGain[f]*splits[f]-gain[f]) > 1e-9*gain[f] || math.Abs(avgCover[f]*splits[f]-cover[f]) > 1e-9*cover[f] {
			t.Errorf("feature %d: averages inconsistent with totals", f)
		}
	}
}

func TestFeatureImportanceEdge(t *testing.T) {
	// no trees, or trees without Gain and Hessian
	m := &Model{FeatureNames: []string{"a", "b"}}
	if got := m.FeatureImportance(ImportanceGain); len(got) != 2 || got[0] != 0 || got[1] != 0 {
		t.Errorf("empty model: %v", got)
	}
	m.Trees = []Tree{{Left: []int32{1, -1, -1}, Right: []int32{2, -1, -1}, Feature: []int32{1, -1, -1}}}
	if got := m.FeatureImportance(ImportanceSplit); got[1] != 1 {
		t.Errorf("split: %v", got)
	}
	if got := m.FeatureImportance(ImportanceAverageCover); got[1] != 0 {
		t.Errorf("cover without Hessian: %v", got)
	}
	for _, k := range []ImportanceKind{-1, ImportanceAverageCover + 1} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("kind %v: no panic", k)
				}
			}()
			m.FeatureImportance(k)
		}()
	}
	m.FeatureNames = m.FeatureNames[:1]
	func() {
		defer func() {
			if recover() == nil {
				t.Error("feature beyond NumFeatures: no panic")
			}
		}()
		m.FeatureImportance(ImportanceSplit)
	}()
}

func TestImportanceKindString(t *testing.T) {
	want := map[ImportanceKind]string{
		ImportanceSplit:        "split",
		ImportanceGain:         "total_gain",
		ImportanceAverageGain:  "average_gain",
		ImportanceCover:        "total_cover",
		ImportanceAverageCover: "average_cover",
		9:                      "ImportanceKind(9)",
	}
	for k, s := range want {
		if k.String() != s {
			t.Errorf("%d.String() = %q, want %q", int(k), k.String(), s)
		}
	}
}

// ExampleModel_FeatureImportance ranks the features of a two-split model
// by each measure.
func ExampleModel_FeatureImportance() {
	m := &Model{
		FeatureNames: []string{"age", "income"},
		Trees: []Tree{{
			// 0: age < 30 ? 1 : 2;  1: income < 50 ? 3 : 4
			Left:      []int32{1, 3, -1, -1, -1},
			Right:     []int32{2, 4, -1, -1, -1},
			Feature:   []int32{0, 1, -1, -1, -1},
			Threshold: []float64{30, 50, 0, 0, 0},
			Value:     []float64{0.1, 1.75, -1, 1, 2},
			Gain:      []float64{8, 3, 0, 0, 0},
			Hessian:   []float64{10, 4, 6, 1, 3},
			Count:     []int64{10, 4, 6, 1, 3},
		}},
	}
	for _, kind := range []ImportanceKind{ImportanceSplit, ImportanceGain, ImportanceAverageCover} {
		fmt.Println(kind, m.FeatureImportance(kind))
	}
	// Output:
	// split [1 1]
	// total_gain [8 3]
	// average_cover [10 4]
}
