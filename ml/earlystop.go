package ml

import "math"

// earlyStopper records validation metrics and decides when to stop, as
// LightGBM's early_stopping callback does: training stops when some
// (validation set, metric) pair has not improved for EarlyStoppingRounds
// rounds (only each set's first metric with FirstMetricOnly), and the
// model keeps the trees up to that pair's best round.
type earlyStopper struct {
	rounds    int
	firstOnly bool
	metrics   []Metric
	bestRound [][]int
	bestValue [][]float64
	stopPair  [2]int // the pair that stopped training, or the first
	pred      []float64
	names     []string // the validation sets'
}

func newEarlyStopper(p Params, valid []EvalSet, metrics []Metric) *earlyStopper {
	es := &earlyStopper{rounds: p.EarlyStoppingRounds, firstOnly: p.FirstMetricOnly, metrics: metrics}
	for _, v := range valid {
		es.names = append(es.names, v.Name)
	}
	es.bestRound = make([][]int, len(valid))
	es.bestValue = make([][]float64, len(valid))
	for i := range valid {
		es.bestRound[i] = make([]int, len(metrics))
		es.bestValue[i] = make([]float64, len(metrics))
		for j, m := range metrics {
			es.bestRound[i][j] = -1
			es.bestValue[i][j] = math.Inf(1)
			if m.HigherIsBetter {
				es.bestValue[i][j] = math.Inf(-1)
			}
		}
	}
	return es
}

func (es *earlyStopper) enabled() bool { return es.rounds > 0 && len(es.bestRound) > 0 }

// record evaluates round's raw validation scores into h and reports
// whether training should stop.
func (es *earlyStopper) record(round int, valid []EvalSet, scores [][]float64, objective string, h *History) bool {
	stop := false
	for i, v := range valid {
		if h.Metrics[v.Name] == nil {
			h.Metrics[v.Name] = map[string][]float64{}
		}
		es.pred = es.pred[:0]
		for _, s := range scores[i] {
			if logLink(objective) {
				s = math.Exp(s)
			}
			es.pred = append(es.pred, s)
		}
		for j, m := range es.metrics {
			val := m.Fn(v.Data.Labels, es.pred, v.Data.Weights)
			h.Metrics[v.Name][m.Name] = append(h.Metrics[v.Name][m.Name], val)
			better := val < es.bestValue[i][j]
			if m.HigherIsBetter {
				better = val > es.bestValue[i][j]
			}
			if better || es.bestRound[i][j] < 0 {
				es.bestValue[i][j], es.bestRound[i][j] = val, round
			}
			if es.rounds > 0 && !stop && (j == 0 || !es.firstOnly) && round-es.bestRound[i][j] >= es.rounds {
				stop = true
				es.stopPair = [2]int{i, j}
			}
		}
	}
	return stop
}

// best returns the number of trees to keep and every pair's best value.
func (es *earlyStopper) best(trees int) (int, map[string]map[string]float64) {
	scores := map[string]map[string]float64{}
	for i, name := range es.names {
		scores[name] = map[string]float64{}
		for j, m := range es.metrics {
			scores[name][m.Name] = es.bestValue[i][j]
		}
	}
	if !es.enabled() {
		return trees, scores
	}
	return es.bestRound[es.stopPair[0]][es.stopPair[1]] + 1, scores
}
