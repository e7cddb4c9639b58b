package ml_test

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/magnumopus/opus/ml"
)

// Fit y = 1 + 2·x0 − x1 exactly, then predict one row and a batch.
func ExampleFitOLS() {
	x := mat.NewDense(5, 2, []float64{
		0, 1,
		1, 0,
		2, 3,
		3, 1,
		4, 4,
	})
	y := []float64{0, 3, 2, 6, 5}
	m, err := ml.FitOLS(x, y, ml.LinearOptions{FeatureNames: []string{"x0", "x1"}})
	if err != nil {
		panic(err)
	}
	fmt.Printf("intercept %.4f, coef %.4f, rank %d\n", m.Intercept, m.Coef, m.Rank)
	fmt.Printf("predict(10, 5) = %.4f\n", m.Predict([]float64{10, 5}))
	fmt.Printf("batch %.4f\n", m.PredictBatch(x))
	// Output:
	// intercept 1.0000, coef [2.0000 -1.0000], rank 2
	// predict(10, 5) = 16.0000
	// batch [0.0000 3.0000 2.0000 6.0000 5.0000]
}

// A duplicated column makes the design rank deficient: FitOLS returns the
// minimum-norm solution, splitting the coefficient between the copies, as
// scikit-learn's LinearRegression does.
func ExampleFitOLS_collinear() {
	x := mat.NewDense(4, 2, []float64{
		1, 1,
		2, 2,
		3, 3,
		4, 4,
	})
	y := []float64{3, 5, 7, 9} // 1 + 2·x
	m, err := ml.FitOLS(x, y, ml.LinearOptions{})
	if err != nil {
		panic(err)
	}
	fmt.Printf("intercept %.4f, coef %.4f, rank %d\n", m.Intercept, m.Coef, m.Rank)
	// Output:
	// intercept 1.0000, coef [1.0000 1.0000], rank 1
}

// Ridge shrinks the slope but not the intercept; a missing value is an
// error naming its cell.
func ExampleFitRidge() {
	x := mat.NewDense(4, 1, []float64{1, 2, 3, 4})
	y := []float64{3, 5, 7, 9} // 1 + 2·x
	for _, alpha := range []float64{0, 5} {
		m, err := ml.FitRidge(x, y, alpha, ml.LinearOptions{})
		if err != nil {
			panic(err)
		}
		fmt.Printf("alpha %v: intercept %.4f, coef %.4f\n", alpha, m.Intercept, m.Coef)
	}
	x.Set(2, 0, math.NaN())
	_, err := ml.FitRidge(x, y, 1, ml.LinearOptions{})
	fmt.Println(err)
	// Output:
	// alpha 0: intercept 1.0000, coef [2.0000]
	// alpha 5: intercept 3.5000, coef [1.0000]
	// ml: FitRidge: x[2][0] = NaN: linear models cannot take missing or infinite values; impute or drop the row
}

func ExampleMetricByName() {
	y := []float64{3, 0, 2, 7}
	p := []float64{2.5, 0.5, 2, 8}
	for _, name := range []string{"rmse", "mae", "l2", "r2", "quantile"} {
		m, err := ml.MetricByName(name, ml.ObjectiveParams{Alpha: 0.5})
		if err != nil {
			panic(err)
		}
		fmt.Printf("%-8s %.4f higher is better: %v\n", m.Name, m.Fn(y, p, nil), m.HigherIsBetter)
	}
	_, err := ml.MetricByName("auc")
	fmt.Println(err)
	// Output:
	// rmse     0.6124 higher is better: false
	// l1       0.5000 higher is better: false
	// l2       0.3750 higher is better: false
	// r2       0.9423 higher is better: true
	// quantile 0.2500 higher is better: false
	// ml: unknown metric "auc" (want l2, rmse, l1, r2, mape, quantile, poisson, tweedie or huber)
}

// Weighted metrics: a weight of 3 counts a row three times.
func ExampleRMSE() {
	y := []float64{1, 2, 4}
	p := []float64{1, 2, 2}
	fmt.Printf("%.4f\n", ml.RMSE(y, p, nil))
	fmt.Printf("%.4f\n", ml.RMSE(y, p, []float64{1, 1, 3}))
	fmt.Printf("%.4f\n", ml.RMSE([]float64{1, 2, 4, 4, 4}, []float64{1, 2, 2, 2, 2}, nil))
	// Output:
	// 1.1547
	// 1.5492
	// 1.5492
}

// MAPE divides by max(|y|, ε): a zero target predicted nonzero dominates.
func ExampleMAPE() {
	fmt.Printf("%.4f\n", ml.MAPE([]float64{2, 4}, []float64{1, 5}, nil))
	fmt.Printf("%.3g\n", ml.MAPE([]float64{0, 4}, []float64{1, 5}, nil))
	// Output:
	// 0.3750
	// 2.25e+15
}

// Poisson and Tweedie deviances need positive predictions (and, for
// Poisson, non-negative targets); outside their domain they are NaN.
func ExampleTweedieDeviance() {
	y := []float64{0, 1, 3}
	p := []float64{0.5, 1, 2}
	fmt.Printf("poisson %.4f\n", ml.PoissonDeviance(y, p, nil))
	fmt.Printf("tweedie 1.5 %.4f\n", ml.TweedieDeviance(y, p, nil, 1.5))
	fmt.Println(ml.PoissonDeviance([]float64{-1}, []float64{1}, nil))
	// Output:
	// poisson 0.4776
	// tweedie 1.5 1.0381
	// NaN
}
