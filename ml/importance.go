package ml

import "fmt"

// ImportanceKind selects what FeatureImportance measures. The comments
// give LightGBM's importance_type and XGBoost's get_score importance_type
// of the same measure.
type ImportanceKind int

const (
	// ImportanceSplit counts the splits on the feature (LightGBM "split",
	// XGBoost "weight").
	ImportanceSplit ImportanceKind = iota
	// ImportanceGain sums the gain (Tree.Gain) of the splits on the
	// feature (LightGBM "gain", XGBoost "total_gain").
	ImportanceGain
	// ImportanceAverageGain is ImportanceGain divided by ImportanceSplit
	// (XGBoost "gain").
	ImportanceAverageGain
	// ImportanceCover sums the cover (Tree.Hessian, the sum of the
	// training rows' hessians) of the nodes split on the feature (XGBoost
	// "total_cover").
	ImportanceCover
	// ImportanceAverageCover is ImportanceCover divided by ImportanceSplit
	// (XGBoost "cover").
	ImportanceAverageCover
)

// String returns the kind's name: "split", "total_gain", "average_gain",
// "total_cover" or "average_cover".
func (k ImportanceKind) String() string {
	switch k {
	case ImportanceSplit:
		return "split"
	case ImportanceGain:
		return "total_gain"
	case ImportanceAverageGain:
		return "average_gain"
	case ImportanceCover:
		return "total_cover"
	case ImportanceAverageCover:
		return "average_cover"
	}
	return fmt.Sprintf("ImportanceKind(%d)", int(k))
}

// FeatureImportance returns one importance per feature (NumFeatures()
// values, in column order) of the given kind, over the trees prediction
// uses (the first BestIteration when it is set). Numeric and categorical
// splits count alike. A feature no split uses gets 0, for the average
// kinds too (where XGBoost leaves it out). FeatureImportance panics on an
// unknown kind or a split on a feature beyond NumFeatures().
func (m *Model) FeatureImportance(kind ImportanceKind) []float64 {
	if kind < ImportanceSplit || kind > ImportanceAverageCover {
		panic(fmt.Sprintf("ml: feature importance: unknown kind %d", int(kind)))
	}
	nf := m.NumFeatures()
	splits := make([]float64, nf)
	sum := make([]float64, nf)
	for ti := range m.numTrees() {
		t := &m.Trees[ti]
		for i := range t.NumNodes() {
			if t.IsLeaf(i) {
				continue
			}
			f := int(t.Feature[i])
			if f < 0 || f >= nf {
				panic(fmt.Sprintf("ml: feature importance: tree %d node %d splits on feature %d, the model has %d features", ti, i, f, nf))
			}
			splits[f]++
			switch kind {
			case ImportanceGain, ImportanceAverageGain:
				if len(t.Gain) > 0 {
					sum[f] += t.Gain[i]
				}
			case ImportanceCover, ImportanceAverageCover:
				if len(t.Hessian) > 0 {
					sum[f] += t.Hessian[i]
				}
			}
		}
	}
	switch kind {
	case ImportanceSplit:
		return splits
	case ImportanceAverageGain, ImportanceAverageCover:
		for f := range sum {
			if splits[f] > 0 {
				sum[f] /= splits[f]
			}
		}
	}
	return sum
}
