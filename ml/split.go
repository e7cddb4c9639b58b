package ml

import (
	"cmp"
	"math"
	"slices"
)

// nodeStats are a node's gradient and hessian sums and row count.
type nodeStats struct {
	g, h float64
	n    int64
}

func (a nodeStats) sub(b nodeStats) nodeStats { return nodeStats{a.g - b.g, a.h - b.h, a.n - b.n} }
func (a nodeStats) add(b histBin) nodeStats   { return nodeStats{a.g + b.g, a.h + b.h, a.n + b.n} }

// bounds are the output range monotone constraints leave a node.
type bounds struct{ lo, hi float64 }

var unbounded = bounds{math.Inf(-1), math.Inf(1)}

// split is a candidate split of a node.
type split struct {
	feature     int
	gain        float64
	bin         int  // numeric: bins <= bin go left
	missingLeft bool // where the missing bin (and unseen missing values) go
	categorical bool
	leftBins    binSet // categorical: the value bins that go left
	left, right nodeStats
	outL, outR  float64 // raw outputs, before the learning rate
}

// binSet is a set of a feature's bins (at most 256).
type binSet [4]uint64

func (b *binSet) set(k int)      { b[k/64] |= 1 << (k % 64) }
func (b *binSet) has(k int) bool { return b[k/64]&(1<<(k%64)) != 0 }

func (s *split) valid() bool { return s.feature >= 0 && s.gain > 0 }

// splitter finds the best split of a node from its histogram.
type splitter struct {
	p    *Params
	data *binnedData
}

// thresholdL1 is LightGBM's ThresholdL1: the gradient sum shrunk by l1.
func thresholdL1(g, l1 float64) float64 {
	r := math.Max(math.Abs(g)-l1, 0)
	if g < 0 {
		return -r
	}
	return r
}

// output is the loss-minimizing output of a node, capped by MaxDeltaStep
// and kept within b.
func (s *splitter) output(st nodeStats, l2 float64, b bounds) float64 {
	if st.h+l2 == 0 {
		return 0 // an empty node (an empty bag, zero weights): no information
	}
	out := -thresholdL1(st.g, s.p.LambdaL1) / (st.h + l2)
	if m := s.p.MaxDeltaStep; m > 0 && math.Abs(out) > m {
		out = math.Copysign(m, out)
	}
	return math.Min(math.Max(out, b.lo), b.hi)
}

// gainOf is the loss reduction of giving a node output out.
func (s *splitter) gainOf(st nodeStats, l2, out float64) float64 {
	return -(2*thresholdL1(st.g, s.p.LambdaL1)*out + (st.h+l2)*out*out)
}

// fits reports whether a child meets the leaf-size bounds.
func (s *splitter) fits(st nodeStats) bool {
	return st.n >= int64(s.p.MinDataInLeaf) && st.h >= s.p.MinSumHessianInLeaf
}

// best returns the best split of a node with stats parent, histogram hist
// and output bounds b over the features allowed.
func (s *splitter) best(hist histogram, parent nodeStats, b bounds, allowed []bool) split {
	best := split{feature: -1}
	for f, m := range s.data.mappers {
		if !allowed[f] {
			continue
		}
		var c split
		if m.categorical {
			c = s.bestCategorical(f, hist, parent, b)
		} else {
			c = s.bestNumeric(f, hist, parent, b)
		}
		if c.feature >= 0 && (best.feature < 0 || c.gain > best.gain) {
			best = c
		}
	}
	return best
}

func (s *splitter) monotone(f int) int {
	if f < len(s.p.MonotoneConstraints) {
		return s.p.MonotoneConstraints[f]
	}
	return 0
}

func (s *splitter) bestNumeric(f int, hist histogram, parent nodeStats, b bounds) split {
	m := s.data.mappers[f]
	off := s.data.offsets[f]
	bins := hist[off : off+m.nbins]
	miss := hist[off+m.nbins]
	l2 := s.p.LambdaL2
	parentGain := s.gainOf(parent, l2, s.output(parent, l2, b))
	mono := s.monotone(f)
	best := split{feature: -1}
	try := func(k int, left nodeStats, missingLeft bool) {
		right := parent.sub(left)
		if !s.fits(left) || !s.fits(right) {
			return
		}
		outL, outR := s.output(left, l2, b), s.output(right, l2, b)
		if mono > 0 && outL > outR || mono < 0 && outL < outR {
			return
		}
		gain := s.gainOf(left, l2, outL) + s.gainOf(right, l2, outR) - parentGain
		if gain <= s.p.MinGainToSplit || (best.feature >= 0 && gain <= best.gain) {
			return
		}
		best = split{feature: f, gain: gain, bin: k, missingLeft: missingLeft, left: left, right: right, outL: outL, outR: outR}
	}
	var cum nodeStats
	for k := 0; k < m.nbins-1; k++ {
		cum = cum.add(bins[k])
		if miss.n > 0 {
			try(k, cum, false)
			try(k, cum.add(miss), true)
		} else {
			try(k, cum, false)
		}
	}
	if miss.n > 0 {
		// Missing against present: bin -1 sends every value right (the
		// threshold -Inf), the missing ones left.
		try(-1, nodeStats{}.add(miss), true)
	}
	if best.feature >= 0 && miss.n == 0 {
		// No missing value reached this node in training: send unseen
		// ones where most of the hessian went.
		best.missingLeft = best.left.h >= best.right.h
	}
	return best
}

func (s *splitter) bestCategorical(f int, hist histogram, parent nodeStats, b bounds) split {
	m := s.data.mappers[f]
	off := s.data.offsets[f]
	// As LightGBM: the parent's gain with the plain L2; CatL2 joins the
	// children's L2 in many-vs-many splits only.
	parentGain := s.gainOf(parent, s.p.LambdaL2, s.output(parent, s.p.LambdaL2, b))
	best := split{feature: -1}
	better := func(left nodeStats, l2 float64) bool {
		right := parent.sub(left)
		outL, outR := s.output(left, l2, b), s.output(right, l2, b)
		gain := s.gainOf(left, l2, outL) + s.gainOf(right, l2, outR) - parentGain
		if gain <= s.p.MinGainToSplit || (best.feature >= 0 && gain <= best.gain) {
			return false
		}
		best = split{feature: f, gain: gain, categorical: true, left: left, right: right, outL: outL, outR: outR}
		return true
	}
	if m.nbins <= s.p.MaxCatToOneHot {
		// One category against the rest.
		oneHot := -1
		for k := range m.nbins {
			left := nodeStats{}.add(hist[off+k])
			if k == m.otherBin || left.n == 0 || !s.fits(left) || !s.fits(parent.sub(left)) {
				continue
			}
			if better(left, s.p.LambdaL2) {
				oneHot = k
			}
		}
		if oneHot >= 0 {
			best.leftBins.set(oneHot)
		}
		return best
	}
	// Many against many: the categories with at least CatSmooth rows,
	// sorted by their smoothed gradient ratio; a prefix from either end
	// goes left, tried each time it has gained MinDataPerGroup rows, while
	// the right side keeps MinDataInLeaf and MinDataPerGroup rows. A
	// feature has at most 256 bins: the scratch stays on the stack, and
	// the winner's bins are written once, at the end (splits are evaluated
	// for every leaf and feature: garbage here would grow the heap).
	type catRatio struct {
		ratio float64
		bin   int
	}
	var sortBuf [256]catRatio
	sorted := sortBuf[:0]
	for k := range m.nbins {
		if e := hist[off+k]; k != m.otherBin && e.n > 0 && float64(e.n) >= s.p.CatSmooth {
			sorted = append(sorted, catRatio{e.g / (e.h + s.p.CatSmooth), k})
		}
	}
	// Ratios computed once (a comparison sort would otherwise divide on
	// every comparison); ties keep bin order, as a stable sort would.
	slices.SortFunc(sorted, func(a, b catRatio) int {
		return cmp.Or(cmp.Compare(a.ratio, b.ratio), cmp.Compare(a.bin, b.bin))
	})
	var groupBuf [256]int
	groups := groupBuf[:0]
	for _, c := range sorted {
		groups = append(groups, c.bin)
	}
	maxK := min(s.p.MaxCatThreshold, (len(groups)+1)/2)
	l2 := s.p.LambdaL2 + s.p.CatL2
	group := func(fromEnd bool, i int) int {
		if fromEnd {
			return groups[len(groups)-1-i]
		}
		return groups[i]
	}
	bestFromEnd, bestLen := false, 0
	for _, fromEnd := range []bool{false, true} {
		var left nodeStats
		var sinceTried int64
		for i := range min(maxK, len(groups)) {
			bin := hist[off+group(fromEnd, i)]
			left = left.add(bin)
			sinceTried += bin.n
			if !s.fits(left) {
				continue
			}
			right := parent.sub(left)
			if !s.fits(right) || right.n < int64(s.p.MinDataPerGroup) {
				break
			}
			if sinceTried < int64(s.p.MinDataPerGroup) {
				continue
			}
			sinceTried = 0
			if better(left, l2) {
				bestFromEnd, bestLen = fromEnd, i+1
			}
		}
	}
	for i := range bestLen {
		best.leftBins.set(group(bestFromEnd, i))
	}
	return best
}
