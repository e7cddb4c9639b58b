package ml

import (
	"cmp"
	"fmt"
	"math"
	"slices"
)

// poissonMaxDeltaStep is LightGBM's poisson_max_delta_step: the Poisson
// hessian is exp(score + 0.7), which keeps the first steps from
// overshooting where the prediction is near zero.
const poissonMaxDeltaStep = 0.7

// objective computes gradients and hessians of a loss at raw scores.
type objective struct {
	name   string
	params ObjectiveParams
}

func newObjective(name string, p ObjectiveParams) (*objective, error) {
	switch name {
	case ObjectiveL2, ObjectiveL1, ObjectivePoisson:
	case ObjectiveHuber:
		if p.HuberDelta <= 0 {
			return nil, fmt.Errorf("ml: huber objective needs HuberDelta > 0, got %v", p.HuberDelta)
		}
	case ObjectiveQuantile:
		if !(p.Alpha > 0 && p.Alpha < 1) {
			return nil, fmt.Errorf("ml: quantile objective needs 0 < Alpha < 1, got %v", p.Alpha)
		}
	case ObjectiveTweedie:
		if !(p.TweedieVariancePower >= 1 && p.TweedieVariancePower < 2) {
			return nil, fmt.Errorf("ml: tweedie objective needs 1 <= TweedieVariancePower < 2, got %v", p.TweedieVariancePower)
		}
	default:
		return nil, fmt.Errorf("ml: unknown objective %q (want l2, l1, huber, quantile, poisson or tweedie)", name)
	}
	return &objective{name: name, params: p}, nil
}

// checkLabels rejects targets the loss is not defined for.
func (o *objective) checkLabels(y []float64) error {
	if o.name != ObjectivePoisson && o.name != ObjectiveTweedie {
		return nil
	}
	sum := 0.0
	for i, v := range y {
		if v < 0 {
			return fmt.Errorf("ml: %s objective: target of row %d is negative (%v)", o.name, i, v)
		}
		sum += v
	}
	if sum == 0 {
		return fmt.Errorf("ml: %s objective: every target is 0", o.name)
	}
	return nil
}

// initScore is the raw score that minimizes the loss before any tree:
// the (weighted) mean for l2 and huber, the median for l1, the alpha
// quantile for quantile, the log of the mean for poisson and tweedie.
func (o *objective) initScore(y, w []float64) float64 {
	switch o.name {
	case ObjectiveL1:
		return weightedQuantile(y, w, nil, 0.5)
	case ObjectiveQuantile:
		return weightedQuantile(y, w, nil, o.params.Alpha)
	case ObjectivePoisson, ObjectiveTweedie:
		return math.Log(weightedMean(y, w))
	}
	return weightedMean(y, w)
}

// gradients fills g and h at the raw scores, weighted.
func (o *objective) gradients(y, w, score, g, h []float64) {
	p := o.params
	for i, s := range score {
		var gi, hi float64
		switch o.name {
		case ObjectiveL2:
			gi, hi = s-y[i], 1
		case ObjectiveL1:
			gi, hi = sign(s-y[i]), 1
		case ObjectiveHuber:
			d := s - y[i]
			if math.Abs(d) <= p.HuberDelta {
				gi = d
			} else {
				gi = sign(d) * p.HuberDelta
			}
			hi = 1
		case ObjectiveQuantile:
			if s >= y[i] {
				gi = 1 - p.Alpha
			} else {
				gi = -p.Alpha
			}
			hi = 1
		case ObjectivePoisson:
			gi, hi = math.Exp(s)-y[i], math.Exp(s+poissonMaxDeltaStep)
		case ObjectiveTweedie:
			rho := p.TweedieVariancePower
			a, b := math.Exp((1-rho)*s), math.Exp((2-rho)*s)
			gi, hi = -y[i]*a+b, -y[i]*(1-rho)*a+(2-rho)*b
		}
		if w != nil {
			gi *= w[i]
			hi *= w[i]
		}
		g[i], h[i] = gi, hi
	}
}

// constantHessian reports whether every unweighted hessian is 1.
func (o *objective) constantHessian() bool {
	switch o.name {
	case ObjectiveL2, ObjectiveL1, ObjectiveHuber, ObjectiveQuantile:
		return true
	}
	return false
}

// refitsLeaves reports whether leaf outputs are replaced after a tree is
// grown: for l1 and quantile the gradient step is only a direction, and
// the loss-minimizing leaf value is a quantile of the leaf's residuals
// (LightGBM's RenewTreeOutput).
func (o *objective) refitsLeaves() bool {
	return o.name == ObjectiveL1 || o.name == ObjectiveQuantile
}

// leafValue is the refit output of a leaf holding rows: the median (l1)
// or alpha quantile (quantile) of y - score.
func (o *objective) leafValue(rows []int32, y, w, score []float64, buf []float64) float64 {
	alpha := 0.5
	if o.name == ObjectiveQuantile {
		alpha = o.params.Alpha
	}
	buf = buf[:0]
	for _, r := range rows {
		buf = append(buf, y[r]-score[r])
	}
	var ws []float64
	if w != nil {
		ws = make([]float64, len(rows))
		for i, r := range rows {
			ws[i] = w[r]
		}
	}
	return weightedQuantile(buf, ws, nil, alpha)
}

func sign(v float64) float64 {
	switch {
	case v > 0:
		return 1
	case v < 0:
		return -1
	}
	return 0
}

func weightedMean(y, w []float64) float64 {
	if w == nil {
		s := 0.0
		for _, v := range y {
			s += v
		}
		return s / float64(len(y))
	}
	s, sw := 0.0, 0.0
	for i, v := range y {
		s += v * w[i]
		sw += w[i]
	}
	return s / sw
}

// weightedQuantile returns the alpha quantile of v (weights w, nil for
// equal), interpolating between order statistics as LightGBM's
// PercentileFun does for unweighted data: the sorted values sit at
// positions 0 to 1, the k-th at (k-1)/(n-1). With weights, a value's
// position is the weight before it over the total weight but the last
// value's, so that equal weights give the unweighted quantile (to rounding)
// and zero weights count for nothing. idx, when not nil, is scratch of
// len(v).
func weightedQuantile(v, w []float64, idx []int, alpha float64) float64 {
	n := len(v)
	if n == 0 {
		return 0
	}
	if w == nil {
		s := slices.Clone(v)
		slices.Sort(s)
		pos := alpha * float64(n-1)
		lo := int(math.Floor(pos))
		hi := min(lo+1, n-1)
		frac := pos - float64(lo)
		return s[lo] + frac*(s[hi]-s[lo])
	}
	if idx == nil {
		idx = make([]int, n)
	}
	idx = idx[:0]
	for i := range v {
		if w[i] > 0 {
			idx = append(idx, i)
		}
	}
	if len(idx) == 0 {
		return 0
	}
	slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(v[a], v[b]) })
	total := 0.0
	for _, i := range idx {
		total += w[i]
	}
	span := total - w[idx[len(idx)-1]] // the last value's position is 1
	if span <= 0 {
		return v[idx[0]]
	}
	before := 0.0
	for k, i := range idx[:len(idx)-1] {
		next := idx[k+1]
		lo, hi := before/span, (before+w[i])/span
		if alpha <= hi {
			if hi == lo {
				return v[i]
			}
			return v[i] + (alpha-lo)/(hi-lo)*(v[next]-v[i])
		}
		before += w[i]
	}
	return v[idx[len(idx)-1]]
}
