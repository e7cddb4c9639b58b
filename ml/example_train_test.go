package ml_test

import (
	"context"
	"fmt"
	"log"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"github.com/magnumopus/opus/ml"
)

// Train a model on a nonlinear target with a categorical feature, stop
// early on a validation set, and compare it with a linear baseline.
func ExampleTrain() {
	gen := func(n int, seed uint64) *ml.Dataset {
		rng := rand.New(rand.NewPCG(seed, 1))
		x, zone, y := make([]float64, n), make([]float64, n), make([]float64, n)
		effect := []float64{0, 4, -3, 2}
		for i := range n {
			x[i] = rng.Float64() * 6
			zone[i] = float64(rng.IntN(len(effect)))
			y[i] = 10*math.Sin(x[i]) + effect[int(zone[i])] + rng.NormFloat64()
		}
		d, err := ml.NewDatasetColumns([][]float64{x, zone}, y, nil, []string{"x", "zone"}, []int{1})
		if err != nil {
			log.Fatal(err)
		}
		return d
	}
	train, valid := gen(5000, 1), gen(2000, 2)
	model, history, err := ml.Train(context.Background(), train, []ml.EvalSet{{Name: "valid", Data: valid}},
		ml.Params{NumRounds: 500, LearningRate: 0.1, NumLeaves: 15, EarlyStoppingRounds: 20, Metrics: []string{"rmse"}, Seed: 1})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("stopped early:", len(model.Trees) < 500)
	fmt.Printf("validation RMSE below 1.1: %v\n", history.BestScores["valid"]["rmse"] < 1.1)

	x := make([]float64, 0, train.NumRows()*2)
	for i := range train.NumRows() {
		x = append(x, train.Column(0)[i], train.Column(1)[i])
	}
	// A linear model cannot follow the sine: the trees do far better.
	linear, err := ml.FitOLS(mat.NewDense(train.NumRows(), 2, x), train.Labels, ml.LinearOptions{})
	if err != nil {
		log.Fatal(err)
	}
	var pt, pl []float64
	for i := range valid.NumRows() {
		row := []float64{valid.Column(0)[i], valid.Column(1)[i]}
		pt = append(pt, model.Predict(row))
		pl = append(pl, linear.Predict(row))
	}
	fmt.Printf("R² of the trees above 0.95: %v\n", ml.R2(valid.Labels, pt, nil) > 0.95)
	fmt.Printf("R² of the linear model below 0.6: %v\n", ml.R2(valid.Labels, pl, nil) < 0.6)
	// Output:
	// stopped early: true
	// validation RMSE below 1.1: true
	// R² of the trees above 0.95: true
	// R² of the linear model below 0.6: true
}
