package ml

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// EvalSet is a named validation set evaluated after every round.
type EvalSet struct {
	Name string
	Data *Dataset
}

// History records the validation metrics of every round: History[set]
// [metric][round]. BestIteration and BestScores describe the round
// prediction stops at (all rounds without early stopping).
type History struct {
	Metrics       map[string]map[string][]float64
	BestIteration int
	BestScores    map[string]map[string]float64
}

// Train fits a gradient-boosted regression model to train with
// histogram-based trees (see Params), evaluating valid after every round
// and stopping early when Params.EarlyStoppingRounds says so. It honours
// ctx between rounds. The model is a function of the data, the parameters
// and Params.Seed only: the number of threads does not change it.
func Train(ctx context.Context, train *Dataset, valid []EvalSet, params Params) (*Model, *History, error) {
	p, err := params.withDefaults()
	if err != nil {
		return nil, nil, err
	}
	if train == nil || train.NumRows() == 0 {
		return nil, nil, fmt.Errorf("ml: train: no rows")
	}
	if !train.hasWeight() {
		return nil, nil, fmt.Errorf("ml: train: the weights sum to 0")
	}
	if len(p.MonotoneConstraints) > train.NumFeatures() {
		return nil, nil, fmt.Errorf("ml: %d monotone constraints for %d features", len(p.MonotoneConstraints), train.NumFeatures())
	}
	for j, c := range p.MonotoneConstraints {
		if c != 0 && train.isCategorical(j) {
			return nil, nil, fmt.Errorf("ml: feature %d (%s) is categorical and cannot take a monotone constraint", j, train.FeatureNames[j])
		}
	}
	obj, err := newObjective(p.Objective, p.ObjectiveParams)
	if err != nil {
		return nil, nil, err
	}
	if err := obj.checkLabels(train.Labels); err != nil {
		return nil, nil, err
	}
	for _, v := range valid {
		switch {
		case v.Data == nil || v.Data.NumFeatures() != train.NumFeatures():
			return nil, nil, fmt.Errorf("ml: validation set %q: want %d features", v.Name, train.NumFeatures())
		case v.Data.NumRows() == 0 || !v.Data.hasWeight():
			// Its metrics would be NaN, and early stopping would keep one tree.
			return nil, nil, fmt.Errorf("ml: validation set %q: no rows, or weights summing to 0", v.Name)
		}
	}
	metrics, err := trainMetrics(p)
	if err != nil {
		return nil, nil, err
	}

	n := train.NumRows()
	data := binDataset(train, p.MaxBin, p.Seed)
	base := obj.initScore(train.Labels, train.Weights)
	model := &Model{FeatureNames: train.FeatureNames, CategoricalFeatures: slices.Clone(train.Categorical),
		Objective: p.Objective, ObjectiveParams: p.ObjectiveParams, BaseScore: base}
	score := make([]float64, n)
	for i := range score {
		score[i] = base
	}
	validScores := make([][]float64, len(valid))
	for i, v := range valid {
		validScores[i] = make([]float64, v.Data.NumRows())
		for j := range validScores[i] {
			validScores[i][j] = base
		}
	}
	gr := &grower{p: &p, data: data, hb: newHistBuilder(data, p.Threads), sp: splitter{p: &p, data: data},
		g: make([]float64, n), h: make([]float64, n), allowed: make([]bool, train.NumFeatures())}
	if train.Weights == nil && obj.constantHessian() {
		gr.hb.constHess = 1
	}
	rng := rand.New(rand.NewPCG(p.Seed, 0x6b6f6f7374))
	hist := &History{Metrics: map[string]map[string][]float64{}}
	es := newEarlyStopper(p, valid, metrics)
	var bag []int32
	all := make([]int32, n)
	for i := range all {
		all[i] = int32(i)
	}
	inBag := make([]bool, n)
	leafBuf := make([]float64, 0, 1024)

	for round := range p.NumRounds {
		if err := ctx.Err(); err != nil {
			return nil, nil, fmt.Errorf("ml: train: round %d: %w", round, err)
		}
		parallelRange(n, p.Threads, func(lo, hi int) {
			var w []float64
			if train.Weights != nil {
				w = train.Weights[lo:hi]
			}
			obj.gradients(train.Labels[lo:hi], w, score[lo:hi], gr.g[lo:hi], gr.h[lo:hi])
		})
		// Rows: bagging redraws the bag every BaggingFreq rounds.
		if p.BaggingFraction < 1 && p.BaggingFreq > 0 {
			if round%p.BaggingFreq == 0 || bag == nil {
				bag = bag[:0]
				clear(inBag)
				for i := range n {
					if rng.Float64() < p.BaggingFraction {
						bag = append(bag, int32(i))
						inBag[i] = true
					}
				}
			}
			gr.rows = append(gr.rows[:0], bag...)
		} else {
			gr.rows = append(gr.rows[:0], all...)
		}
		// Features: a fresh sample per tree.
		sampleFeatures(gr.allowed, p.FeatureFraction, rng)

		tree, leaves := gr.grow()
		if obj.refitsLeaves() {
			for _, l := range leaves {
				v := obj.leafValue(gr.rows[l.begin:l.end], train.Labels, train.Weights, score, leafBuf)
				tree.Value[l.node] = p.LearningRate * v
			}
		}
		// Scores: the bag's rows by their leaves, the others by the tree.
		gr.parallel(len(leaves), func(i int) {
			l := leaves[i]
			v := tree.Value[l.node]
			for _, r := range gr.rows[l.begin:l.end] {
				score[r] += v
			}
		})
		if len(gr.rows) < n {
			for i := range n {
				if !inBag[i] {
					score[i] += tree.predictColumns(train.cols, i)
				}
			}
		}
		model.Trees = append(model.Trees, *tree)

		for vi, v := range valid {
			vs := validScores[vi]
			for i := range vs {
				vs[i] += tree.predictColumns(v.Data.cols, i)
			}
		}
		stop := es.record(round, valid, validScores, model.Objective, hist)
		if stop {
			break
		}
	}
	hist.BestIteration, hist.BestScores = es.best(len(model.Trees))
	if es.enabled() {
		model.BestIteration = hist.BestIteration
	}
	model.Compile()
	return model, hist, nil
}

// predictColumns is Predict on row i of column-major data.
func (t *Tree) predictColumns(cols [][]float64, i int) float64 {
	n := 0
	for t.Left[n] >= 0 {
		if t.goesLeft(n, cols[t.Feature[n]][i]) {
			n = int(t.Left[n])
		} else {
			n = int(t.Right[n])
		}
	}
	return t.Value[n]
}

// sampleFeatures marks a fraction of the features allowed, at least one.
func sampleFeatures(allowed []bool, fraction float64, rng *rand.Rand) {
	if fraction >= 1 {
		for i := range allowed {
			allowed[i] = true
		}
		return
	}
	k := max(1, int(math.Round(fraction*float64(len(allowed)))))
	clear(allowed)
	for _, j := range rng.Perm(len(allowed))[:k] {
		allowed[j] = true
	}
}

// trainMetrics resolves Params.Metrics, defaulting to the objective's own
// loss as LightGBM does.
func trainMetrics(p Params) ([]Metric, error) {
	names := p.Metrics
	if len(names) == 0 {
		names = []string{p.Objective}
	}
	out := make([]Metric, 0, len(names))
	for _, n := range names {
		m, err := MetricByName(n, p.ObjectiveParams)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}
