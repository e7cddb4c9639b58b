package ml

import "sync"

// histBin accumulates the gradients, hessians and row count of one bin.
type histBin struct {
	g, h float64
	n    int64
}

// histogram holds the bins of every feature of one node, feature f's at
// binnedData.offsets[f] (its value bins, then its missing bin).
type histogram []histBin

// histChunkRows is the row chunk histograms are summed over. Chunks are
// fixed by row count, not by thread, and added in chunk order, so a
// histogram's floating-point sums, and with them the trained model, are
// the same whatever the number of threads.
const histChunkRows = 1 << 14

// histBuilder builds node histograms on a fixed number of goroutines.
type histBuilder struct {
	data    *binnedData
	threads int
	pool    sync.Pool // of histogram, for chunk partials
}

func newHistBuilder(data *binnedData, threads int) *histBuilder {
	hb := &histBuilder{data: data, threads: max(threads, 1)}
	hb.pool.New = func() any { return make(histogram, data.histLen) }
	return hb
}

// build fills out (zeroed here) with the histogram of rows, reading
// gradients and hessians g and h by row.
func (hb *histBuilder) build(out histogram, rows []int32, g, h []float64) {
	clear(out)
	nchunks := (len(rows) + histChunkRows - 1) / histChunkRows
	if nchunks <= 1 || hb.threads == 1 {
		// One goroutine, still chunk by chunk so that sums match the
		// parallel path.
		if nchunks <= 1 {
			hb.accumulate(out, rows, g, h)
			return
		}
		part := hb.pool.Get().(histogram)
		for c := range nchunks {
			clear(part)
			hb.accumulate(part, rows[c*histChunkRows:min((c+1)*histChunkRows, len(rows))], g, h)
			addHist(out, part)
		}
		hb.pool.Put(part)
		return
	}
	parts := make([]histogram, nchunks)
	var wg sync.WaitGroup
	next := make(chan int, nchunks)
	for c := range nchunks {
		next <- c
	}
	close(next)
	for range min(hb.threads, nchunks) {
		wg.Go(func() {
			for c := range next {
				part := hb.pool.Get().(histogram)
				clear(part)
				hb.accumulate(part, rows[c*histChunkRows:min((c+1)*histChunkRows, len(rows))], g, h)
				parts[c] = part
			}
		})
	}
	wg.Wait()
	for _, part := range parts {
		addHist(out, part)
		hb.pool.Put(part)
	}
}

// accumulate adds rows into out, row by row over all features (the row's
// gradient and hessian are read once for every feature).
func (hb *histBuilder) accumulate(out histogram, rows []int32, g, h []float64) {
	f := hb.data.features
	bins, offsets := hb.data.bins, hb.data.offsets
	for _, r := range rows {
		gr, hr := g[r], h[r]
		rowBins := bins[int(r)*f : int(r)*f+f]
		for j, b := range rowBins {
			hbin := &out[offsets[j]+int(b)]
			hbin.g += gr
			hbin.h += hr
			hbin.n++
		}
	}
}

// addHist adds b into a.
func addHist(a, b histogram) {
	for i := range a {
		a[i].g += b[i].g
		a[i].h += b[i].h
		a[i].n += b[i].n
	}
}

// subtractHist sets out = parent - child: the sibling's histogram, without
// reading its rows.
func subtractHist(out, parent, child histogram) {
	for i := range out {
		out[i] = histBin{parent[i].g - child[i].g, parent[i].h - child[i].h, parent[i].n - child[i].n}
	}
}
