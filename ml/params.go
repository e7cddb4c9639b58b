package ml

import (
	"fmt"
	"runtime"
)

// Growth policies of Params.Growth.
const (
	// GrowLeafWise splits, one at a time, the leaf whose best split gains
	// most, up to NumLeaves leaves (LightGBM; XGBoost's lossguide).
	GrowLeafWise = "leafwise"
	// GrowDepthWise splits every leaf of a level before the next, down to
	// MaxDepth (XGBoost's depthwise).
	GrowDepthWise = "depthwise"
)

// Params configure Train. Names follow LightGBM's parameters; the zero
// value of a field means LightGBM's default, given in its comment.
type Params struct {
	// Objective is the loss (ObjectiveL2 ...; default l2), ObjectiveParams
	// its parameters (Alpha default 0.9, HuberDelta 1, TweedieVariancePower
	// 1.5; LightGBM reuses its alpha, default 0.9, as the Huber delta).
	Objective       string
	ObjectiveParams ObjectiveParams
	// NumRounds is the number of boosting rounds (default 100).
	NumRounds int
	// LearningRate scales every tree's output (default 0.1).
	LearningRate float64
	// Growth is GrowLeafWise (default) or GrowDepthWise.
	Growth string
	// NumLeaves caps a tree's leaves (default 31; with GrowDepthWise, 0
	// leaves the cap to MaxDepth alone). MaxDepth caps its depth (<= 0: no
	// cap for leaf-wise growth, 6 for depth-wise).
	NumLeaves int
	MaxDepth  int
	// MaxBin is the number of value bins per feature, at most 255
	// (default 255); every feature has a missing bin besides.
	MaxBin int
	// MinDataInLeaf (default 20) and MinSumHessianInLeaf (default 1e-3)
	// bound a leaf's rows and hessian sum.
	MinDataInLeaf       int
	MinSumHessianInLeaf float64
	// LambdaL1 and LambdaL2 regularize leaf outputs; MinGainToSplit is the
	// smallest gain a split must bring (all default 0).
	LambdaL1, LambdaL2, MinGainToSplit float64
	// MaxDeltaStep, when positive, caps a leaf's output before the
	// learning rate (default 0: no cap).
	MaxDeltaStep float64
	// FeatureFraction is the share of features each tree may split on
	// (default 1).
	FeatureFraction float64
	// BaggingFraction is the share of rows a tree is grown on, drawn anew
	// every BaggingFreq rounds (defaults 1 and 0: no bagging).
	BaggingFraction float64
	BaggingFreq     int
	// MonotoneConstraints holds, per feature, +1 (prediction must not
	// fall as the feature rises), -1 (must not rise) or 0; nil for none.
	// LightGBM's "basic" method.
	MonotoneConstraints []int
	// Categorical splits (LightGBM's method): a feature of at most
	// MaxCatToOneHot bins (default 4) splits one category against the
	// rest; others sort the node's categories of at least CatSmooth rows
	// by gradient ratio, smoothed by CatSmooth (default 10), and send a
	// prefix of at most MaxCatThreshold (default 32) from either end left,
	// trying a prefix each time it has grown by MinDataPerGroup rows
	// (default 100), which the right side must also keep; CatL2 (default
	// 10) is extra L2 for those splits.
	MaxCatThreshold int
	CatSmooth       float64
	CatL2           float64
	MinDataPerGroup int
	MaxCatToOneHot  int
	// EarlyStoppingRounds stops training when no validation metric has
	// improved for that many rounds (0: never); Metrics names the metrics
	// evaluated on the validation sets (default: the objective's own, see
	// MetricByName); FirstMetricOnly stops on the first metric alone.
	EarlyStoppingRounds int
	Metrics             []string
	FirstMetricOnly     bool
	// Seed seeds bagging, feature sampling and bin sampling (default 0 is
	// a valid seed). Threads is the number of goroutines (<= 0:
	// GOMAXPROCS); the model does not depend on it.
	Seed    uint64
	Threads int
}

// withDefaults returns p with LightGBM's defaults filled in, or an error
// naming the first invalid parameter.
func (p Params) withDefaults() (Params, error) {
	def := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	deff := func(v *float64, d float64) {
		if *v == 0 {
			*v = d
		}
	}
	if p.Objective == "" {
		p.Objective = ObjectiveL2
	}
	deff(&p.ObjectiveParams.Alpha, 0.9)
	deff(&p.ObjectiveParams.HuberDelta, 1)
	deff(&p.ObjectiveParams.TweedieVariancePower, 1.5)
	def(&p.NumRounds, 100)
	deff(&p.LearningRate, 0.1)
	if p.Growth == "" {
		p.Growth = GrowLeafWise
	}
	switch p.Growth {
	case GrowLeafWise:
		def(&p.NumLeaves, 31)
	case GrowDepthWise:
		if p.MaxDepth <= 0 {
			p.MaxDepth = 6
		}
	default:
		return p, fmt.Errorf("ml: Growth %q: want %q or %q", p.Growth, GrowLeafWise, GrowDepthWise)
	}
	def(&p.MaxBin, 255)
	def(&p.MinDataInLeaf, 20)
	deff(&p.MinSumHessianInLeaf, 1e-3)
	deff(&p.FeatureFraction, 1)
	deff(&p.BaggingFraction, 1)
	def(&p.MaxCatThreshold, 32)
	deff(&p.CatSmooth, 10)
	deff(&p.CatL2, 10)
	def(&p.MinDataPerGroup, 100)
	def(&p.MaxCatToOneHot, 4)
	if p.Threads <= 0 {
		p.Threads = runtime.GOMAXPROCS(0)
	}
	switch {
	case p.NumRounds < 0:
		return p, fmt.Errorf("ml: NumRounds %d < 0", p.NumRounds)
	case !(p.LearningRate > 0):
		return p, fmt.Errorf("ml: LearningRate %v: want > 0", p.LearningRate)
	case p.MaxBin < 2 || p.MaxBin > 255:
		return p, fmt.Errorf("ml: MaxBin %d: want 2..255", p.MaxBin)
	case p.NumLeaves < 0 || p.NumLeaves == 1:
		return p, fmt.Errorf("ml: NumLeaves %d: want at least 2", p.NumLeaves)
	case p.MinDataInLeaf < 0 || !(p.MinSumHessianInLeaf >= 0):
		return p, fmt.Errorf("ml: MinDataInLeaf and MinSumHessianInLeaf must not be negative or NaN")
	case !(p.LambdaL1 >= 0 && p.LambdaL2 >= 0 && p.MinGainToSplit >= 0 && p.MaxDeltaStep >= 0):
		return p, fmt.Errorf("ml: LambdaL1, LambdaL2, MinGainToSplit and MaxDeltaStep must not be negative or NaN")
	case !(p.CatSmooth >= 0 && p.CatL2 >= 0) || p.MaxCatThreshold < 0 || p.MinDataPerGroup < 0 || p.MaxCatToOneHot < 0:
		return p, fmt.Errorf("ml: MaxCatThreshold, CatSmooth, CatL2, MinDataPerGroup and MaxCatToOneHot must not be negative or NaN")
	case !(p.FeatureFraction > 0 && p.FeatureFraction <= 1):
		return p, fmt.Errorf("ml: FeatureFraction %v: want 0 < f <= 1", p.FeatureFraction)
	case !(p.BaggingFraction > 0 && p.BaggingFraction <= 1):
		return p, fmt.Errorf("ml: BaggingFraction %v: want 0 < f <= 1", p.BaggingFraction)
	case p.BaggingFreq < 0 || p.EarlyStoppingRounds < 0:
		return p, fmt.Errorf("ml: BaggingFreq and EarlyStoppingRounds must not be negative")
	}
	for j, c := range p.MonotoneConstraints {
		if c < -1 || c > 1 {
			return p, fmt.Errorf("ml: MonotoneConstraints[%d] = %d: want -1, 0 or 1", j, c)
		}
		// As LightGBM (since 3.1): these objectives replace leaf values
		// after the tree is grown (quantiles of the residuals), which
		// would undo the constraints.
		if c != 0 && (p.Objective == ObjectiveL1 || p.Objective == ObjectiveQuantile) {
			return p, fmt.Errorf("ml: MonotoneConstraints cannot be used with objective %q (its leaf values are refitted after the split search)", p.Objective)
		}
	}
	return p, nil
}
