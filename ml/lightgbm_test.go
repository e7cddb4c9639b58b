package ml

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"
)

// LightGBM is not packaged for Debian, so these tests use a model file
// written by hand from the text format (src/io/tree.cpp, Tree::ToString)
// with predictions worked out by hand from LightGBM's decision rules
// (include/LightGBM/tree.h, NumericalDecision and CategoricalDecision),
// and an independent transcription of those rules run on many rows.

const lgbFixture = "testdata/lightgbm-regression.txt"

func readLGBFixture(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(lgbFixture)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// lgbK is LightGBM's kZeroThreshold as it prints in model files.
const lgbK = 1.0000000180025095e-35

// lgbHandRows are rows with the raw scores worked out by hand: each tree's
// leaf is noted in the comment.
var lgbHandRows = []struct {
	x   []float64
	raw float64
}{
	// T0: NaN default left, then NaN->0 <= K: 0.125; T1: NaN is zero,
	// default left, then default right: -0.0625; T2: 0.03125; T3: default
	// left 0.001; T4: default right 0.02; T5: NaN right 0.2.
	{[]float64{math.NaN(), math.NaN(), math.NaN()}, 0.31475},
	// x0 == 0.5 goes left (<=); x1 == K is zero; zone 3 not in T5's set.
	{[]float64{0.5, lgbK, 3}, 0.31475},
	// x0 just above 0.5: zone 33 in {1,3,33} -0.5; x1 = 2e-35 is not zero.
	{[]float64{math.Nextafter(0.5, 1), 2e-35, 33}, -0.30925},
	// zone 64 lies past T0's two bitset words: right, 1; x0 > 2.5: 0.5.
	{[]float64{3, -3.5, 64}, 1.74225},
	// x0 == 0 and x1 == -1e-36 are zero (missing); zone 95 in T5's set.
	{[]float64{0, -1e-36, 95}, 0.21475},
	// x1 = -2e-35 is not zero: T1 right, T3 and T4 left; zone 0 in T5's set.
	{[]float64{-2, -2e-35, 0}, 0.20475},
	// T0 zone 1 in set -0.5; T1 -4 <= -3.5: 0.0625.
	{[]float64{1, -4, 1}, -0.19525},
}

func TestReadLightGBMTextHand(t *testing.T) {
	text := readLGBFixture(t)
	for _, tc := range []struct {
		line      string
		objective string
		params    ObjectiveParams
	}{
		{"regression", ObjectiveL2, ObjectiveParams{}},
		{"regression_l1", ObjectiveL1, ObjectiveParams{}},
		{"huber", ObjectiveHuber, ObjectiveParams{HuberDelta: 0.75}},
		{"quantile", ObjectiveQuantile, ObjectiveParams{Alpha: 0.75}},
		{"poisson", ObjectivePoisson, ObjectiveParams{}},
		{"tweedie", ObjectiveTweedie, ObjectiveParams{TweedieVariancePower: 1.2}},
	} {
		t.Run(tc.line, func(t *testing.T) {
			src := strings.Replace(text, "objective=regression\n", "objective="+tc.line+"\n", 1)
			m, err := ReadLightGBMText(strings.NewReader(src))
			if err != nil {
				t.Fatal(err)
			}
			if m.Objective != tc.objective || m.ObjectiveParams != tc.params {
				t.Errorf("objective %s %+v, want %s %+v", m.Objective, m.ObjectiveParams, tc.objective, tc.params)
			}
			for _, r := range lgbHandRows {
				raw := m.PredictRaw(r.x)
				want := r.raw
				if math.Abs(raw-want) > 1e-12 {
					t.Errorf("row %v: raw %.17g, want %.17g", r.x, raw, want)
				}
				if logLink(tc.objective) {
					want = math.Exp(want)
				}
				if got := m.Predict(r.x); math.Abs(got-want) > 1e-12 {
					t.Errorf("row %v: prediction %.17g, want %.17g", r.x, got, want)
				}
			}
		})
	}
}

func TestReadLightGBMTextStructure(t *testing.T) {
	m, err := ReadLightGBMText(strings.NewReader(readLGBFixture(t)))
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(m.FeatureNames, m.CategoricalFeatures, m.BaseScore, len(m.Trees)); got != "[x0 x1 zone] [2] 0 6" {
		t.Errorf("model %s", got)
	}
	t0 := &m.Trees[0]
	// Breadth-first: 0 root, 1 node1, 2 node2 (categorical), 3-6 leaves 0-3.
	want := Tree{
		Left:        []int32{1, 3, 5, -1, -1, -1, -1},
		Right:       []int32{2, 4, 6, -1, -1, -1, -1},
		Feature:     []int32{0, 1, 2, -1, -1, -1, -1},
		Threshold:   []float64{math.Nextafter(0.5, 1), math.Nextafter(lgbK, 1), 0, 0, 0, 0, 0},
		DefaultLeft: []bool{true, true, false, false, false, false, false},
		Categorical: []bool{false, false, true, false, false, false, false},
		CatStart:    []int32{0, 0, 0, 0, 0, 0, 0},
		CatLen:      []int32{0, 0, 3, 0, 0, 0, 0},
		Categories:  []int32{1, 3, 33},
		Value:       []float64{0.3125, 0.20833333333333334, 0.35714285714285715, 0.125, 0.25, -0.5, 1},
		Gain:        []float64{10.5, 3.25, 2, 0, 0, 0, 0},
		Hessian:     []float64{100, 30, 70, 10, 20, 30, 40},
		Count:       []int64{100, 30, 70, 10, 20, 30, 40},
	}
	if got, w := fmt.Sprintf("%+v", *t0), fmt.Sprintf("%+v", want); got != w {
		t.Errorf("tree 0\n got %s\nwant %s", got, w)
	}
	if l := m.Trees[2]; l.NumNodes() != 1 || l.Value[0] != 0.03125 {
		t.Errorf("single-leaf tree %+v", l)
	}
	// Missing type Zero: T3 (threshold 0, default left) reads x <= K or NaN,
	// T4 (threshold -1e-36, default right) x < -K.
	if th := m.Trees[3].Threshold[0]; th != math.Nextafter(lgbK, 1) {
		t.Errorf("T3 threshold %g", th)
	}
	if th := m.Trees[4].Threshold[0]; th != -lgbK {
		t.Errorf("T4 threshold %g", th)
	}
}

// TestReadLightGBMTextReference compares with a direct transcription of
// LightGBM's prediction rules on the raw file, over rows concentrated on
// the thresholds, the zero interval and the category bitsets.
func TestReadLightGBMTextReference(t *testing.T) {
	text := readLGBFixture(t)
	m, err := ReadLightGBMText(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	ref := parseLGBReference(t, text)
	rng := rand.New(rand.NewPCG(11, 12))
	special := []float64{math.NaN(), 0, math.Copysign(0, -1), lgbK, -lgbK, math.Nextafter(lgbK, 1),
		math.Nextafter(-lgbK, -1), 1e-36, -1e-36, 0.5, math.Nextafter(0.5, 1), 2.5, math.Nextafter(2.5, 3),
		-3.5, math.Nextafter(-3.5, 0), 1e300, -1e300, math.Inf(1), math.Inf(-1)}
	pick := func() float64 {
		if rng.IntN(2) == 0 {
			return special[rng.IntN(len(special))]
		}
		return rng.NormFloat64() * 3
	}
	for range 20000 {
		zone := float64(rng.IntN(110) - 5) // integers, some negative
		if rng.IntN(8) == 0 {
			zone = math.NaN()
		}
		x := []float64{pick(), pick(), zone}
		if got, want := m.PredictRaw(x), ref(x); math.Abs(got-want) > 1e-12 {
			t.Fatalf("row %v: ours %.17g, LightGBM's rules %.17g", x, got, want)
		}
	}
}

// parseLGBReference returns a raw-score function that applies LightGBM's
// Tree::Decision to the file's own arrays, as x86 LightGBM does (where
// static_cast<int>(NaN) is INT_MIN, so NaN categories go right).
func parseLGBReference(t *testing.T, text string) func(x []float64) float64 {
	t.Helper()
	type tree map[string]string
	var trees []tree
	for _, block := range strings.Split(text, "\nTree=")[1:] {
		tr := tree{}
		for _, line := range strings.Split(block, "\n")[1:] {
			if k, v, ok := strings.Cut(line, "="); ok {
				tr[k] = v
			}
		}
		trees = append(trees, tr)
	}
	floats := func(s string) []float64 {
		var out []float64
		for _, f := range strings.Fields(s) {
			v, err := strconv.ParseFloat(f, 64)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, v)
		}
		return out
	}
	ints := func(s string) []int {
		var out []int
		for _, v := range floats(s) {
			out = append(out, int(v))
		}
		return out
	}
	return func(x []float64) float64 {
		sum := 0.0
		for _, tr := range trees {
			lv := floats(tr["leaf_value"])
			if tr["num_leaves"] == "1" {
				sum += lv[0]
				continue
			}
			sf, th, dt := ints(tr["split_feature"]), floats(tr["threshold"]), ints(tr["decision_type"])
			lc, rc := ints(tr["left_child"]), ints(tr["right_child"])
			cb, ct := ints(tr["cat_boundaries"]), ints(tr["cat_threshold"])
			node := 0
			for node >= 0 {
				v, d := x[sf[node]], dt[node]
				missing := (d >> 2) & 3
				var left bool
				if d&1 != 0 {
					iv := math.MinInt32
					if !math.IsNaN(v) && v > -2147483649 && v < 2147483648 {
						iv = int(v) // truncation, as static_cast<int>
					}
					if iv >= 0 {
						k := int(th[node])
						words := ct[cb[k]:cb[k+1]]
						left = iv/32 < len(words) && (words[iv/32]>>(iv%32))&1 == 1
					}
				} else {
					if math.IsNaN(v) && missing != 2 {
						v = 0
					}
					if (missing == 1 && v >= -lgbK && v <= lgbK) || (missing == 2 && math.IsNaN(v)) {
						left = d&2 != 0
					} else {
						left = v <= th[node]
					}
				}
				if left {
					node = lc[node]
				} else {
					node = rc[node]
				}
			}
			sum += lv[^node]
		}
		return sum
	}
}

func TestReadLightGBMTextErrors(t *testing.T) {
	text := readLGBFixture(t)
	tree1 := "Tree=1\nnum_leaves=3\nnum_cat=0\nsplit_feature=0 1\nsplit_gain=5 2\nthreshold=2.5 -3.5\ndecision_type=6 4\nleft_child=1 -1\n"
	if !strings.Contains(text, tree1) {
		t.Fatal("fixture changed")
	}
	for _, tc := range []struct {
		name, old, new, substr string
	}{
		{"not lightgbm", "tree\nversion=v4", "{\"learner\": 1}", "not a LightGBM text model"},
		{"objective", "objective=regression\n", "objective=binary sigmoid:1\n", `objective "binary sigmoid:1" is not supported`},
		{"sqrt", "objective=regression\n", "objective=regression sqrt\n", "sqrt label transform"},
		{"no objective", "objective=regression\n", "", "no objective line"},
		{"average_output", "max_feature_idx=2\n", "max_feature_idx=2\naverage_output\n", "average_output"},
		{"multiclass", "num_class=1\n", "num_class=3\n", "num_class=3"},
		{"zero default left", tree1, strings.Replace(tree1, "decision_type=6 4", "decision_type=6 6", 1),
			"tree 1: node 1: missing type Zero with threshold -3.5 sends zero and NaN left"},
		{"zero default right", tree1, strings.Replace(tree1, "decision_type=6 4", "decision_type=4 4", 1),
			"tree 1: node 0: missing type Zero with threshold 2.5 sends zero and NaN right"},
		{"linear", "is_linear=0\nshrinkage=0.1\n\n\nTree=2", "is_linear=1\nshrinkage=0.1\n\n\nTree=2", "tree 1: linear trees"},
		{"child", tree1, strings.Replace(tree1, "left_child=1 -1", "left_child=1 -7", 1), "tree 1: node 1: bad or repeated child leaf 6"},
		{"cycle", tree1, strings.Replace(tree1, "left_child=1 -1", "left_child=1 1", 1), "tree 1: node 1: bad or repeated child node 1"},
		{"feature", "split_feature=0 1 2\n", "split_feature=0 1 5\n", "tree 0: node 2: split feature 5 outside [0, 3 features)"},
		{"lengths", "leaf_value=0.125 0.25 -0.5 1\n", "leaf_value=0.125 0.25 -0.5\n", "tree 0: leaf_value has 3 values, want 4"},
		{"cat index", "threshold=0.5 1.0000000180025095e-35 0\n", "threshold=0.5 1.0000000180025095e-35 1\n",
			"tree 0: node 2: categorical threshold 1 is not a category set index in [0, 1)"},
		{"number", "threshold=2.5 -3.5", "threshold=2.5 x", `tree 1: threshold value 1: bad number "x"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := strings.Replace(text, tc.old, tc.new, 1)
			if src == text {
				t.Fatalf("%q not in fixture", tc.old)
			}
			_, err := ReadLightGBMText(strings.NewReader(src))
			if err == nil || !strings.Contains(err.Error(), tc.substr) {
				t.Errorf("error %v, want one containing %q", err, tc.substr)
			}
		})
	}
}

// ExampleReadLightGBMText imports a one-split LightGBM Poisson model: x
// <= 1.5 (or missing) goes left. Leaf values include the learning rate
// and the initial score.
func ExampleReadLightGBMText() {
	const model = `tree
version=v4
num_class=1
num_tree_per_iteration=1
label_index=0
max_feature_idx=0
objective=poisson
feature_names=x
feature_infos=[0:3]

Tree=0
num_leaves=2
num_cat=0
split_feature=0
split_gain=12.5
threshold=1.5
decision_type=10
left_child=-1
right_child=-2
leaf_value=0 0.69314718055994529
leaf_weight=40 60
leaf_count=40 60
internal_value=0.4
internal_weight=100
internal_count=100
is_linear=0
shrinkage=1

end of trees
`
	m, err := ReadLightGBMText(strings.NewReader(model))
	if err != nil {
		panic(err)
	}
	for _, x := range []float64{1, 1.5, 2, math.NaN()} {
		fmt.Printf("x=%v: %.3f\n", x, m.Predict([]float64{x}))
	}
	// Output:
	// x=1: 1.000
	// x=1.5: 1.000
	// x=2: 2.000
	// x=NaN: 1.000
}

// TestReadLightGBMTextVariants: Windows line ends and a single-leaf tree
// as LightGBM writes one (every array line present, empty).
func TestReadLightGBMTextVariants(t *testing.T) {
	text := readLGBFixture(t)
	crlf, err := ReadLightGBMText(strings.NewReader(strings.ReplaceAll(text, "\n", "\r\n")))
	if err != nil {
		t.Fatalf("CRLF: %v", err)
	}
	const stump = "Tree=6\nnum_leaves=1\nnum_cat=0\nsplit_feature=\nsplit_gain=\nthreshold=\ndecision_type=\n" +
		"left_child=\nright_child=\nleaf_value=0.25\nleaf_weight=\nleaf_count=\ninternal_value=\n" +
		"internal_weight=\ninternal_count=\nis_linear=0\nshrinkage=1\n\n\n"
	withStump := strings.Replace(text, "end of trees", stump+"end of trees", 1)
	withStump = strings.Replace(withStump, "tree_sizes=0 0 0 0 0 0", "tree_sizes=0 0 0 0 0 0 0", 1)
	stumped, err := ReadLightGBMText(strings.NewReader(withStump))
	if err != nil {
		t.Fatalf("single-leaf tree: %v", err)
	}
	if len(stumped.Trees) != 7 {
		t.Fatalf("%d trees, want 7", len(stumped.Trees))
	}
	for _, r := range lgbHandRows {
		if got := crlf.PredictRaw(r.x); math.Abs(got-r.raw) > 1e-12 {
			t.Errorf("CRLF, row %v: raw %.17g, want %.17g", r.x, got, r.raw)
		}
		if got := stumped.PredictRaw(r.x); math.Abs(got-(r.raw+0.25)) > 1e-12 {
			t.Errorf("single-leaf tree, row %v: raw %.17g, want %.17g", r.x, got, r.raw+0.25)
		}
	}
}
