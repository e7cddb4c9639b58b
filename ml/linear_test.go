package ml

import (
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// The expected coefficients below were computed once by scikit-learn
// (Debian python3-sklearn 1.2.1, numpy 1.24.2, scipy 1.10.1) with this
// snippet, run by the system interpreter (/usr/bin/python3), and are
// committed as numbers:
//
//	import numpy as np
//	from sklearn.linear_model import LinearRegression, Ridge
//
//	X = np.array([[0.0, 1.6, 2.86], [-0.89, 0.09, 2.5], [0.06, 3.68, 2.75], [-0.62, 1.98, 3.18],
//	              [0.11, -0.86, 2.99], [0.7, -1.69, 2.77], [-1.9, -1.58, 2.08], [-0.24, -1.53, 3.14],
//	              [0.16, 0.63, 1.74], [-0.54, 0.9, 3.06]])                       # linX
//	Y = np.array([2.34, 4.09, -1.64, 1.09, 8.3, 10.13, 5.76, 9.16, 4.02, 3.5])   # linY
//	W = np.array([2.66, 1.63, 2.57, 1.99, 2.28, 0.46, 1.72, 1.62, 2.64, 1.21])   # linW
//	Xcol = np.column_stack([X, 2 * X[:, 0], np.full(10, 5.0)])  # x3 = 2*x0, x4 constant
//	Xwide = X[:3, :].copy()[:, [0, 1, 2, 0]] + np.array([0, 0, 0, 1.0])  # 3 rows, x3 = x0+1
//
//	def show(name, m):
//	    print(name, "coef", [float(c) for c in m.coef_], "intercept", float(m.intercept_),
//	          "rank", getattr(m, "rank_", None), "r2", repr(m.score(*show.data)))
//
//	for fi in (True, False):
//	    for sw in (None, W):
//	        tag = f"fit_intercept={fi} weights={'W' if sw is not None else None}"
//	        show.data = (X, Y, sw)
//	        show("OLS " + tag, LinearRegression(fit_intercept=fi).fit(X, Y, sample_weight=sw))
//	        for a in (0.5, 2.0, 100.0):
//	            show(f"Ridge a={a} " + tag, Ridge(alpha=a, fit_intercept=fi, solver="cholesky").fit(X, Y, sample_weight=sw))
//	for fi in (True, False):
//	    show.data = (Xcol, Y, None)
//	    show(f"OLS collinear fit_intercept={fi}", LinearRegression(fit_intercept=fi).fit(Xcol, Y))
//	show.data = (Xwide, Y[:3], None)
//	show("OLS wide", LinearRegression().fit(Xwide, Y[:3]))
//	show("Ridge wide a=1", Ridge(alpha=1.0).fit(Xwide, Y[:3]))
var (
	linX = [][]float64{
		{0.0, 1.6, 2.86}, {-0.89, 0.09, 2.5}, {0.06, 3.68, 2.75}, {-0.62, 1.98, 3.18},
		{0.11, -0.86, 2.99}, {0.7, -1.69, 2.77}, {-1.9, -1.58, 2.08}, {-0.24, -1.53, 3.14},
		{0.16, 0.63, 1.74}, {-0.54, 0.9, 3.06},
	}
	linY = []float64{2.34, 4.09, -1.64, 1.09, 8.3, 10.13, 5.76, 9.16, 4.02, 3.5}
	linW = []float64{2.66, 1.63, 2.57, 1.99, 2.28, 0.46, 1.72, 1.62, 2.64, 1.21}
)

// linDense returns rows as a dense matrix.
func linDense(rows [][]float64) *mat.Dense {
	m := mat.NewDense(len(rows), len(rows[0]), nil)
	for i, r := range rows {
		m.SetRow(i, r)
	}
	return m
}

// linCollinear is linX with x3 = 2·x0 and a constant x4 = 5.
func linCollinear() *mat.Dense {
	rows := make([][]float64, len(linX))
	for i, r := range linX {
		rows[i] = []float64{r[0], r[1], r[2], 2 * r[0], 5}
	}
	return linDense(rows)
}

// linWide is linX's first 3 rows with x3 = x0 + 1: 3 rows, 4 columns.
func linWide() *mat.Dense {
	rows := make([][]float64, 3)
	for i, r := range linX[:3] {
		rows[i] = []float64{r[0], r[1], r[2], r[0] + 1}
	}
	return linDense(rows)
}

// linCheck compares a fit with sklearn's coefficients, intercept and R².
func linCheck(t *testing.T, m *Linear, x mat.Matrix, y, w []float64, coef []float64, intercept, r2 float64) {
	t.Helper()
	const tol = 1e-8
	if len(m.Coef) != len(coef) {
		t.Fatalf("%d coefficients, want %d", len(m.Coef), len(coef))
	}
	for j := range coef {
		if !metricClose(m.Coef[j], coef[j], tol) {
			t.Errorf("Coef[%d] = %.17g, sklearn %.17g", j, m.Coef[j], coef[j])
		}
	}
	if !metricClose(m.Intercept, intercept, tol) {
		t.Errorf("Intercept = %.17g, sklearn %.17g", m.Intercept, intercept)
	}
	if got := R2(y, m.PredictBatch(x), w); !metricClose(got, r2, tol) {
		t.Errorf("R2 = %.17g, sklearn score %.17g", got, r2)
	}
}

// linCase is one sklearn fit of linX, linY.
type linCase struct {
	name      string
	alpha     float64 // < 0: OLS (LinearRegression); >= 0: Ridge
	noInt     bool
	weighted  bool
	coef      []float64
	intercept float64
	r2        float64
}

var linCases = []linCase{
	{"OLS", -1, false, false, []float64{1.453193228705876, -2.0865371981197147, 0.8512108936809233}, 3.5018461488713455, 0.9976488198114171},
	{"Ridge/0.5", 0.5, false, false, []float64{1.317896133903278, -2.0379233322742345, 0.7008161828430679}, 3.8505570843495542, 0.9961118758291274},
	{"Ridge/2", 2, false, false, []float64{1.0165918539364327, -1.9141568160132694, 0.4613421238656441}, 4.3637483912958865, 0.982331953436344},
	{"Ridge/100", 100, false, false, []float64{0.04477318505823077, -0.43995260574407224, 0.01037081227151603}, 4.802739276708998, 0.35826341778193505},
	{"OLS/weighted", -1, false, true, []float64{1.5430948967108318, -2.1156845626843603, 0.8293539217688624}, 3.629597135921953, 0.9978375433340945},
	{"Ridge/0.5/weighted", 0.5, false, true, []float64{1.419921973821278, -2.078174153212629, 0.7481288289926017}, 3.7828739187972635, 0.9971050995135539},
	{"Ridge/2/weighted", 2, false, true, []float64{1.1361408225611815, -1.9825077234109072, 0.5757955384652134}, 4.0902853074818974, 0.9896878473740592},
	{"Ridge/100/weighted", 100, false, true, []float64{0.02105418803031483, -0.6658087363907575, 0.016543389209018555}, 4.351358751843888, 0.5256819294848244},
	{"OLS/no intercept", -1, true, false, []float64{1.2144130641438564, -2.106843929290865, 2.0879462752040014}, 0, 0.9737208935241847},
	{"Ridge/0.5/no intercept", 0.5, true, false, []float64{1.0658602357682005, -2.0574415149018863, 2.052461980990243}, 0, 0.9723845853187154},
	{"Ridge/2/no intercept", 2, true, false, []float64{0.7572366991401914, -1.9270785595827769, 1.9649138251305336}, 0, 0.9587141720436022},
	{"Ridge/100/no intercept", 100, true, false, []float64{-0.04474511467760549, -0.3753126742667555, 0.744445802870374}, 0, -0.3060859065801247},
	{"OLS/weighted/no intercept", -1, true, true, []float64{1.3040285912708958, -2.11312868795652, 2.1201634224760815}, 0, 0.9634977867952107},
	{"Ridge/0.5/weighted/no intercept", 0.5, true, true, []float64{1.1752291411060043, -2.0728398503398218, 2.0883829439747266}, 0, 0.9627942210760775},
	{"Ridge/2/weighted/no intercept", 2, true, true, []float64{0.8834803511181178, -1.9682416890110004, 2.008536064893116}, 0, 0.9552682428484592},
	{"Ridge/100/weighted/no intercept", 100, true, true, []float64{-0.09560887348176865, -0.521741346352466, 0.9035611168898741}, 0, 0.12471036491934662},
}

func TestLinearMatchesSklearn(t *testing.T) {
	x := linDense(linX)
	for _, tc := range linCases {
		t.Run(tc.name, func(t *testing.T) {
			opts := LinearOptions{NoIntercept: tc.noInt}
			var w []float64
			if tc.weighted {
				w = linW
				opts.SampleWeights = linW
			}
			var m *Linear
			var err error
			if tc.alpha < 0 {
				m, err = FitOLS(x, linY, opts)
			} else {
				m, err = FitRidge(x, linY, tc.alpha, opts)
			}
			if err != nil {
				t.Fatal(err)
			}
			linCheck(t, m, x, linY, w, tc.coef, tc.intercept, tc.r2)
			if tc.alpha < 0 && m.Rank != 3 {
				t.Errorf("Rank = %d, sklearn rank_ 3", m.Rank)
			}
			if tc.alpha < 0 {
				// Ridge with alpha 0 is OLS.
				r, err := FitRidge(x, linY, 0, opts)
				if err != nil {
					t.Fatalf("FitRidge(alpha 0): %v", err)
				}
				linCheck(t, r, x, linY, w, tc.coef, tc.intercept, tc.r2)
			}
		})
	}
}

// Collinear and constant columns, and fewer rows than columns: FitOLS
// returns the minimum-norm solution, as sklearn does, and reports the
// rank; FitRidge at alpha 0 is an error; FitRidge at alpha > 0 is fine.
func TestOLSRankDeficient(t *testing.T) {
	tests := []struct {
		name      string
		x         *mat.Dense
		y         []float64
		noInt     bool
		rank      int
		coef      []float64
		intercept float64
		r2        float64
	}{
		// x3 = 2·x0 shares x0's coefficient 1:2 (1.4532 = 0.2906 + 2·0.5813);
		// the constant x4 gets 0 as the intercept absorbs it.
		{"collinear", linCollinear(), linY, false, 3,
			[]float64{0.29063864574117526, -2.086537198119716, 0.8512108936809223, 0.5812772914823505, 0.0}, 3.5018461488713486, 0.9976488198114171},
		// Without an intercept the constant column plays its part.
		{"collinear/no intercept", linCollinear(), linY, true, 4,
			[]float64{0.2906386457411765, -2.0865371981197143, 0.8512108936809231, 0.5812772914823521, 0.7003692297742701}, 0, 0.9976488198114171},
		{"wide", linWide(), linY[:3], false, 2,
			[]float64{0.5630617406693275, -1.9235673363427357, 0.4231577207947999, 0.5630617406693278}, 3.6444149160059216, 1.0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := FitOLS(tc.x, tc.y, LinearOptions{NoIntercept: tc.noInt})
			if err != nil {
				t.Fatal(err)
			}
			if m.Rank != tc.rank {
				t.Errorf("Rank = %d, sklearn rank_ %d", m.Rank, tc.rank)
			}
			linCheck(t, m, tc.x, tc.y, nil, tc.coef, tc.intercept, tc.r2)
			if _, err := FitRidge(tc.x, tc.y, 0, LinearOptions{NoIntercept: tc.noInt}); err == nil {
				t.Error("FitRidge(alpha 0) on a singular design: no error")
			}
		})
	}
	// sklearn: Ridge(alpha=1.0).fit(Xwide, Y[:3]).
	m, err := FitRidge(linWide(), linY[:3], 1, LinearOptions{})
	if err != nil {
		t.Fatal(err)
	}
	linCheck(t, m, linWide(), linY[:3], nil,
		[]float64{-0.09836342336789242, -1.3595098518871034, 0.041161383199604676, -0.09836342336789244}, 3.9628520247326424, 0.9621667133063788)

	// A single row: nothing to learn but the mean.
	one, err := FitOLS(mat.NewDense(1, 2, []float64{1, 2}), []float64{7}, LinearOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if one.Rank != 0 || one.Coef[0] != 0 || one.Coef[1] != 0 || one.Intercept != 7 {
		t.Errorf("one row: %+v, want zero coefficients, intercept 7, rank 0", one)
	}
}

func TestLinearInputErrors(t *testing.T) {
	x := linDense(linX)
	withNaN := mat.DenseCopyOf(x)
	withNaN.Set(3, 1, math.NaN())
	withInf := mat.DenseCopyOf(x)
	withInf.Set(7, 2, math.Inf(-1))
	yNaN := append([]float64(nil), linY...)
	yNaN[5] = math.NaN()
	negW := append([]float64(nil), linW...)
	negW[2] = -1
	tests := []struct {
		name  string
		x     mat.Matrix
		y     []float64
		alpha float64
		opts  LinearOptions
		want  string // in the error
	}{
		{"NaN in x", withNaN, linY, 1, LinearOptions{}, "x[3][1] = NaN: linear models cannot take missing"},
		{"Inf in x", withInf, linY, 1, LinearOptions{}, "x[7][2] = -Inf"},
		{"NaN in y", x, yNaN, 1, LinearOptions{}, "y[5] = NaN"},
		{"short y", x, linY[:9], 1, LinearOptions{}, "len(y) = 9, x has 10 rows"},
		{"short weights", x, linY, 1, LinearOptions{SampleWeights: linW[:3]}, "3 sample weights"},
		{"negative weight", x, linY, 1, LinearOptions{SampleWeights: negW}, "sample weight 2 = -1"},
		{"zero weights", x, linY, 1, LinearOptions{SampleWeights: make([]float64, 10)}, "sum to zero"},
		{"feature names", x, linY, 1, LinearOptions{FeatureNames: []string{"a"}}, "1 feature names, x has 3 columns"},
		{"negative alpha", x, linY, -1, LinearOptions{}, "alpha = -1"},
		{"NaN alpha", x, linY, math.NaN(), LinearOptions{}, "alpha = NaN"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, errR := FitRidge(tc.x, tc.y, tc.alpha, tc.opts)
			if errR == nil || !strings.Contains(errR.Error(), tc.want) {
				t.Errorf("FitRidge error %v, want one containing %q", errR, tc.want)
			}
			if strings.Contains(tc.name, "alpha") {
				return
			}
			_, errO := FitOLS(tc.x, tc.y, tc.opts)
			if errO == nil || !strings.Contains(errO.Error(), tc.want) {
				t.Errorf("FitOLS error %v, want one containing %q", errO, tc.want)
			}
		})
	}
}

// nonRawMatrix hides the RawMatrixer of a matrix.
type nonRawMatrix struct{ mat.Matrix }

func TestLinearPredict(t *testing.T) {
	x := linDense(linX)
	names := []string{"a", "b", "c"}
	m, err := FitOLS(nonRawMatrix{x}, linY, LinearOptions{FeatureNames: names})
	if err != nil {
		t.Fatal(err)
	}
	names[0] = "changed"
	if m.FeatureNames[0] != "a" || len(m.FeatureNames) != 3 {
		t.Errorf("FeatureNames = %v, want a copy of [a b c]", m.FeatureNames)
	}
	raw := m.PredictBatch(x)
	other := m.PredictBatch(nonRawMatrix{x})
	// A view with a stride wider than its columns.
	wide := mat.NewDense(10, 5, nil)
	wide.Slice(0, 10, 1, 4).(*mat.Dense).Copy(x)
	view := m.PredictBatch(wide.Slice(0, 10, 1, 4))
	for i, row := range linX {
		want := m.Intercept + m.Coef[0]*row[0] + m.Coef[1]*row[1] + m.Coef[2]*row[2]
		if got := m.Predict(row); math.Abs(got-want) > 1e-12 {
			t.Errorf("Predict(row %d) = %v, want %v", i, got, want)
		}
		if math.Abs(raw[i]-want) > 1e-12 || math.Abs(other[i]-want) > 1e-12 || math.Abs(view[i]-want) > 1e-12 {
			t.Errorf("PredictBatch row %d = %v, %v, %v, want %v", i, raw[i], other[i], view[i], want)
		}
	}
	if got := m.Predict([]float64{1, math.NaN(), 2}); !math.IsNaN(got) {
		t.Errorf("Predict with NaN = %v, want NaN", got)
	}
	row := linX[4]
	if a := testing.AllocsPerRun(100, func() { m.Predict(row) }); a != 0 {
		t.Errorf("Predict allocates %v times", a)
	}
	for name, f := range map[string]func(){
		"Predict":      func() { m.Predict([]float64{1, 2}) },
		"PredictBatch": func() { m.PredictBatch(mat.NewDense(2, 4, nil)) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s with the wrong number of features: no panic", name)
				}
			}()
			f()
		}()
	}
}
