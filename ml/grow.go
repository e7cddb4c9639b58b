package ml

import (
	"math"
	"slices"
	"sync"
	"sync/atomic"
)

// leaf is a leaf of the tree being grown: its node, its rows (a segment of
// grower.rows), stats, histogram, depth, output bounds and best split.
type leaf struct {
	node       int32
	begin, end int
	stats      nodeStats
	hist       histogram
	depth      int
	bounds     bounds
	out        float64 // raw output
	best       split
}

// grower grows one tree on binned data.
type grower struct {
	p        *Params
	data     *binnedData
	hb       *histBuilder
	sp       splitter
	allowed  []bool // features this tree may split on
	rows     []int32
	g, h     []float64
	free     []histogram // histograms to reuse
	scratch  []int32     // partition buffers: left rows
	scratchR []int32     // and right rows
}

func (gr *grower) newHist() histogram {
	if n := len(gr.free); n > 0 {
		h := gr.free[n-1]
		gr.free = gr.free[:n-1]
		return h
	}
	return make(histogram, gr.data.histLen)
}

func (gr *grower) release(h histogram) {
	if h != nil {
		gr.free = append(gr.free, h)
	}
}

// statsOf sums a histogram's first feature (every row is in one of its
// bins).
func (gr *grower) statsOf(h histogram) nodeStats {
	var s nodeStats
	f0 := gr.data.mappers[0]
	for _, b := range h[:f0.nbins+1] {
		s = s.add(b)
	}
	return s
}

// grow grows a tree on gr.rows and returns it with its leaves, whose
// segments of gr.rows say which rows each holds.
func (gr *grower) grow() (*Tree, []*leaf) {
	p := gr.p
	t := &Tree{}
	root := &leaf{begin: 0, end: len(gr.rows), bounds: unbounded, hist: gr.newHist()}
	gr.hb.build(root.hist, gr.rows, gr.g, gr.h)
	root.stats = gr.statsOf(root.hist)
	root.out = gr.sp.output(root.stats, p.LambdaL2, unbounded)
	root.node = t.addNode(p.LearningRate*root.out, root.stats.h, root.stats.n)
	gr.evaluate(root)
	leaves := []*leaf{root}
	maxLeaves := p.NumLeaves
	if maxLeaves <= 0 {
		maxLeaves = math.MaxInt
	}
	if p.Growth == GrowDepthWise {
		level := []*leaf{root}
		for len(level) > 0 && len(leaves) < maxLeaves {
			var next []*leaf
			for _, l := range level {
				if len(leaves) >= maxLeaves || !l.best.valid() {
					continue
				}
				a, b := gr.split(t, l, len(leaves)+1 >= maxLeaves)
				leaves = replaceLeaf(leaves, l, a, b)
				next = append(next, a, b)
			}
			level = next
		}
	} else {
		for len(leaves) < maxLeaves {
			var pick *leaf
			for _, l := range leaves {
				if l.best.valid() && (pick == nil || l.best.gain > pick.best.gain) {
					pick = l
				}
			}
			if pick == nil {
				break
			}
			a, b := gr.split(t, pick, len(leaves)+1 >= maxLeaves)
			leaves = replaceLeaf(leaves, pick, a, b)
		}
	}
	for _, l := range leaves {
		gr.release(l.hist)
		l.hist = nil
	}
	return t, leaves
}

func replaceLeaf(leaves []*leaf, old, a, b *leaf) []*leaf {
	i := slices.Index(leaves, old)
	leaves[i] = a
	return append(leaves, b)
}

// mayGrow reports whether leaf l may still be split: below the depth cap
// and with rows enough for two children.
func (gr *grower) mayGrow(l *leaf) bool {
	return (gr.p.MaxDepth <= 0 || l.depth < gr.p.MaxDepth) &&
		l.stats.n >= 2*int64(gr.p.MinDataInLeaf) && l.stats.n >= 2
}

// evaluate finds l's best split unless l may not split (or has no
// histogram, having been judged unsplittable before).
func (gr *grower) evaluate(l *leaf) {
	l.best = split{feature: -1}
	if l.hist == nil || !gr.mayGrow(l) {
		return
	}
	l.best = gr.sp.best(l.hist, l.stats, l.bounds, gr.allowed)
}

// split splits leaf l by its best split: it partitions l's rows, sets the
// node's split, adds the two children and evaluates their splits.
func (gr *grower) split(t *Tree, l *leaf, lastSplit bool) (*leaf, *leaf) {
	s := l.best
	m := gr.data.mappers[s.feature]
	mid := gr.partition(l.begin, l.end, &s)
	lr := gr.p.LearningRate

	n := l.node
	t.Feature[n] = int32(s.feature)
	t.DefaultLeft[n] = s.missingLeft
	t.Gain[n] = s.gain
	if s.categorical {
		t.Categorical[n] = true
		var cats []int32
		for k := range m.nbins {
			if s.leftBins.has(k) {
				cats = append(cats, m.binCat[k])
			}
		}
		slices.Sort(cats)
		t.CatStart[n] = int32(len(t.Categories))
		t.CatLen[n] = int32(len(cats))
		t.Categories = append(t.Categories, cats...)
	} else {
		t.Threshold[n] = math.Inf(-1) // bin -1: missing against present
		if s.bin >= 0 {
			t.Threshold[n] = m.upper[s.bin]
		}
	}

	bl, br := l.bounds, l.bounds
	if !s.categorical {
		switch gr.sp.monotone(s.feature) {
		case 1:
			mid := (s.outL + s.outR) / 2
			bl.hi, br.lo = math.Min(bl.hi, mid), math.Max(br.lo, mid)
		case -1:
			mid := (s.outL + s.outR) / 2
			bl.lo, br.hi = math.Max(bl.lo, mid), math.Min(br.hi, mid)
		}
	}
	a := &leaf{begin: l.begin, end: mid, stats: s.left, depth: l.depth + 1, bounds: bl, out: s.outL}
	b := &leaf{begin: mid, end: l.end, stats: s.right, depth: l.depth + 1, bounds: br, out: s.outR}
	a.node = t.addNode(lr*a.out, a.stats.h, a.stats.n)
	b.node = t.addNode(lr*b.out, b.stats.h, b.stats.n)
	t.Left[n], t.Right[n] = a.node, b.node

	// Histogram subtraction: build the smaller child, derive the larger;
	// none for a child that can never split (at the depth cap, too few
	// rows, or no leaf left to grow into).
	small, large := a, b
	if b.end-b.begin < a.end-a.begin {
		small, large = b, a
	}
	last := lastSplit
	if (gr.mayGrow(small) || gr.mayGrow(large)) && !last {
		small.hist = gr.newHist()
		gr.hb.build(small.hist, gr.rows[small.begin:small.end], gr.g, gr.h)
		if gr.mayGrow(large) {
			large.hist = l.hist // reuse the parent's buffer
			subtractHist(large.hist, l.hist, small.hist)
			l.hist = nil
		}
	}
	gr.release(l.hist)
	l.hist = nil
	gr.evaluate(a)
	gr.evaluate(b)
	return a, b
}

// partitionBlock is the row block partition works in, in parallel for
// large nodes.
const partitionBlock = 1 << 12

// partition reorders rows[begin:end] so that the rows going left come
// first, each side keeping its row order, and returns where the right
// ones start. Keeping row order means histograms read bins and gradients
// front to back, and their chunk sums do not depend on split history.
func (gr *grower) partition(begin, end int, s *split) int {
	f := s.feature
	col := gr.data.cols[f]
	miss := uint8(gr.data.mappers[f].missingBin())
	var leftBin [256]bool
	for b := range 256 {
		switch {
		case b == int(miss):
			leftBin[b] = s.missingLeft
		case s.categorical:
			leftBin[b] = s.leftBins.has(b)
		default:
			leftBin[b] = b <= s.bin
		}
	}
	rows := gr.rows[begin:end]
	if cap(gr.scratch) < len(gr.rows) {
		gr.scratch = make([]int32, len(gr.rows))
	}
	scratch := gr.scratch[:len(rows)]
	nblocks := (len(rows) + partitionBlock - 1) / partitionBlock
	if nblocks == 1 || gr.p.Threads == 1 {
		i, k := 0, 0
		for _, r := range rows { // branch-free, as below; rows[i] was read already
			b := boolInt(leftBin[col[r]])
			rows[i] = r
			scratch[k] = r
			i += b
			k += 1 - b
		}
		copy(rows[i:], scratch[:k])
		return begin + i
	}
	// One pass over blocks puts each block's left and right rows, in
	// order, into its own stretch of two scratch buffers; copies then lay
	// the blocks' stretches side by side.
	if cap(gr.scratchR) < len(gr.rows) {
		gr.scratchR = make([]int32, len(gr.rows))
	}
	scratchR := gr.scratchR[:len(rows)]
	nl := make([]int, nblocks)
	gr.parallel(nblocks, func(bk int) {
		lo := bk * partitionBlock
		li, ri := lo, lo
		// Branch-free: the sides are a coin toss to the branch predictor.
		// Both buffers take the row and one index moves on; the spare write
		// stays inside this block's stretch (li and ri never pass the rows
		// read so far).
		for _, r := range rows[lo:min(lo+partitionBlock, len(rows))] {
			k := boolInt(leftBin[col[r]])
			scratch[li] = r
			scratchR[ri] = r
			li += k
			ri += 1 - k
		}
		nl[bk] = li - lo
	})
	nleft := 0
	for _, k := range nl {
		nleft += k
	}
	li, ri := 0, nleft
	for bk := range nblocks {
		lo := bk * partitionBlock
		hi := min(lo+partitionBlock, len(rows))
		li += copy(rows[li:], scratch[lo:lo+nl[bk]])
		ri += copy(rows[ri:], scratchR[lo:lo+(hi-lo)-nl[bk]])
	}
	return begin + nleft
}

// boolInt is 1 for true, 0 for false.
func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// parallel runs fn(0..n-1) on up to Threads goroutines.
func (gr *grower) parallel(n int, fn func(i int)) {
	workers := min(gr.p.Threads, n)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				fn(i)
			}
		})
	}
	wg.Wait()
}
