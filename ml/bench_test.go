package ml

import (
	"context"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// benchModel trains 200 trees of depth 8 on the synthetic set.
func benchModel(b *testing.B, rows int) (*Model, *Dataset) {
	b.Helper()
	cols, y := synthetic(rows, 21)
	d := mustDataset(b, cols, y, []int{1})
	m, _ := mustTrain(b, d, nil, Params{NumRounds: 200, NumLeaves: 255, MaxDepth: 8, MinDataInLeaf: 5})
	return m, d
}

// BenchmarkPredict: one row through 200 trees of depth 8 (up to 255
// leaves each), allocation-free.
func BenchmarkPredict(b *testing.B) {
	m, d := benchModel(b, 50_000)
	rows := make([][]float64, 1024)
	for i := range rows {
		rows[i] = d.Row(i, nil)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		_ = m.Predict(rows[i&1023])
		i++
	}
}

// BenchmarkPredictBatch: 100,000 rows on two goroutines.
func BenchmarkPredictBatch(b *testing.B) {
	m, d := benchModel(b, 100_000)
	x := mat.NewDense(d.NumRows(), d.NumFeatures(), nil)
	for i := range d.NumRows() {
		x.SetRow(i, d.Row(i, nil))
	}
	for b.Loop() {
		if _, err := m.PredictBatch(x, 2); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(d.NumRows())*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkTrain: 200,000 rows, 3 features (one categorical), 100 rounds
// of 255-leaf trees on two goroutines.
func BenchmarkTrain(b *testing.B) {
	cols, y := synthetic(200_000, 22)
	d := mustDataset(b, cols, y, []int{1})
	for b.Loop() {
		if _, _, err := Train(context.Background(), d, nil, Params{NumRounds: 100, NumLeaves: 255, MaxDepth: 8, Threads: 2}); err != nil {
			b.Fatal(err)
		}
	}
}
