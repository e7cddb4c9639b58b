package ml

import (
	"math"
	"strings"
	"testing"
)

// The expected values below were computed once by scikit-learn (Debian
// python3-sklearn 1.2.1, numpy 1.24.2) with this snippet, run by the
// system interpreter (/usr/bin/python3), and are committed as numbers:
//
//	import numpy as np
//	from sklearn import metrics as M
//
//	y = np.array([3.0, -0.5, 2.0, 7.0, 4.2, 0.0, 1.5, 10.0])   # metricY
//	p = np.array([2.5, 0.0, 2.1, 7.8, 3.9, 0.3, 1.5, 8.0])     # metricP
//	w = np.array([1.0, 2.0, 0.5, 1.5, 3.0, 1.0, 0.25, 2.0])    # metricW
//	cy = np.array([0.0, 1.0, 2.0, 3.0, 0.0, 5.0, 8.0, 1.0])    # countY
//	cp = np.array([0.5, 1.2, 1.8, 2.5, 0.1, 4.0, 9.5, 1.0])    # countP
//	py = np.array([0.5, 1.0, 2.0, 3.0, 0.2, 5.0, 8.0, 1.0])    # posY
//
//	def huber(yt, yp, delta, sw=None):  # LightGBM's huber metric; sklearn has none
//	    d = np.abs(yt - yp)
//	    return np.average(np.where(d <= delta, 0.5 * d * d, delta * (d - 0.5 * delta)), weights=sw)
//
//	for sw, tag in ((None, "nil"), (w, "metricW")):
//	    print("//", tag)
//	    print("mse", repr(M.mean_squared_error(y, p, sample_weight=sw)))
//	    print("rmse", repr(M.mean_squared_error(y, p, sample_weight=sw, squared=False)))
//	    print("mae", repr(M.mean_absolute_error(y, p, sample_weight=sw)))
//	    print("r2", repr(M.r2_score(y, p, sample_weight=sw)))
//	    print("mape", repr(M.mean_absolute_percentage_error(y, p, sample_weight=sw)))
//	    print("mape_pos", repr(M.mean_absolute_percentage_error(py, cp, sample_weight=sw)))
//	    for a in (0.1, 0.5, 0.9):
//	        print("pinball", a, repr(M.mean_pinball_loss(y, p, alpha=a, sample_weight=sw)))
//	    print("poisson", repr(M.mean_poisson_deviance(cy, cp, sample_weight=sw)))
//	    for pw in (-1.0, 0.0, 1.0, 1.2, 1.5, 1.9):
//	        print("tweedie count", pw, repr(M.mean_tweedie_deviance(cy, cp, power=pw, sample_weight=sw)))
//	    for pw in (2.0, 2.5, 3.0):
//	        print("tweedie pos", pw, repr(M.mean_tweedie_deviance(py, cp, power=pw, sample_weight=sw)))
//	    for d in (0.5, 1.0, 2.0):
//	        print("huber", d, repr(huber(y, p, d, sw)))
//	print("r2 const exact", M.r2_score([2.0, 2.0, 2.0], [2.0, 2.0, 2.0]))
//	print("r2 const off", M.r2_score([2.0, 2.0, 2.0], [2.0, 2.0, 2.1]))
//	print("r2 perfect", M.r2_score([1.0, 2.0, 3.0], [1.0, 2.0, 3.0]))
//	print("r2 reversed", M.r2_score([1.0, 2.0, 3.0], [3.0, 2.0, 1.0]))
var (
	metricY = []float64{3.0, -0.5, 2.0, 7.0, 4.2, 0.0, 1.5, 10.0}
	metricP = []float64{2.5, 0.0, 2.1, 7.8, 3.9, 0.3, 1.5, 8.0}
	metricW = []float64{1.0, 2.0, 0.5, 1.5, 3.0, 1.0, 0.25, 2.0}
	countY  = []float64{0.0, 1.0, 2.0, 3.0, 0.0, 5.0, 8.0, 1.0}
	countP  = []float64{0.5, 1.2, 1.8, 2.5, 0.1, 4.0, 9.5, 1.0}
	posY    = []float64{0.5, 1.0, 2.0, 3.0, 0.2, 5.0, 8.0, 1.0}
)

// metricClose reports whether got is want within relative tolerance tol
// (absolute near zero); NaN matches NaN.
func metricClose(got, want, tol float64) bool {
	if math.IsNaN(want) {
		return math.IsNaN(got)
	}
	return math.Abs(got-want) <= tol*math.Max(1, math.Abs(want))
}

func TestMetricsMatchSklearn(t *testing.T) {
	const tol = 1e-9
	type fn = func(y, p, w []float64) float64
	pinball := func(a float64) fn {
		return func(y, p, w []float64) float64 { return PinballLoss(y, p, w, a) }
	}
	tweedie := func(q float64) fn {
		return func(y, p, w []float64) float64 { return TweedieDeviance(y, p, w, q) }
	}
	huber := func(d float64) fn {
		return func(y, p, w []float64) float64 { return HuberLoss(y, p, w, d) }
	}
	tests := []struct {
		name     string
		f        fn
		y, p     []float64
		unw, wtd float64 // sklearn's value unweighted and with metricW
	}{
		{"MSE", MSE, metricY, metricP, 0.6662499999999999, 0.8955555555555557},
		{"RMSE", RMSE, metricY, metricP, 0.8162413858657254, 0.9463379711052261},
		{"MAE", MAE, metricY, metricP, 0.5625, 0.7066666666666668},
		{"R2", R2, metricY, metricP, 0.9405532009814856, 0.9312235570030992},
		// metricY holds a 0 predicted 0.3: that row's term is 0.3/ε.
		{"MAPE/zero y", MAPE, metricY, metricP, 168884986026393.78, 120095990063213.48},
		{"MAPE", MAPE, posY, countP, 0.16927083333333331, 0.2175},
		{"Pinball/0.1", pinball(0.1), metricY, metricP, 0.22625, 0.25200000000000006},
		{"Pinball/0.5", pinball(0.5), metricY, metricP, 0.28125, 0.3533333333333334},
		{"Pinball/0.9", pinball(0.9), metricY, metricP, 0.33625, 0.4546666666666668},
		{"Poisson", PoissonDeviance, countY, countP, 0.2290699615153339, 0.18812118228630093},
		{"Tweedie/-1", tweedie(-1), countY, countP, 3.181749999999999, 0.9430370370370365},
		{"Tweedie/0", tweedie(0), countY, countP, 0.48, 0.206},
		{"Tweedie/1", tweedie(1), countY, countP, 0.2290699615153339, 0.18812118228630093},
		{"Tweedie/1.2", tweedie(1.2), countY, countP, 0.28712218197209116, 0.26951177869494947},
		{"Tweedie/1.5", tweedie(1.5), countY, countP, 0.5493697921373648, 0.614783511138753},
		{"Tweedie/1.9", tweedie(1.9), countY, countP, 4.34088073280495, 5.912815079586124},
		{"Tweedie/2", tweedie(2), posY, countP, 0.09668717924925418, 0.1798411608564229},
		{"Tweedie/2.5", tweedie(2.5), posY, countP, 0.23016520711236466, 0.47674746014198055},
		{"Tweedie/3", tweedie(3), posY, countP, 0.6328625367634491, 1.3415040943272203},
		{"Huber/0.5", huber(0.5), metricY, metricP, 0.186875, 0.24177777777777776},
		{"Huber/1", huber(1), metricY, metricP, 0.270625, 0.35888888888888887},
		{"Huber/2", huber(2), metricY, metricP, 0.33312499999999995, 0.44777777777777783},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.f(tc.y, tc.p, nil); !metricClose(got, tc.unw, tol) {
				t.Errorf("unweighted = %.17g, sklearn %.17g", got, tc.unw)
			}
			if got := tc.f(tc.y, tc.p, metricW); !metricClose(got, tc.wtd, tol) {
				t.Errorf("weighted = %.17g, sklearn %.17g", got, tc.wtd)
			}
			// Unit weights are no weights.
			ones := make([]float64, len(tc.y))
			for i := range ones {
				ones[i] = 1
			}
			if got := tc.f(tc.y, tc.p, ones); !metricClose(got, tc.unw, tol) {
				t.Errorf("unit weights = %.17g, sklearn %.17g", got, tc.unw)
			}
		})
	}
}

func TestMetricEdgeCases(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		name string
		got  float64
		want float64
	}{
		// R2, sklearn's force_finite semantics.
		{"R2/constant y exact", R2([]float64{2, 2, 2}, []float64{2, 2, 2}, nil), 1},
		{"R2/constant y off", R2([]float64{2, 2, 2}, []float64{2, 2, 2.1}, nil), 0},
		{"R2/constant y weighted", R2([]float64{2, 2, 2}, []float64{2, 2, 2.1}, []float64{1, 2, 3}), 0},
		{"R2/perfect", R2([]float64{1, 2, 3}, []float64{1, 2, 3}, nil), 1},
		{"R2/reversed", R2([]float64{1, 2, 3}, []float64{3, 2, 1}, nil), -3},
		{"R2/one row", R2([]float64{1}, []float64{1}, nil), nan},
		{"R2/empty", R2(nil, nil, nil), nan},
		{"R2/zero weights", R2([]float64{1, 2}, []float64{1, 2}, []float64{0, 0}), nan},
		{"R2/NaN", R2([]float64{1, nan, 3}, []float64{1, 2, 3}, nil), nan},
		// Empty input, zero weight sums, NaN.
		{"MSE/empty", MSE(nil, nil, nil), nan},
		{"RMSE/empty", RMSE([]float64{}, []float64{}, nil), nan},
		{"MAE/zero weights", MAE([]float64{1, 2}, []float64{0, 0}, []float64{0, 0}), nan},
		{"MAE/NaN prediction", MAE([]float64{1, 2}, []float64{nan, 0}, nil), nan},
		{"MAE/zero-weight row counts", MAE([]float64{1, 2}, []float64{1, 2}, []float64{1, 0}), 0},
		// MAPE: exact zero predicted zero contributes nothing.
		{"MAPE/zero predicted zero", MAPE([]float64{0, 2}, []float64{0, 1}, nil), 0.25},
		{"MAPE/zero predicted nonzero", MAPE([]float64{0}, []float64{1}, nil), 1 / 0x1p-52},
		{"MAPE/negative y", MAPE([]float64{-4}, []float64{-3}, nil), 0.25},
		// Pinball: alpha 0.5 is half the MAE; alpha out of [0, 1] is NaN.
		{"Pinball/0.5 is MAE/2", PinballLoss(metricY, metricP, metricW, 0.5), MAE(metricY, metricP, metricW) / 2},
		{"Pinball/alpha 0", PinballLoss([]float64{1, 3}, []float64{2, 2}, nil, 0), 0.5},
		{"Pinball/alpha 1", PinballLoss([]float64{1, 3}, []float64{2, 2}, nil, 1), 0.5},
		{"Pinball/alpha > 1", PinballLoss([]float64{1}, []float64{1}, nil, 1.5), nan},
		{"Pinball/alpha < 0", PinballLoss([]float64{1}, []float64{1}, nil, -0.1), nan},
		// Poisson and Tweedie domains.
		{"Poisson/negative y", PoissonDeviance([]float64{-1, 1}, []float64{1, 1}, nil), nan},
		{"Poisson/zero prediction", PoissonDeviance([]float64{1, 1}, []float64{0, 1}, nil), nan},
		{"Poisson/exact", PoissonDeviance([]float64{0, 3}, []float64{3, 3}, nil), 3},
		{"Tweedie/power in (0,1)", TweedieDeviance([]float64{1}, []float64{1}, nil, 0.5), nan},
		{"Tweedie/NaN power", TweedieDeviance([]float64{1}, []float64{1}, nil, nan), nan},
		{"Tweedie/0 is MSE", TweedieDeviance(metricY, metricP, metricW, 0), MSE(metricY, metricP, metricW)},
		{"Tweedie/-1 negative y ok", TweedieDeviance([]float64{-1}, []float64{1}, nil, -1), 2 * (0 - (-1)*1.0/2 + 1.0/3)},
		{"Tweedie/-1 zero prediction", TweedieDeviance([]float64{1}, []float64{0}, nil, -1), nan},
		{"Tweedie/1.5 zero y ok", TweedieDeviance([]float64{0}, []float64{4}, nil, 1.5), 8},
		{"Tweedie/1.5 negative y", TweedieDeviance([]float64{-1}, []float64{1}, nil, 1.5), nan},
		{"Tweedie/2 zero y", TweedieDeviance([]float64{0}, []float64{1}, nil, 2), nan},
		{"Tweedie/3 zero y", TweedieDeviance([]float64{0}, []float64{1}, nil, 3), nan},
		{"Tweedie/3 exact", TweedieDeviance([]float64{1, 2}, []float64{1, 2}, nil, 3), 0},
		// Huber: quadratic, then linear; delta must be positive.
		{"Huber/quadratic", HuberLoss([]float64{1}, []float64{1.5}, nil, 1), 0.125},
		{"Huber/linear", HuberLoss([]float64{1}, []float64{4}, nil, 1), 2.5},
		{"Huber/zero delta", HuberLoss([]float64{1}, []float64{4}, nil, 0), nan},
		{"Huber/negative delta", HuberLoss([]float64{1}, []float64{4}, nil, -1), nan},
	}
	for _, tc := range tests {
		if !metricClose(tc.got, tc.want, 1e-12) {
			t.Errorf("%s = %.17g, want %.17g", tc.name, tc.got, tc.want)
		}
	}
}

func TestMetricLengthMismatchPanics(t *testing.T) {
	fns := map[string]func(){
		"MSE y/p":         func() { MSE([]float64{1, 2}, []float64{1}, nil) },
		"RMSE weights":    func() { RMSE([]float64{1, 2}, []float64{1, 2}, []float64{1}) },
		"MAE empty w":     func() { MAE([]float64{1}, []float64{1}, []float64{}) },
		"R2 y/p":          func() { R2([]float64{1, 2, 3}, []float64{1, 2}, nil) },
		"MAPE weights":    func() { MAPE([]float64{1}, []float64{1}, []float64{1, 2}) },
		"Pinball y/p":     func() { PinballLoss(nil, []float64{1}, nil, 0.5) },
		"Poisson weights": func() { PoissonDeviance([]float64{1}, []float64{1}, []float64{1, 1}) },
		"Tweedie y/p":     func() { TweedieDeviance([]float64{1}, nil, nil, 1.5) },
		"Huber y/p":       func() { HuberLoss([]float64{1}, []float64{1, 2}, nil, 1) },
	}
	for name, f := range fns {
		func() {
			defer func() {
				r := recover()
				if r == nil {
					t.Errorf("%s: no panic", name)
				} else if s, _ := r.(string); !strings.HasPrefix(s, "ml.") {
					t.Errorf("%s: panic %v, want an ml. message", name, r)
				}
			}()
			f()
		}()
	}
}

func TestMetricByName(t *testing.T) {
	params := ObjectiveParams{Alpha: 0.1, HuberDelta: 2, TweedieVariancePower: 1.2}
	tests := []struct {
		names  []string
		params []ObjectiveParams
		want   string
		higher bool
		value  float64 // on countY, countP, metricW
	}{
		{[]string{"l2", "mse", "mean_squared_error", "regression_l2", "regression", " L2 "}, nil, "l2", false, MSE(countY, countP, metricW)},
		{[]string{"rmse", "root_mean_squared_error", "l2_root", "RMSE"}, nil, "rmse", false, RMSE(countY, countP, metricW)},
		{[]string{"l1", "mae", "mean_absolute_error", "regression_l1"}, nil, "l1", false, MAE(countY, countP, metricW)},
		{[]string{"r2", "r2_score"}, nil, "r2", true, R2(countY, countP, metricW)},
		{[]string{"mape", "mean_absolute_percentage_error"}, nil, "mape", false, MAPE(countY, countP, metricW)},
		{[]string{"quantile", "pinball"}, nil, "quantile", false, PinballLoss(countY, countP, metricW, 0.9)},
		{[]string{"quantile"}, []ObjectiveParams{{}}, "quantile", false, PinballLoss(countY, countP, metricW, 0.9)},
		{[]string{"quantile"}, []ObjectiveParams{params}, "quantile", false, PinballLoss(countY, countP, metricW, 0.1)},
		{[]string{"poisson", "mean_poisson_deviance"}, nil, "poisson", false, PoissonDeviance(countY, countP, metricW)},
		{[]string{"tweedie", "mean_tweedie_deviance"}, nil, "tweedie", false, TweedieDeviance(countY, countP, metricW, 1.5)},
		{[]string{"tweedie"}, []ObjectiveParams{params}, "tweedie", false, TweedieDeviance(countY, countP, metricW, 1.2)},
		{[]string{"huber"}, nil, "huber", false, HuberLoss(countY, countP, metricW, 1)},
		{[]string{"huber"}, []ObjectiveParams{params}, "huber", false, HuberLoss(countY, countP, metricW, 2)},
	}
	for _, tc := range tests {
		for _, name := range tc.names {
			m, err := MetricByName(name, tc.params...)
			if err != nil {
				t.Errorf("MetricByName(%q): %v", name, err)
				continue
			}
			if m.Name != tc.want || m.HigherIsBetter != tc.higher {
				t.Errorf("MetricByName(%q) = {%q, higher %v}, want {%q, higher %v}", name, m.Name, m.HigherIsBetter, tc.want, tc.higher)
			}
			if got := m.Fn(countY, countP, metricW); got != tc.value || math.IsNaN(got) {
				t.Errorf("MetricByName(%q).Fn = %v, want %v", name, got, tc.value)
			}
		}
	}

	bad := []struct {
		name   string
		params []ObjectiveParams
	}{
		{"auc", nil},
		{"", nil},
		{"quantile", []ObjectiveParams{{Alpha: 1}}},
		{"quantile", []ObjectiveParams{{Alpha: -0.5}}},
		{"tweedie", []ObjectiveParams{{TweedieVariancePower: 0.5}}},
		{"tweedie", []ObjectiveParams{{TweedieVariancePower: math.NaN()}}},
		{"huber", []ObjectiveParams{{HuberDelta: -1}}},
		{"huber", []ObjectiveParams{{HuberDelta: math.Inf(1)}}},
		{"l2", []ObjectiveParams{{}, {}}},
	}
	for _, tc := range bad {
		if _, err := MetricByName(tc.name, tc.params...); err == nil {
			t.Errorf("MetricByName(%q, %v): no error", tc.name, tc.params)
		}
	}
}
