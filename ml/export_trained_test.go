package ml

import (
	"math"
	"testing"
)

// Models the trainer makes, exported to XGBoost's JSON, predict the same
// in xgboost 1.7 (within 1e-5, XGBoost summing in float32): on training
// rows, on missing values, on unseen categories and on values lying
// exactly on and next to every threshold.
func TestXGBoostExportOfTrainedModels(t *testing.T) {
	needXGBoost(t)
	cols, y := synthetic(4000, 11)
	for _, tc := range []struct {
		name string
		p    Params
	}{
		{"l2 leafwise", Params{NumRounds: 40, NumLeaves: 31, MinDataPerGroup: 20}},
		{"l2 depthwise", Params{NumRounds: 40, Growth: GrowDepthWise, MaxDepth: 5, MinDataPerGroup: 20}},
		{"l1", Params{Objective: ObjectiveL1, NumRounds: 30}},
		{"quantile", Params{Objective: ObjectiveQuantile, NumRounds: 30, ObjectiveParams: ObjectiveParams{Alpha: 0.2}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, _ := mustTrain(t, mustDataset(t, cols, y, []int{1}), nil, tc.p)
			xgbRowsCompare(t, m, cols)
		})
	}
	t.Run("poisson", func(t *testing.T) {
		counts := make([]float64, len(y))
		for i, v := range y {
			counts[i] = math.Round(math.Exp(v / 4))
		}
		m, _ := mustTrain(t, mustDataset(t, cols, counts, []int{1}), nil, Params{Objective: ObjectivePoisson, NumRounds: 30})
		xgbRowsCompare(t, m, cols)
	})
}

// xgbRowsCompare predicts rows built from cols and from m's thresholds in
// XGBoost and in m.
func xgbRowsCompare(t *testing.T, m *Model, cols [][]float64) {
	t.Helper()
	var rows [][]float64
	for i := 0; i < len(cols[0]); i += 7 {
		row := make([]float64, len(cols))
		for j := range cols {
			row[j] = cols[j][i]
		}
		rows = append(rows, row)
	}
	// Every threshold, and the float32 neighbours around it, in a row of
	// typical values; unseen and missing categories too.
	base := rows[0]
	for _, tr := range m.Trees {
		for n := range tr.NumNodes() {
			if tr.IsLeaf(n) || tr.Categorical[n] {
				continue
			}
			th := float32(tr.Threshold[n])
			if math.IsInf(float64(th), 0) {
				continue // a missing-against-present split (XGBoost takes no infinite input)
			}
			for _, v := range []float32{th, math.Nextafter32(th, -math.MaxFloat32), math.Nextafter32(th, math.MaxFloat32)} {
				r := append([]float64(nil), base...)
				r[tr.Feature[n]] = float64(v)
				rows = append(rows, r)
			}
		}
	}
	for _, cat := range []float64{math.NaN(), 99, 3} {
		r := append([]float64(nil), base...)
		r[1] = cat
		rows = append(rows, r)
	}
	ioComparePredictions(t, m, rows, xgbPredict(t, m, rows, 0))
}
