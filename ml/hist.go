package ml

import (
	"sync"
	"sync/atomic"
)

// histBin accumulates the gradients, hessians and row count of one bin.
type histBin struct {
	g, h float64
	n    int64
}

// histogram holds the bins of every feature of one node, feature f's at
// binnedData.offsets[f] (its value bins, then its missing bin).
type histogram []histBin

// histBuilder builds node histograms, one feature per goroutine at a
// time. Every bin is summed in row order whatever goroutine does it, so a
// histogram's floating-point sums, and with them the trained model, are
// the same for any number of threads.
type histBuilder struct {
	data      *binnedData
	threads   int
	constHess float64   // > 0 when every hessian is this value (the histogram then skips them)
	og, oh    []float64 // the node's gradients and hessians in row order
}

func newHistBuilder(data *binnedData, threads int) *histBuilder {
	return &histBuilder{data: data, threads: max(threads, 1)}
}

// parallelRows is the node size below which one goroutine builds the
// whole histogram: spreading less work costs more than it saves.
const parallelRows = 2048

// build fills out with the histogram of rows, reading gradients and
// hessians g and h by row.
func (hb *histBuilder) build(out histogram, rows []int32, g, h []float64) {
	clear(out)
	// Gather the node's gradients once: every feature then reads them in
	// order instead of at random.
	if cap(hb.og) < len(g) {
		hb.og = make([]float64, len(g))
		hb.oh = make([]float64, len(g))
	}
	hb.og, hb.oh = hb.og[:len(rows)], hb.oh[:len(rows)]
	gather := func(lo, hi int) {
		for i, r := range rows[lo:hi] {
			hb.og[lo+i] = g[r]
		}
		if hb.constHess == 0 {
			for i, r := range rows[lo:hi] {
				hb.oh[lo+i] = h[r]
			}
		}
	}
	if len(rows) < parallelRows || hb.threads == 1 {
		gather(0, len(rows))
	} else {
		parallelRange(len(rows), hb.threads, gather)
	}
	F := hb.data.features
	if len(rows) < parallelRows || hb.threads == 1 {
		for j := range F {
			hb.feature(out, j, rows)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(hb.threads, F) {
		wg.Go(func() {
			for {
				j := int(next.Add(1) - 1)
				if j >= F {
					return
				}
				hb.feature(out, j, rows)
			}
		})
	}
	wg.Wait()
}

// feature fills feature j's part of out.
func (hb *histBuilder) feature(out histogram, j int, rows []int32) {
	hf := (*[256]histBin)(out[hb.data.offsets[j] : hb.data.offsets[j]+256])
	col := hb.data.cols[j]
	og := hb.og[:len(rows)]
	if c := hb.constHess; c > 0 {
		for i, r := range rows {
			e := &hf[col[r]]
			e.g += og[i]
			e.n++
		}
		for k := range hf {
			hf[k].h = float64(hf[k].n) * c
		}
		return
	}
	oh := hb.oh[:len(rows)]
	for i, r := range rows {
		e := &hf[col[r]]
		e.g += og[i]
		e.h += oh[i]
		e.n++
	}
}

// parallelRange splits [0, n) into one contiguous range per goroutine.
func parallelRange(n, threads int, fn func(lo, hi int)) {
	step := (n + threads - 1) / threads
	var wg sync.WaitGroup
	for lo := 0; lo < n; lo += step {
		wg.Go(func() { fn(lo, min(lo+step, n)) })
	}
	wg.Wait()
}

// subtractHist sets out = parent - child: the sibling's histogram, without
// reading its rows.
func subtractHist(out, parent, child histogram) {
	for i := range out {
		out[i] = histBin{parent[i].g - child[i].g, parent[i].h - child[i].h, parent[i].n - child[i].n}
	}
}
