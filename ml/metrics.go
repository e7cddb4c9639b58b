package ml

import (
	"fmt"
	"math"
	"strings"
)

// MSE returns the mean squared error Σ w(y−p)² / Σ w
// (sklearn.metrics.mean_squared_error; LightGBM's "l2"). Metric's
// documentation gives the conventions on weights, lengths and undefined
// input that every metric function here follows.
func MSE(yTrue, yPred, weights []float64) float64 {
	metricCheckLens("MSE", yTrue, yPred, weights)
	return metricMean(yTrue, yPred, weights, func(y, p float64) float64 {
		d := y - p
		return d * d
	})
}

// RMSE returns the root mean squared error, the square root of MSE
// (sklearn's mean_squared_error with squared=False; LightGBM's "rmse").
func RMSE(yTrue, yPred, weights []float64) float64 {
	return math.Sqrt(MSE(yTrue, yPred, weights))
}

// MAE returns the mean absolute error Σ w|y−p| / Σ w
// (sklearn.metrics.mean_absolute_error; LightGBM's "l1").
func MAE(yTrue, yPred, weights []float64) float64 {
	metricCheckLens("MAE", yTrue, yPred, weights)
	return metricMean(yTrue, yPred, weights, func(y, p float64) float64 {
		return math.Abs(y - p)
	})
}

// R2 returns the coefficient of determination 1 − Σ w(y−p)² / Σ w(y−ȳ)²,
// ȳ the weighted mean of yTrue (sklearn.metrics.r2_score, force_finite
// semantics): when yTrue is constant the score is 1 if the predictions
// are exact and 0 otherwise. With fewer than two rows it is NaN, as in
// scikit-learn. Unlike the other metrics, higher is better.
func R2(yTrue, yPred, weights []float64) float64 {
	metricCheckLens("R2", yTrue, yPred, weights)
	if len(yTrue) < 2 {
		return math.NaN()
	}
	var sw, swy float64
	for i, y := range yTrue {
		w := metricWeight(weights, i)
		sw += w
		swy += w * y
	}
	if sw == 0 {
		return math.NaN()
	}
	mean := swy / sw
	var num, den float64
	for i, y := range yTrue {
		w := metricWeight(weights, i)
		d := y - yPred[i]
		num += w * d * d
		c := y - mean
		den += w * c * c
	}
	switch {
	case math.IsNaN(num) || math.IsNaN(den):
		return math.NaN()
	case num == 0:
		return 1
	case den == 0:
		return 0
	}
	return 1 - num/den
}

// MAPE returns the mean absolute percentage error
// Σ w·|y−p|/max(|y|, ε) / Σ w with ε the float64 machine epsilon
// (sklearn.metrics.mean_absolute_percentage_error): a fraction, not a
// percentage, and enormous (|p|/ε) when some y is 0 and its prediction
// is not. LightGBM's "mape" metric divides by max(|y|, 1) instead; the
// two agree when every |y| >= 1.
func MAPE(yTrue, yPred, weights []float64) float64 {
	metricCheckLens("MAPE", yTrue, yPred, weights)
	const eps = 0x1p-52 // numpy.finfo(numpy.float64).eps
	return metricMean(yTrue, yPred, weights, func(y, p float64) float64 {
		return math.Abs(y-p) / math.Max(math.Abs(y), eps)
	})
}

// PinballLoss returns the mean pinball (quantile) loss at quantile alpha:
// alpha·(y−p) where y >= p and (1−alpha)·(p−y) where y < p
// (sklearn.metrics.mean_pinball_loss; LightGBM's "quantile"). At
// alpha = 0.5 it is half the MAE. alpha outside [0, 1] gives NaN.
func PinballLoss(yTrue, yPred, weights []float64, alpha float64) float64 {
	metricCheckLens("PinballLoss", yTrue, yPred, weights)
	if !(alpha >= 0 && alpha <= 1) {
		return math.NaN()
	}
	return metricMean(yTrue, yPred, weights, func(y, p float64) float64 {
		if d := y - p; d < 0 {
			return (alpha - 1) * d
		}
		return alpha * (y - p)
	})
}

// PoissonDeviance returns the mean Poisson deviance
// 2·(y·log(y/p) − y + p), with y·log(y/p) = 0 at y = 0
// (sklearn.metrics.mean_poisson_deviance). It requires y >= 0 and p > 0
// and is NaN otherwise. It is TweedieDeviance at power 1.
//
// LightGBM's "poisson" metric is the negative log-likelihood p − y·log(p)
// instead: the two differ by a factor 2 and a term that does not depend
// on the predictions, so they rank models, and stop early, alike.
func PoissonDeviance(yTrue, yPred, weights []float64) float64 {
	return TweedieDeviance(yTrue, yPred, weights, 1)
}

// TweedieDeviance returns the mean Tweedie deviance with variance power
// power (sklearn.metrics.mean_tweedie_deviance):
//
//	power < 0:       2·(max(y,0)^(2−q)/((1−q)(2−q)) − y·p^(1−q)/(1−q) + p^(2−q)/(2−q)), p > 0
//	power = 0:       (y−p)², the squared error
//	power = 1:       2·(y·log(y/p) − y + p), y >= 0, p > 0 (Poisson)
//	1 < power < 2:   2·(y^(2−q)/((1−q)(2−q)) − y·p^(1−q)/(1−q) + p^(2−q)/(2−q)), y >= 0, p > 0 (compound Poisson–gamma)
//	power = 2:       2·(log(p/y) + y/p − 1), y > 0, p > 0 (gamma)
//	power > 2:       as for 1 < power < 2, y > 0, p > 0
//
// with q = power. 0 < power < 1 is undefined. An undefined power, or a
// value outside the domain, gives NaN.
//
// LightGBM's "tweedie" metric is the negative log-likelihood
// −y·p^(1−q)/(1−q) + p^(2−q)/(2−q): half the deviance up to a term in y
// alone, so it ranks models alike.
func TweedieDeviance(yTrue, yPred, weights []float64, power float64) float64 {
	metricCheckLens("TweedieDeviance", yTrue, yPred, weights)
	q := power
	var dev func(y, p float64) float64
	switch {
	case math.IsNaN(q) || math.IsInf(q, 0) || (q > 0 && q < 1):
		return math.NaN()
	case q < 0:
		dev = func(y, p float64) float64 {
			if !(p > 0) {
				return math.NaN()
			}
			return 2 * (math.Pow(math.Max(y, 0), 2-q)/((1-q)*(2-q)) -
				y*math.Pow(p, 1-q)/(1-q) + math.Pow(p, 2-q)/(2-q))
		}
	case q == 0:
		dev = func(y, p float64) float64 {
			d := y - p
			return d * d
		}
	case q == 1:
		dev = func(y, p float64) float64 {
			if !(y >= 0 && p > 0) {
				return math.NaN()
			}
			var ylog float64 // scipy.special.xlogy(y, y/p)
			if y != 0 {
				ylog = y * math.Log(y/p)
			}
			return 2 * (ylog - y + p)
		}
	case q == 2:
		dev = func(y, p float64) float64 {
			if !(y > 0 && p > 0) {
				return math.NaN()
			}
			return 2 * (math.Log(p/y) + y/p - 1)
		}
	default:
		dev = func(y, p float64) float64 {
			if !(p > 0) || !(y > 0 || (q < 2 && y == 0)) {
				return math.NaN()
			}
			return 2 * (math.Pow(y, 2-q)/((1-q)*(2-q)) -
				y*math.Pow(p, 1-q)/(1-q) + math.Pow(p, 2-q)/(2-q))
		}
	}
	return metricMean(yTrue, yPred, weights, dev)
}

// HuberLoss returns the mean Huber loss with threshold delta: ½(y−p)²
// where |y−p| <= delta and delta·(|y−p| − ½delta) beyond (LightGBM's
// "huber" metric; scikit-learn has no such metric). delta must be
// positive; otherwise the result is NaN.
func HuberLoss(yTrue, yPred, weights []float64, delta float64) float64 {
	metricCheckLens("HuberLoss", yTrue, yPred, weights)
	if !(delta > 0) || math.IsInf(delta, 1) {
		return math.NaN()
	}
	return metricMean(yTrue, yPred, weights, func(y, p float64) float64 {
		d := math.Abs(y - p)
		if d <= delta {
			return 0.5 * d * d
		}
		return delta * (d - 0.5*delta)
	})
}

// Metric is a named evaluation metric, as early stopping uses it: Fn
// scores predictions and HigherIsBetter tells which way is better (true
// only for "r2").
//
// The metric functions of this package (MSE, RMSE, MAE, R2, MAPE,
// PinballLoss, PoissonDeviance, TweedieDeviance, HuberLoss) have the form
// f(yTrue, yPred, weights) (plus a parameter for some), follow
// scikit-learn's definition of the same name and share these conventions:
//
//   - weights == nil means every row weighs 1; otherwise the metric is
//     the weighted mean Σ wᵢ·lossᵢ / Σ wᵢ (numpy.average), the weights
//     not being checked for sign.
//   - A length mismatch between yTrue, yPred and a non-nil weights is a
//     programming error and panics, as in gonum/floats.
//   - Input for which the metric is undefined gives NaN where
//     scikit-learn raises an exception: empty input, weights summing to
//     zero, a parameter out of range, or a value outside the metric's
//     domain (for example a non-positive prediction for
//     PoissonDeviance).
//   - NaN in yTrue, yPred or weights propagates to the result (a
//     zero-weight row still counts: 0·NaN is NaN).
type Metric struct {
	// Name is the metric's canonical name (see MetricByName).
	Name string
	// Fn computes the metric; weights may be nil.
	Fn func(yTrue, yPred, weights []float64) float64
	// HigherIsBetter is true when larger values are better.
	HigherIsBetter bool
}

// Default metric parameters, used by MetricByName for a zero
// ObjectiveParams field: Params' defaults.
const (
	metricDefaultAlpha        = 0.9 // LightGBM alpha (quantile)
	metricDefaultHuberDelta   = 1.0 // as Params.ObjectiveParams.HuberDelta
	metricDefaultTweediePower = 1.5 // LightGBM tweedie_variance_power
)

// MetricByName returns the metric called name, spelled as LightGBM's
// metric parameter spells it (case and surrounding spaces ignored).
// Canonical names, then aliases:
//
//	"l2"       MSE             mse, mean_squared_error, regression_l2, regression
//	"rmse"     RMSE            root_mean_squared_error, l2_root
//	"l1"       MAE             mae, mean_absolute_error, regression_l1
//	"r2"       R2              r2_score (not a LightGBM metric; higher is better)
//	"mape"     MAPE            mean_absolute_percentage_error
//	"quantile" PinballLoss     pinball (Alpha)
//	"poisson"  PoissonDeviance mean_poisson_deviance
//	"tweedie"  TweedieDeviance mean_tweedie_deviance (TweedieVariancePower)
//	"huber"    HuberLoss       (HuberDelta)
//
// The returned Metric's Name is the canonical name. The optional params
// (at most one) supply the parameters named in parentheses; a zero or
// absent field takes the default Params gives it: Alpha 0.9, HuberDelta
// 1, TweedieVariancePower 1.5 (Tweedie power 0 being the squared error,
// ask for "l2" instead). An unknown name or a parameter out of range (Alpha outside
// (0, 1), HuberDelta <= 0, TweedieVariancePower in (0, 1)) is an error.
//
// Where LightGBM's metric differs from the scikit-learn definition used
// here ("mape", "poisson", "tweedie"), the function's documentation says
// how.
func MetricByName(name string, params ...ObjectiveParams) (Metric, error) {
	if len(params) > 1 {
		return Metric{}, fmt.Errorf("ml: metric %q: %d ObjectiveParams given, want at most 1", name, len(params))
	}
	var op ObjectiveParams
	if len(params) == 1 {
		op = params[0]
	}
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "l2", "mse", "mean_squared_error", "regression_l2", "regression":
		return Metric{Name: "l2", Fn: MSE}, nil
	case "rmse", "root_mean_squared_error", "l2_root":
		return Metric{Name: "rmse", Fn: RMSE}, nil
	case "l1", "mae", "mean_absolute_error", "regression_l1":
		return Metric{Name: "l1", Fn: MAE}, nil
	case "r2", "r2_score":
		return Metric{Name: "r2", Fn: R2, HigherIsBetter: true}, nil
	case "mape", "mean_absolute_percentage_error":
		return Metric{Name: "mape", Fn: MAPE}, nil
	case "quantile", "pinball":
		alpha := op.Alpha
		if alpha == 0 {
			alpha = metricDefaultAlpha
		}
		if !(alpha > 0 && alpha < 1) {
			return Metric{}, fmt.Errorf("ml: metric %q: alpha %v is not in (0, 1)", name, alpha)
		}
		return Metric{Name: "quantile", Fn: func(y, p, w []float64) float64 {
			return PinballLoss(y, p, w, alpha)
		}}, nil
	case "poisson", "mean_poisson_deviance":
		return Metric{Name: "poisson", Fn: PoissonDeviance}, nil
	case "tweedie", "mean_tweedie_deviance":
		power := op.TweedieVariancePower
		if power == 0 {
			power = metricDefaultTweediePower
		}
		if math.IsNaN(power) || math.IsInf(power, 0) || (power > 0 && power < 1) {
			return Metric{}, fmt.Errorf("ml: metric %q: Tweedie variance power %v is undefined (want <= 0 or >= 1)", name, power)
		}
		return Metric{Name: "tweedie", Fn: func(y, p, w []float64) float64 {
			return TweedieDeviance(y, p, w, power)
		}}, nil
	case "huber":
		delta := op.HuberDelta
		if delta == 0 {
			delta = metricDefaultHuberDelta
		}
		if !(delta > 0) || math.IsInf(delta, 1) {
			return Metric{}, fmt.Errorf("ml: metric %q: Huber delta %v is not positive and finite", name, delta)
		}
		return Metric{Name: "huber", Fn: func(y, p, w []float64) float64 {
			return HuberLoss(y, p, w, delta)
		}}, nil
	}
	return Metric{}, fmt.Errorf("ml: unknown metric %q (want l2, rmse, l1, r2, mape, quantile, poisson, tweedie or huber)", name)
}

// metricCheckLens panics when the lengths of yTrue, yPred and a non-nil
// weights differ.
func metricCheckLens(fn string, yTrue, yPred, weights []float64) {
	if len(yTrue) != len(yPred) {
		panic(fmt.Sprintf("ml.%s: len(yTrue) = %d != len(yPred) = %d", fn, len(yTrue), len(yPred)))
	}
	if weights != nil && len(weights) != len(yTrue) {
		panic(fmt.Sprintf("ml.%s: len(weights) = %d != len(yTrue) = %d", fn, len(weights), len(yTrue)))
	}
}

// metricWeight is row i's weight, 1 when weights is nil.
func metricWeight(weights []float64, i int) float64 {
	if weights == nil {
		return 1
	}
	return weights[i]
}

// metricMean returns the weighted mean of loss over the rows, NaN for no
// rows or a zero weight sum.
func metricMean(yTrue, yPred, weights []float64, loss func(y, p float64) float64) float64 {
	if len(yTrue) == 0 {
		return math.NaN()
	}
	var s, sw float64
	if weights == nil {
		for i, y := range yTrue {
			s += loss(y, yPred[i])
		}
		sw = float64(len(yTrue))
	} else {
		for i, y := range yTrue {
			s += weights[i] * loss(y, yPred[i])
			sw += weights[i]
		}
	}
	if sw == 0 {
		return math.NaN()
	}
	return s / sw
}
