package ml

import (
	"fmt"
	"math"
	"runtime"
	"sync"

	"gonum.org/v1/gonum/mat"
)

// Objective names, as the trainer's Params.Objective and the model's
// Objective spell them (LightGBM's names; XGBoost's equivalents in
// parentheses).
const (
	ObjectiveL2       = "l2"       // squared error (reg:squarederror)
	ObjectiveL1       = "l1"       // absolute error (reg:absoluteerror)
	ObjectiveHuber    = "huber"    // Huber loss with Params.HuberDelta (reg:pseudohubererror is smooth, not the same)
	ObjectiveQuantile = "quantile" // pinball loss at Params.Alpha (reg:quantileerror)
	ObjectivePoisson  = "poisson"  // Poisson deviance, log link (count:poisson)
	ObjectiveTweedie  = "tweedie"  // Tweedie deviance with Params.TweedieVariancePower, log link (reg:tweedie)
)

// Model is a trained gradient-boosted ensemble: a base score plus the sum
// of its trees' outputs gives the raw score, which the objective's link
// maps to a prediction (identity, or exp for poisson and tweedie).
// Prediction does not modify a Model and is safe for concurrent use; see
// Compile for the fast layout models predict with.
type Model struct {
	// FeatureNames names the features, in column order.
	FeatureNames []string
	// CategoricalFeatures lists the features split as categories.
	CategoricalFeatures []int
	// Objective is the training objective (ObjectiveL2 ...), which fixes
	// the link; ObjectiveParams holds its parameters.
	Objective       string
	ObjectiveParams ObjectiveParams
	// BaseScore is the raw score before any tree (the objective's initial
	// score: mean, median, quantile or log-mean of the targets).
	BaseScore float64
	// Trees are the boosting rounds' trees, in order.
	Trees []Tree
	// BestIteration, when positive, is the number of leading trees
	// prediction uses (the best round found by early stopping); zero means
	// all trees.
	BestIteration int

	// pred is the trees compiled for prediction (see Compile).
	pred *predictor
}

// ObjectiveParams are the parameters of the objectives that have some.
type ObjectiveParams struct {
	// Alpha is the quantile of ObjectiveQuantile (0 < Alpha < 1).
	Alpha float64 `json:"alpha,omitempty"`
	// HuberDelta is where ObjectiveHuber turns from quadratic to linear.
	HuberDelta float64 `json:"huber_delta,omitempty"`
	// TweedieVariancePower is ObjectiveTweedie's p (1 <= p < 2).
	TweedieVariancePower float64 `json:"tweedie_variance_power,omitempty"`
}

// NumFeatures returns the number of features the model reads.
func (m *Model) NumFeatures() int { return len(m.FeatureNames) }

// logLink reports whether the objective predicts exp(raw score).
func logLink(objective string) bool {
	return objective == ObjectivePoisson || objective == ObjectiveTweedie
}

// numTrees is the number of trees prediction uses.
func (m *Model) numTrees() int {
	if m.BestIteration > 0 && m.BestIteration < len(m.Trees) {
		return m.BestIteration
	}
	return len(m.Trees)
}

// PredictRaw returns row x's raw score: BaseScore plus every tree's
// output. x holds one value per feature, NaN for missing. It allocates
// nothing.
func (m *Model) PredictRaw(x []float64) float64 {
	if p := m.pred; p != nil && len(p.roots) == len(m.Trees) {
		return m.BaseScore + p.raw(x, m.numTrees())
	}
	s := m.BaseScore
	for i := range m.numTrees() {
		s += m.Trees[i].Predict(x)
	}
	return s
}

// Predict returns row x's prediction: the raw score through the
// objective's link. It allocates nothing.
func (m *Model) Predict(x []float64) float64 {
	s := m.PredictRaw(x)
	if logLink(m.Objective) {
		return math.Exp(s)
	}
	return s
}

// PredictBatch predicts every row of x (rows by features) on up to
// threads goroutines (<= 0 means GOMAXPROCS) and returns the predictions
// in row order.
func (m *Model) PredictBatch(x mat.Matrix, threads int) ([]float64, error) {
	rows, cols := x.Dims()
	if cols != m.NumFeatures() {
		return nil, fmt.Errorf("ml: predict: %d columns, the model reads %d features", cols, m.NumFeatures())
	}
	out := make([]float64, rows)
	eachRow(x, threads, func() func(int, []float64) {
		return func(r int, row []float64) { out[r] = m.Predict(row) }
	})
	return out, nil
}

// eachRow calls a work function for every row r of x, with row holding
// its values, on up to threads goroutines (<= 0 means GOMAXPROCS), each
// taking a contiguous range of rows. newWorker is called once per
// goroutine, so that each keeps its own buffers.
func eachRow(x mat.Matrix, threads int, newWorker func() func(r int, row []float64)) {
	rows, cols := x.Dims()
	if threads <= 0 {
		threads = runtime.GOMAXPROCS(0)
	}
	raw, isRaw := x.(mat.RawMatrixer)
	chunk := max((rows+threads-1)/threads, 1)
	var wg sync.WaitGroup
	for lo := 0; lo < rows; lo += chunk {
		hi := min(lo+chunk, rows)
		wg.Go(func() {
			work := newWorker()
			row := make([]float64, cols)
			for r := lo; r < hi; r++ {
				if isRaw {
					rm := raw.RawMatrix()
					copy(row, rm.Data[r*rm.Stride:r*rm.Stride+cols])
				} else {
					for c := range cols {
						row[c] = x.At(r, c)
					}
				}
				work(r, row)
			}
		})
	}
	wg.Wait()
}
