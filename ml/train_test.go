package ml

import (
	"context"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func mustDataset(t testing.TB, cols [][]float64, y []float64, categorical []int) *Dataset {
	t.Helper()
	d, err := NewDatasetColumns(cols, y, nil, nil, categorical)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func mustTrain(t testing.TB, d *Dataset, valid []EvalSet, p Params) (*Model, *History) {
	t.Helper()
	m, h, err := Train(context.Background(), d, valid, p)
	if err != nil {
		t.Fatal(err)
	}
	return m, h
}

// One round on six rows, worked by hand: targets 1 1 1 | 5 5 9 against
// x = 1 2 3 4 5 6, mean 11/3. With lr 1, no regularization and leaves of
// at least one row, the best split of an l2 tree separates {1,2,3} from
// {4,5,6} (gain 3*(8/3)^2 + 3*(8/3)^2 = 42.67 beats x<5.5's 40.83), with
// outputs -8/3 and +8/3, the mean residuals. The threshold lies between 3
// and 4.
func TestTrainWorkedByHand(t *testing.T) {
	x := []float64{1, 2, 3, 4, 5, 6}
	y := []float64{1, 1, 1, 5, 5, 9}
	d := mustDataset(t, [][]float64{x}, y, nil)
	m, _ := mustTrain(t, d, nil, Params{NumRounds: 1, LearningRate: 1, NumLeaves: 2, MinDataInLeaf: 1,
		MinSumHessianInLeaf: 1e-9})
	if got := m.BaseScore; math.Abs(got-11.0/3) > 1e-12 {
		t.Fatalf("base score %v, want 11/3", got)
	}
	tr := m.Trees[0]
	if tr.NumNodes() != 3 || tr.Feature[0] != 0 || !(tr.Threshold[0] > 3 && tr.Threshold[0] < 4) {
		t.Fatalf("tree %+v", tr)
	}
	l, r := tr.Left[0], tr.Right[0]
	if math.Abs(tr.Value[l]-(-8.0/3)) > 1e-12 || math.Abs(tr.Value[r]-8.0/3) > 1e-12 {
		t.Fatalf("leaf values %v %v, want -8/3 and 8/3", tr.Value[l], tr.Value[r])
	}
	wantGain := 2 * 8.0 * 8.0 / 3 // G^2/H per child (G = -8, 8; H = 3), minus the root's 0
	if math.Abs(tr.Gain[0]-wantGain) > 1e-9 {
		t.Fatalf("gain %v, want %v", tr.Gain[0], wantGain)
	}
	if tr.Count[l] != 3 || tr.Count[r] != 3 || tr.Hessian[0] != 6 {
		t.Fatalf("counts %v hessians %v", tr.Count, tr.Hessian)
	}
	for i, xi := range x {
		want := 1.0
		if i >= 3 {
			want = 19.0 / 3
		}
		if got := m.Predict([]float64{xi}); math.Abs(got-want) > 1e-12 {
			t.Errorf("predict(%v) = %v, want %v", xi, got, want)
		}
	}
}

// Regularization worked by hand on the same rows: lambda_l2 = 1 gives
// outputs G/(H+1), lambda_l1 = 2 shrinks |G| by 2 first.
func TestTrainRegularizationByHand(t *testing.T) {
	x := []float64{1, 2, 3, 4, 5, 6}
	y := []float64{1, 1, 1, 5, 5, 9}
	d := mustDataset(t, [][]float64{x}, y, nil)
	for _, tc := range []struct {
		name        string
		l1, l2      float64
		left, right float64
	}{
		{"l2", 0, 1, -8.0 / 4, 8.0 / 4},
		{"l1", 2, 0, -(8 - 2) / 3.0, (8 - 2) / 3.0},
	} {
		m, _ := mustTrain(t, d, nil, Params{NumRounds: 1, LearningRate: 1, NumLeaves: 2, MinDataInLeaf: 1,
			LambdaL1: tc.l1, LambdaL2: tc.l2})
		tr := m.Trees[0]
		if got := []float64{tr.Value[tr.Left[0]], tr.Value[tr.Right[0]]}; math.Abs(got[0]-tc.left) > 1e-12 || math.Abs(got[1]-tc.right) > 1e-12 {
			t.Errorf("%s: leaves %v, want %v %v", tc.name, got, tc.left, tc.right)
		}
	}
}

// synthetic returns n rows of a nonlinear target with a categorical
// feature whose effect is not ordered by its code, a numeric feature with
// missing values that mean something, and noise.
func synthetic(n int, seed uint64) (cols [][]float64, y []float64) {
	rng := rand.New(rand.NewPCG(seed, 7))
	x0, x1, x2 := make([]float64, n), make([]float64, n), make([]float64, n)
	y = make([]float64, n)
	effect := []float64{3, -2, 5, 0, -4, 1, 2, -1, 4, -3}
	for i := range n {
		x0[i] = rng.Float64() * 10
		x1[i] = float64(rng.IntN(len(effect)))
		x2[i] = rng.NormFloat64()
		v := math.Sin(x0[i]) * 2
		v += effect[int(x1[i])]
		if rng.Float64() < 0.2 {
			x2[i] = math.NaN()
			v += 3 // missing means something
		} else {
			v += x2[i]
		}
		y[i] = v + rng.NormFloat64()*0.3
	}
	return [][]float64{x0, x1, x2}, y
}

func rmseOf(m *Model, d *Dataset) float64 {
	p := make([]float64, d.NumRows())
	row := make([]float64, d.NumFeatures())
	for i := range p {
		p[i] = m.Predict(d.Row(i, row))
	}
	return RMSE(d.Labels, p, nil)
}

func TestTrainLearns(t *testing.T) {
	cols, y := synthetic(20000, 1)
	vcols, vy := synthetic(5000, 2)
	for _, tc := range []struct {
		name string
		cat  []int
		p    Params
		max  float64 // validation RMSE bound
	}{
		{"leafwise", []int{1}, Params{NumRounds: 200}, 0.4},
		{"depthwise", []int{1}, Params{NumRounds: 200, Growth: GrowDepthWise, MaxDepth: 5}, 0.4},
		{"numeric codes", nil, Params{NumRounds: 200}, 0.45},
		{"bagging and feature fraction", []int{1}, Params{NumRounds: 200, BaggingFraction: 0.7, BaggingFreq: 1, FeatureFraction: 0.67, Seed: 3}, 0.45},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := mustDataset(t, cols, y, tc.cat)
			v := mustDataset(t, vcols, vy, tc.cat)
			m, h := mustTrain(t, d, []EvalSet{{"valid", v}}, tc.p)
			got := rmseOf(m, v)
			if got > tc.max {
				t.Fatalf("validation RMSE %.3f > %.3f", got, tc.max)
			}
			l2 := h.Metrics["valid"]["l2"]
			if len(l2) != tc.p.NumRounds || !(l2[len(l2)-1] < l2[0]/5) {
				t.Fatalf("validation l2 history: first %v last %v (%d rounds)", l2[0], l2[len(l2)-1], len(l2))
			}
			if math.Abs(math.Sqrt(l2[len(l2)-1])-got) > 1e-9 {
				t.Fatalf("history's last l2 %v is not the model's RMSE %v squared", l2[len(l2)-1], got)
			}
		})
	}
}

// Missing values get a learned direction: rows with x2 missing (target +3)
// go with high x2 rather than with the mean.
func TestTrainMissingDirection(t *testing.T) {
	cols, y := synthetic(20000, 3)
	d := mustDataset(t, cols, y, []int{1})
	m, _ := mustTrain(t, d, nil, Params{NumRounds: 100})
	base := []float64{5, 3, 0}
	missing := []float64{5, 3, math.NaN()}
	high := []float64{5, 3, 3}
	pb, pm, ph := m.Predict(base), m.Predict(missing), m.Predict(high)
	if math.Abs(pm-ph) > 0.5 || pm-pb < 2 {
		t.Fatalf("predictions: x2=0 %.2f, missing %.2f, x2=3 %.2f; missing should act like +3", pb, pm, ph)
	}
}

func TestTrainCategoricalBeatsCodes(t *testing.T) {
	cols, y := synthetic(20000, 4)
	vcols, vy := synthetic(5000, 5)
	p := Params{NumRounds: 30, NumLeaves: 4, MinDataPerGroup: 10}
	cat, _ := mustTrain(t, mustDataset(t, cols, y, []int{1}), nil, p)
	num, _ := mustTrain(t, mustDataset(t, cols, y, nil), nil, p)
	rc, rn := rmseOf(cat, mustDataset(t, vcols, vy, []int{1})), rmseOf(num, mustDataset(t, vcols, vy, nil))
	if !(rc < rn) {
		t.Fatalf("with 4 leaves, categorical splits should fit the unordered effect better: %.3f vs %.3f", rc, rn)
	}
	var catSplits int
	for _, tr := range cat.Trees {
		for i := range tr.NumNodes() {
			if !tr.IsLeaf(i) && tr.Categorical[i] {
				catSplits++
			}
		}
	}
	if catSplits == 0 {
		t.Fatal("no categorical split")
	}
}

// The model does not depend on the number of threads, and a seed fixes
// bagging and feature sampling.
func TestTrainDeterministic(t *testing.T) {
	cols, y := synthetic(60000, 6) // several histogram chunks
	d := mustDataset(t, cols, y, []int{1})
	p := Params{NumRounds: 20, BaggingFraction: 0.8, BaggingFreq: 2, FeatureFraction: 0.67, Seed: 42}
	p.Threads = 1
	a, _ := mustTrain(t, d, nil, p)
	p.Threads = 4
	b, _ := mustTrain(t, d, nil, p)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("1 and 4 threads trained different models")
	}
	p.Seed = 43
	c, _ := mustTrain(t, d, nil, p)
	if reflect.DeepEqual(a, c) {
		t.Fatal("another seed trained the same model")
	}
}

func TestTrainEarlyStopping(t *testing.T) {
	cols, y := synthetic(3000, 7)
	vcols, vy := synthetic(2000, 8)
	d := mustDataset(t, cols, y, []int{1})
	v := mustDataset(t, vcols, vy, []int{1})
	m, h := mustTrain(t, d, []EvalSet{{"valid", v}}, Params{NumRounds: 2000, LearningRate: 0.3, NumLeaves: 63,
		MinDataInLeaf: 2, EarlyStoppingRounds: 20, Metrics: []string{"rmse", "l1"}})
	rmse := h.Metrics["valid"]["rmse"]
	if len(m.Trees) >= 2000 || len(rmse) != len(m.Trees) {
		t.Fatalf("%d trees, %d rounds of history: early stopping never fired", len(m.Trees), len(rmse))
	}
	if m.BestIteration != h.BestIteration || m.BestIteration <= 0 || m.BestIteration > len(m.Trees)-20 {
		t.Fatalf("best iteration %d of %d trees", m.BestIteration, len(m.Trees))
	}
	// Prediction stops at the best iteration; the history's best value is
	// the model's.
	best := h.BestScores["valid"]["rmse"]
	if got := rmseOf(m, v); math.Abs(got-best) > 1e-9 && math.Abs(got-rmse[m.BestIteration-1]) > 1e-9 {
		t.Fatalf("model RMSE %v, history best %v", got, best)
	}
}

func TestTrainObjectives(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	n := 20000
	x := make([]float64, n)
	y := make([]float64, n)
	counts := make([]float64, n)
	for i := range n {
		x[i] = rng.Float64() * 4
		y[i] = x[i] + rng.ExpFloat64() // skewed noise: mean, median and quantiles differ
		counts[i] = float64(poisson(rng, math.Exp(0.5*x[i])))
	}
	d := mustDataset(t, [][]float64{x}, y, nil)
	dc := mustDataset(t, [][]float64{x}, counts, nil)
	t.Run("base scores", func(t *testing.T) {
		for _, tc := range []struct {
			obj  string
			d    *Dataset
			want float64
		}{
			{ObjectiveL2, d, weightedMean(y, nil)},
			{ObjectiveL1, d, weightedQuantile(y, nil, nil, 0.5)},
			{ObjectiveQuantile, d, weightedQuantile(y, nil, nil, 0.9)},
			{ObjectivePoisson, dc, math.Log(weightedMean(counts, nil))},
			{ObjectiveTweedie, dc, math.Log(weightedMean(counts, nil))},
		} {
			m, _ := mustTrain(t, tc.d, nil, Params{Objective: tc.obj, NumRounds: 1})
			if math.Abs(m.BaseScore-tc.want) > 1e-12 {
				t.Errorf("%s: base score %v, want %v", tc.obj, m.BaseScore, tc.want)
			}
		}
	})
	t.Run("quantile coverage", func(t *testing.T) {
		for _, alpha := range []float64{0.1, 0.5, 0.9} {
			m, _ := mustTrain(t, d, nil, Params{Objective: ObjectiveQuantile, ObjectiveParams: ObjectiveParams{Alpha: alpha}, NumRounds: 100})
			below := 0
			for i := range n {
				if y[i] <= m.Predict([]float64{x[i]}) {
					below++
				}
			}
			if got := float64(below) / float64(n); math.Abs(got-alpha) > 0.03 {
				t.Errorf("alpha %v: %.3f of targets at or below the prediction", alpha, got)
			}
		}
	})
	t.Run("count objectives", func(t *testing.T) {
		for _, obj := range []string{ObjectivePoisson, ObjectiveTweedie} {
			m, _ := mustTrain(t, dc, nil, Params{Objective: obj, NumRounds: 200})
			var sumP, sumY float64
			for i := range n {
				p := m.Predict([]float64{x[i]})
				if !(p > 0) {
					t.Fatalf("%s: prediction %v", obj, p)
				}
				sumP += p
				sumY += counts[i]
			}
			if math.Abs(sumP/sumY-1) > 0.02 {
				t.Errorf("%s: predictions sum to %.0f, targets to %.0f", obj, sumP, sumY)
			}
			if p1, p3 := m.Predict([]float64{1}), m.Predict([]float64{3}); math.Abs(math.Log(p3/p1)-1) > 0.25 {
				t.Errorf("%s: log rate rises %.2f from x=1 to 3, want about 1", obj, math.Log(p3/p1))
			}
		}
	})
	t.Run("huber resists outliers", func(t *testing.T) {
		yo := append([]float64(nil), y...)
		for i := 0; i < n; i += 50 {
			yo[i] += 1000
		}
		do := mustDataset(t, [][]float64{x}, yo, nil)
		hub, _ := mustTrain(t, do, nil, Params{Objective: ObjectiveHuber, ObjectiveParams: ObjectiveParams{HuberDelta: 2}, NumRounds: 100})
		l2, _ := mustTrain(t, do, nil, Params{NumRounds: 100})
		clean := func(m *Model) float64 { return rmseOf(m, d) }
		if !(clean(hub) < clean(l2)/2) {
			t.Errorf("RMSE on clean targets: huber %.2f, l2 %.2f", clean(hub), clean(l2))
		}
	})
}

func poisson(rng *rand.Rand, lambda float64) int {
	l, k, p := math.Exp(-lambda), 0, 1.0
	for {
		p *= rng.Float64()
		if p <= l {
			return k
		}
		k++
	}
}

func TestTrainMonotone(t *testing.T) {
	rng := rand.New(rand.NewPCG(10, 10))
	n := 5000
	x0, x1, y := make([]float64, n), make([]float64, n), make([]float64, n)
	for i := range n {
		x0[i], x1[i] = rng.Float64()*10, rng.Float64()
		y[i] = x0[i] + 3*math.Sin(3*x0[i]) + x1[i] + rng.NormFloat64()
	}
	d := mustDataset(t, [][]float64{x0, x1}, y, nil)
	for _, c := range []int{1, -1} {
		m, _ := mustTrain(t, d, nil, Params{NumRounds: 100, MonotoneConstraints: []int{c, 0}})
		for _, x1v := range []float64{0.1, 0.5, 0.9} {
			prev := m.Predict([]float64{0, x1v})
			for v := 0.05; v <= 10; v += 0.05 {
				p := m.Predict([]float64{v, x1v})
				if float64(c)*(p-prev) < -1e-12 {
					t.Fatalf("constraint %+d: prediction goes from %v to %v at x0=%.2f", c, prev, p, v)
				}
				prev = p
			}
		}
	}
}

func TestTrainErrors(t *testing.T) {
	d := mustDataset(t, [][]float64{{1, 2, 3}, {0, 1, 0}}, []float64{1, 2, 3}, []int{1})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, tc := range []struct {
		name string
		ctx  context.Context
		p    Params
		want string
	}{
		{"objective", context.Background(), Params{Objective: "logistic"}, "unknown objective"},
		{"max bin", context.Background(), Params{MaxBin: 300}, "MaxBin"},
		{"fraction", context.Background(), Params{FeatureFraction: 1.5}, "FeatureFraction"},
		{"monotone on a category", context.Background(), Params{MonotoneConstraints: []int{0, 1}}, "categorical"},
		{"monotone value", context.Background(), Params{MonotoneConstraints: []int{2}}, "MonotoneConstraints"},
		{"quantile alpha", context.Background(), Params{Objective: ObjectiveQuantile, ObjectiveParams: ObjectiveParams{Alpha: 1.5}}, "Alpha"},
		{"metric", context.Background(), Params{Metrics: []string{"auc"}}, "auc"},
		{"NaN lambda", context.Background(), Params{LambdaL2: math.NaN()}, "LambdaL2"},
		{"NaN max delta step", context.Background(), Params{MaxDeltaStep: math.NaN()}, "MaxDeltaStep"},
		{"negative cat smooth", context.Background(), Params{CatSmooth: -1}, "CatSmooth"},
		{"monotone with l1", context.Background(), Params{Objective: ObjectiveL1, MonotoneConstraints: []int{1}}, "refitted"},
		{"monotone with quantile", context.Background(), Params{Objective: ObjectiveQuantile, MonotoneConstraints: []int{-1}}, "refitted"},
		{"cancelled", ctx, Params{}, "canceled"},
	} {
		_, _, err := Train(tc.ctx, d, nil, tc.p)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error about %q", tc.name, err, tc.want)
		}
	}
	zero, err := NewDatasetColumns([][]float64{{1, 2}}, []float64{1, 2}, []float64{0, 0}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := Train(context.Background(), zero, nil, Params{}); err == nil || !strings.Contains(err.Error(), "sum to 0") {
		t.Errorf("zero weights: %v", err)
	}
	empty := mustDataset(t, [][]float64{{}, {}}, []float64{}, nil)
	if _, _, err := Train(context.Background(), d, []EvalSet{{Name: "v", Data: empty}}, Params{}); err == nil || !strings.Contains(err.Error(), `validation set "v"`) {
		t.Errorf("empty validation set: %v", err)
	}
	neg := mustDataset(t, [][]float64{{1, 2}}, []float64{1, -1}, nil)
	if _, _, err := Train(context.Background(), neg, nil, Params{Objective: ObjectivePoisson}); err == nil || !strings.Contains(err.Error(), "row 1") {
		t.Errorf("negative count: %v", err)
	}
	if _, err := NewDatasetColumns([][]float64{{1, 2}}, []float64{1, math.NaN()}, nil, nil, nil); err == nil || !strings.Contains(err.Error(), "row 1") {
		t.Errorf("NaN target: %v", err)
	}
}

// TestTrainDegenerateInputs: an empty bag, a feature that is only present
// or missing, and categories of fewer rows than MinDataPerGroup still
// train sensible models (LightGBM's behaviour), never NaN.
func TestTrainDegenerateInputs(t *testing.T) {
	t.Run("empty bag", func(t *testing.T) {
		cols, y := synthetic(40, 3)
		d := mustDataset(t, cols, y, nil)
		m, _ := mustTrain(t, d, nil, Params{NumRounds: 20, BaggingFraction: 0.01, BaggingFreq: 1, MinDataInLeaf: 1})
		for i := range d.NumRows() {
			if p := m.Predict(d.Row(i, nil)); math.IsNaN(p) {
				t.Fatalf("row %d: NaN prediction", i)
			}
		}
	})
	t.Run("missing against present", func(t *testing.T) {
		x, y := make([]float64, 200), make([]float64, 200)
		for i := range x {
			x[i], y[i] = 1, 0
			if i%2 == 1 {
				x[i], y[i] = math.NaN(), 10
			}
		}
		d := mustDataset(t, [][]float64{x}, y, nil)
		m, _ := mustTrain(t, d, nil, Params{NumRounds: 60, LearningRate: 0.3})
		if p0, p1 := m.Predict([]float64{1}), m.Predict([]float64{math.NaN()}); math.Abs(p0) > 0.1 || math.Abs(p1-10) > 0.1 {
			t.Fatalf("present %v (want 0), missing %v (want 10)", p0, p1)
		}
	})
	t.Run("small categories", func(t *testing.T) {
		// Ten categories of about 60 rows, each with its own target: under
		// MinDataPerGroup (100) apiece, yet LightGBM splits them.
		rng := rand.New(rand.NewPCG(8, 9))
		cat, y := make([]float64, 600), make([]float64, 600)
		for i := range cat {
			c := rng.IntN(10)
			cat[i], y[i] = float64(c), float64(c*c)+rng.NormFloat64()*0.1
		}
		d := mustDataset(t, [][]float64{cat}, y, []int{0})
		m, _ := mustTrain(t, d, nil, Params{NumRounds: 50})
		pred := make([]float64, len(y))
		for i := range y {
			pred[i] = m.Predict([]float64{cat[i]})
		}
		if r := RMSE(y, pred, nil); r > 3 {
			t.Fatalf("training RMSE %.2f: the categories were not split", r)
		}
	})
}

// TestWeightedQuantile: equal weights give the unweighted quantile, zero
// weights count for nothing, and a heavier value pulls the quantile.
func TestWeightedQuantile(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 2))
	for trial := range 500 {
		n := 1 + rng.IntN(30)
		v, w := make([]float64, n), make([]float64, n)
		for i := range v {
			v[i] = float64(rng.IntN(10)) + rng.Float64()
			w[i] = 2.5
		}
		alpha := rng.Float64()
		want := weightedQuantile(v, nil, nil, alpha)
		if got := weightedQuantile(v, w, nil, alpha); math.Abs(got-want) > 1e-12*math.Max(1, math.Abs(want)) {
			t.Fatalf("trial %d: equal weights give %v, unweighted %v (alpha %v, values %v)", trial, got, want, alpha, v)
		}
		// A zero-weight value far out changes nothing.
		vz, wz := append(slices.Clone(v), 1e6), append(slices.Clone(w), 0)
		if got := weightedQuantile(vz, wz, nil, alpha); math.Abs(got-want) > 1e-12*math.Max(1, math.Abs(want)) {
			t.Fatalf("trial %d: a zero weight moved the quantile to %v from %v", trial, got, want)
		}
	}
	// Values 1, 2, 3 weighted 1, 1, 2: positions 0, 1/2, 1 (the weight
	// before each over 2), so the median is 2 and the 0.75 quantile 2.5.
	for _, c := range []struct{ alpha, want float64 }{{0, 1}, {0.25, 1.5}, {0.5, 2}, {0.75, 2.5}, {1, 3}} {
		if got := weightedQuantile([]float64{3, 1, 2}, []float64{2, 1, 1}, nil, c.alpha); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("alpha %v: %v, want %v", c.alpha, got, c.want)
		}
	}
}
