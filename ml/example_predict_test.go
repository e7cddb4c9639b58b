package ml_test

import (
	"bytes"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/magnumopus/opus/ml"
)

// stumpModel is a one-tree model built by hand: distance < 2.5 goes left
// (missing distances too), a second split sends zones 132 and 138 (the
// airports) left.
func stumpModel() *ml.Model {
	t := ml.Tree{
		// node 0: distance < 2.5; node 1: leaf; node 2: zone in {132, 138};
		// nodes 3 and 4: leaves.
		Left:        []int32{1, -1, 3, -1, -1},
		Right:       []int32{2, -1, 4, -1, -1},
		Feature:     []int32{0, -1, 1, -1, -1},
		Threshold:   []float64{2.5, 0, 0, 0, 0},
		DefaultLeft: []bool{true, false, false, false, false},
		Categorical: []bool{false, false, true, false, false},
		CatStart:    []int32{0, 0, 0, 0, 0},
		CatLen:      []int32{0, 0, 2, 0, 0},
		Categories:  []int32{132, 138},
		Value:       []float64{0, -300, 0, 900, 200},
		Gain:        make([]float64, 5),
		Hessian:     make([]float64, 5),
		Count:       make([]int64, 5),
	}
	m := &ml.Model{
		FeatureNames:        []string{"trip_distance", "pu_location_id"},
		CategoricalFeatures: []int{1},
		Objective:           ml.ObjectiveL2,
		BaseScore:           900,
		Trees:               []ml.Tree{t},
	}
	m.Compile() // after building or changing trees by hand
	return m
}

// A model predicts one row at a time (no allocation) or a matrix of rows
// on several goroutines. NaN is a missing value.
func ExampleModel_Predict() {
	m := stumpModel()
	for _, row := range [][]float64{
		{1.2, 161},        // short trip
		{math.NaN(), 161}, // missing distance: the split's default side
		{18.0, 132},       // airport pickup
		{6.0, 48},
	} {
		fmt.Printf("%v -> %.0f s\n", row, m.Predict(row))
	}
	// Output:
	// [1.2 161] -> 600 s
	// [NaN 161] -> 600 s
	// [18 132] -> 1800 s
	// [6 48] -> 1100 s
}

func ExampleModel_PredictBatch() {
	m := stumpModel()
	x := mat.NewDense(3, 2, []float64{
		1.2, 161,
		18.0, 138,
		6.0, 48,
	})
	pred, err := m.PredictBatch(x, 2)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(pred)
	// Output:
	// [600 1800 1100]
}

// A model exported to XGBoost's JSON format loads in xgboost
// (xgboost.Booster(model_file=...)) and in ReadXGBoostJSON, and predicts
// the same.
func ExampleModel_WriteXGBoostJSON() {
	m := stumpModel()
	var buf bytes.Buffer
	if err := m.WriteXGBoostJSON(&buf); err != nil {
		fmt.Println(err)
		return
	}
	back, err := ml.ReadXGBoostJSON(&buf)
	if err != nil {
		fmt.Println(err)
		return
	}
	row := []float64{18.0, 132}
	fmt.Println(m.Predict(row), back.Predict(row))
	// Output:
	// 1800 1800
}
