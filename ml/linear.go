package ml

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Linear is a fitted linear model, y ≈ Intercept + Σ Coef[j]·x[j]: the
// baseline FitOLS and FitRidge produce. It reads no missing values: a NaN
// feature gives a NaN prediction.
type Linear struct {
	// Coef holds one coefficient per feature, in column order.
	Coef []float64 `json:"coef"`
	// Intercept is the constant term (0 when fitted with NoIntercept).
	Intercept float64 `json:"intercept"`
	// FeatureNames names the features, from LinearOptions.FeatureNames
	// (nil when none were given).
	FeatureNames []string `json:"feature_names,omitempty"`
	// Rank is the effective rank of the (centered, weighted) design
	// matrix FitOLS solved, scikit-learn's LinearRegression.rank_: less
	// than len(Coef) when columns are collinear (or there are fewer rows
	// than features), in which case Coef is the minimum-norm solution.
	// FitRidge, whose system is always of full rank, leaves it 0.
	Rank int `json:"rank,omitempty"`
}

// LinearOptions are the options of FitOLS and FitRidge. The zero value
// fits an intercept, unweighted.
type LinearOptions struct {
	// NoIntercept fits no intercept (scikit-learn's fit_intercept=False):
	// the model goes through the origin. By default the intercept is
	// fitted, unpenalized, by centering x and y on their (weighted) means.
	NoIntercept bool
	// SampleWeights, when non-nil, holds one non-negative weight per row
	// (scikit-learn's sample_weight): the fit minimizes Σ wᵢ·residualᵢ².
	SampleWeights []float64
	// FeatureNames, when non-nil, names the columns of x (one name per
	// column) and is copied to Linear.FeatureNames.
	FeatureNames []string
}

// FitOLS fits ordinary least squares, minimizing Σ wᵢ(yᵢ − b − xᵢ·β)²
// like scikit-learn's LinearRegression: x is centered (and the intercept
// recovered from the means) unless opts.NoIntercept, rows are scaled by
// √wᵢ, and the least-squares problem is solved by a QR factorization
// (gonum mat.QR).
//
// Rank deficiency is not an error. When the design is singular or so
// ill-conditioned that its QR condition number estimate exceeds
// 10⁻³/(ε·max(n, p)) — collinear or constant columns, or fewer rows
// than features — FitOLS falls back to the SVD and returns the
// minimum-norm least-squares solution, singular values below
// ε·max(n, p)·σmax counting as zero (numpy.linalg.lstsq's cutoff), and
// reports the effective rank in Linear.Rank. That is the solution
// scikit-learn returns too: for example, a column duplicated gets half
// the coefficient each copy, and a constant column gets 0 when an
// intercept is fitted.
//
// Linear models cannot take missing values: a NaN or infinite value in x
// or y is an error naming its row (and column); impute or drop such rows
// first. It is also an error for x to have no rows or no columns, for y
// or opts.SampleWeights to have a length other than x's row count, for a
// weight to be negative or not finite, for the weights to sum to zero,
// or for opts.FeatureNames to have a length other than x's column count.
func FitOLS(x mat.Matrix, y []float64, opts LinearOptions) (*Linear, error) {
	d, err := newLinearDesign("FitOLS", x, y, opts)
	if err != nil {
		return nil, err
	}
	n, p := d.a.Dims()
	coef := make([]float64, p)
	rank := p
	tol := 0x1p-52 * float64(max(n, p))
	solved := false
	if n >= p {
		var qr mat.QR
		qr.Factorize(d.a)
		if qr.Cond()*tol < 1e-3 {
			var beta mat.VecDense
			if err := qr.SolveVecTo(&beta, false, d.b); err == nil {
				copy(coef, beta.RawVector().Data)
				solved = true
			}
		}
	}
	if !solved {
		var svd mat.SVD
		if !svd.Factorize(d.a, mat.SVDThin) {
			return nil, errors.New("ml: FitOLS: the SVD did not converge")
		}
		rank = svd.Rank(tol)
		if rank > 0 {
			svd.SolveVecTo(mat.NewVecDense(p, coef), d.b, rank)
		}
	}
	return d.model(coef, rank), nil
}

// FitRidge fits ridge regression, minimizing
// Σ wᵢ(yᵢ − b − xᵢ·β)² + alpha·‖β‖² like scikit-learn's Ridge (solver
// "cholesky"): the intercept b is not penalized (x and y are centered on
// their weighted means unless opts.NoIntercept), rows are scaled by √wᵢ,
// and the normal equations (XᵀX + alpha·I)β = Xᵀy are solved by a
// Cholesky factorization (gonum mat.Cholesky).
//
// alpha must be finite and >= 0. At alpha = 0 FitRidge is ordinary least
// squares (less accurate than FitOLS, as it squares the condition
// number) and fails with an error when XᵀX is singular or numerically so;
// use FitOLS or a positive alpha then. Errors on the data are those of
// FitOLS.
func FitRidge(x mat.Matrix, y []float64, alpha float64, opts LinearOptions) (*Linear, error) {
	if !(alpha >= 0) || math.IsInf(alpha, 1) {
		return nil, fmt.Errorf("ml: FitRidge: alpha = %v, want finite and >= 0", alpha)
	}
	d, err := newLinearDesign("FitRidge", x, y, opts)
	if err != nil {
		return nil, err
	}
	_, p := d.a.Dims()
	g := mat.NewSymDense(p, nil)
	g.SymOuterK(1, d.a.T())
	for j := range p {
		g.SetSym(j, j, g.At(j, j)+alpha)
	}
	var rhs mat.VecDense
	rhs.MulVec(d.a.T(), d.b)
	var chol mat.Cholesky
	if !chol.Factorize(g) {
		return nil, fmt.Errorf("ml: FitRidge: XᵀX + alpha·I is not positive definite (alpha = %v with collinear or constant columns?); use FitOLS or a positive alpha", alpha)
	}
	coef := make([]float64, p)
	if err := chol.SolveVecTo(mat.NewVecDense(p, coef), &rhs); err != nil {
		return nil, fmt.Errorf("ml: FitRidge: XᵀX + alpha·I is singular to working precision (alpha = %v): %v; use FitOLS or a positive alpha", alpha, err)
	}
	return d.model(coef, 0), nil
}

// Predict returns the prediction for row x, one value per feature:
// Intercept + Σ Coef[j]·x[j]. A NaN in x gives NaN. It allocates nothing
// and panics when len(x) != len(Coef).
func (l *Linear) Predict(x []float64) float64 {
	if len(x) != len(l.Coef) {
		panic(fmt.Sprintf("ml: Linear.Predict: len(x) = %d, the model has %d features", len(x), len(l.Coef)))
	}
	s := l.Intercept
	for j, c := range l.Coef {
		s += c * x[j]
	}
	return s
}

// PredictBatch returns the predictions for every row of x (rows by
// features), in row order. Rows holding NaN predict NaN. It panics when x
// has a number of columns other than len(Coef).
func (l *Linear) PredictBatch(x mat.Matrix) []float64 {
	rows, cols := x.Dims()
	if cols != len(l.Coef) {
		panic(fmt.Sprintf("ml: Linear.PredictBatch: x has %d columns, the model has %d features", cols, len(l.Coef)))
	}
	out := make([]float64, rows)
	if raw, ok := x.(mat.RawMatrixer); ok {
		rm := raw.RawMatrix()
		for r := range rows {
			out[r] = l.Predict(rm.Data[r*rm.Stride : r*rm.Stride+cols])
		}
		return out
	}
	for r := range rows {
		s := l.Intercept
		for j, c := range l.Coef {
			s += c * x.At(r, j)
		}
		out[r] = s
	}
	return out
}

// linearDesign is a least-squares problem ready to solve: a = √w·(x − x̄)
// and b = √w·(y − ȳ), the means being zero without an intercept.
type linearDesign struct {
	a         *mat.Dense
	b         *mat.VecDense
	xMean     []float64
	yMean     float64
	names     []string
	intercept bool
}

// newLinearDesign checks the inputs of fn and builds its design.
func newLinearDesign(fn string, x mat.Matrix, y []float64, opts LinearOptions) (*linearDesign, error) {
	n, p := x.Dims()
	if n == 0 || p == 0 {
		return nil, fmt.Errorf("ml: %s: x is %d×%d, want at least one row and one column", fn, n, p)
	}
	if len(y) != n {
		return nil, fmt.Errorf("ml: %s: len(y) = %d, x has %d rows", fn, len(y), n)
	}
	if opts.FeatureNames != nil && len(opts.FeatureNames) != p {
		return nil, fmt.Errorf("ml: %s: %d feature names, x has %d columns", fn, len(opts.FeatureNames), p)
	}
	w := opts.SampleWeights
	if w != nil && len(w) != n {
		return nil, fmt.Errorf("ml: %s: %d sample weights, x has %d rows", fn, len(w), n)
	}
	a := mat.DenseCopyOf(x)
	for i := range n {
		for j, v := range a.RawRowView(i) {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("ml: %s: x[%d][%d] = %v: linear models cannot take missing or infinite values; impute or drop the row", fn, i, j, v)
			}
		}
		if v := y[i]; math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("ml: %s: y[%d] = %v: the target must be finite", fn, i, v)
		}
	}
	var sw float64
	for i, v := range w {
		if !(v >= 0) || math.IsInf(v, 1) {
			return nil, fmt.Errorf("ml: %s: sample weight %d = %v, want finite and >= 0", fn, i, v)
		}
		sw += v
	}
	if w != nil && sw == 0 {
		return nil, fmt.Errorf("ml: %s: the sample weights sum to zero", fn)
	}
	if w == nil {
		sw = float64(n)
	}
	d := &linearDesign{a: a, xMean: make([]float64, p), intercept: !opts.NoIntercept}
	if opts.FeatureNames != nil {
		d.names = append([]string(nil), opts.FeatureNames...)
	}
	b := append([]float64(nil), y...)
	if d.intercept {
		for i := range n {
			wi := metricWeight(w, i)
			for j, v := range a.RawRowView(i) {
				d.xMean[j] += wi * v
			}
			d.yMean += wi * b[i]
		}
		for j := range d.xMean {
			d.xMean[j] /= sw
		}
		d.yMean /= sw
		for i := range n {
			row := a.RawRowView(i)
			for j := range row {
				row[j] -= d.xMean[j]
			}
			b[i] -= d.yMean
		}
	}
	if w != nil {
		for i := range n {
			s := math.Sqrt(w[i])
			row := a.RawRowView(i)
			for j := range row {
				row[j] *= s
			}
			b[i] *= s
		}
	}
	d.b = mat.NewVecDense(n, b)
	return d, nil
}

// model returns the Linear with coefficients coef on the original scale.
func (d *linearDesign) model(coef []float64, rank int) *Linear {
	l := &Linear{Coef: coef, FeatureNames: d.names, Rank: rank}
	if d.intercept {
		l.Intercept = d.yMean
		for j, c := range coef {
			l.Intercept -= c * d.xMean[j]
		}
	}
	return l
}
