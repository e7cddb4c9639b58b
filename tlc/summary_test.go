package tlc

import (
	"context"
	"math"
	"testing"
)

// The expected figures are pandas' own, from ../shared/data/tlc/sample_stats.json
// (green_2024_01_full), rounded there to two decimals. The file has fewer rows
// than the reservoir, so Opus's quantiles are exact here.
func TestInspectMatchesPandas(t *testing.T) {
	s, err := Inspect(context.Background(), fixture(t, "green_tripdata_2024-01.parquet"), ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if s.Rows != 56551 || s.Kind != Green || s.Problems != 0 {
		t.Errorf("rows %d kind %s problems %d", s.Rows, s.Kind, s.Problems)
	}
	if s.MinPickup != "2023-12-31 14:38:47" || s.MaxPickup != "2024-01-31 23:57:29" {
		t.Errorf("pickup range %s .. %s", s.MinPickup, s.MaxPickup)
	}
	want := map[string][3]float64{ // p25, p50, p75
		"trip_distance": {1.1, 1.79, 3.08},
		"fare_amount":   {9.3, 13.5, 19.8},
		"total_amount":  {13.44, 18.42, 26.6},
		"duration_min":  {7.25, 11.4, 17.32},
	}
	found := 0
	for _, st := range s.Stats {
		w, ok := want[st.Column]
		if !ok {
			continue
		}
		found++
		for i, got := range []float64{st.P25, st.P50, st.P75} {
			if math.Abs(got-w[i]) > 0.0051 {
				t.Errorf("%s quantile %d = %.4f, pandas says %.2f", st.Column, i, got, w[i])
			}
		}
	}
	if found != len(want) {
		t.Errorf("found stats for %d of %d columns", found, len(want))
	}
	// pandas: payment_type NaN 6.04 %.
	if got := float64(s.NullCounts["payment_type"]) / float64(s.Rows) * 100; math.Abs(got-6.04) > 0.005 {
		t.Errorf("payment_type null share %.3f %%, pandas says 6.04 %%", got)
	}
}

func TestQuantile(t *testing.T) {
	data := []float64{1, 2, 3, 4}
	tests := []struct{ p, want float64 }{{0, 1}, {1, 4}, {0.5, 2.5}, {0.25, 1.75}}
	for _, tc := range tests {
		if got := quantile(data, tc.p); got != tc.want {
			t.Errorf("quantile(%v) = %v, want %v", tc.p, got, tc.want)
		}
	}
	if !math.IsNaN(quantile(nil, 0.5)) {
		t.Error("quantile of nothing should be NaN")
	}
}
