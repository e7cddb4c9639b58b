package ml

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
)

// binSampleRows is how many rows the numeric bin boundaries are found
// from (LightGBM's bin_construct_sample_cnt is 200,000 too).
const binSampleRows = 200_000

// binMapper turns one feature's values into bins: up to maxBin value bins
// and a missing bin after them.
type binMapper struct {
	categorical bool
	// upper[k] separates bin k from bin k+1: a value v is in the first
	// bin k with v < upper[k], or in the last bin. Each is a float32 value
	// strictly between two float32 data values (see Tree).
	upper []float64
	// Categorical features: catBin maps a category to its bin (categories
	// by falling frequency); binCat is the reverse. Categories beyond the
	// bins share otherBin, which never goes left.
	catBin   map[int32]uint8
	binCat   []int32
	otherBin int // -1 when every category has its own bin
	nbins    int // value bins; the missing bin is nbins
}

// missingBin is the index of the feature's missing bin.
func (b *binMapper) missingBin() int { return b.nbins }

// bin returns v's bin.
func (b *binMapper) bin(v float64) uint8 {
	if math.IsNaN(v) {
		return uint8(b.nbins)
	}
	if b.categorical {
		c := int32(v)
		if v < 0 || float64(c) != v {
			return uint8(b.nbins)
		}
		if k, ok := b.catBin[c]; ok {
			return k
		}
		if b.otherBin >= 0 {
			return uint8(b.otherBin)
		}
		return uint8(b.nbins)
	}
	return uint8(sort.Search(len(b.upper), func(k int) bool { return v < b.upper[k] }))
}

// newNumericBins finds up to maxBin bins for values (NaN ignored), each
// holding about as many values, a distinct value never split across two.
// Values are compared as float32, the precision XGBoost predicts in.
func newNumericBins(values []float64, maxBin int, rng *rand.Rand) *binMapper {
	sample := make([]float32, 0, min(len(values), binSampleRows))
	if len(values) <= binSampleRows {
		for _, v := range values {
			if !math.IsNaN(v) {
				sample = append(sample, float32(v))
			}
		}
	} else {
		for range binSampleRows {
			if v := values[rng.IntN(len(values))]; !math.IsNaN(v) {
				sample = append(sample, float32(v))
			}
		}
	}
	slices.Sort(sample)
	type run struct {
		v float32
		n int
	}
	var runs []run
	for _, v := range sample {
		if len(runs) > 0 && runs[len(runs)-1].v == v {
			runs[len(runs)-1].n++
		} else {
			runs = append(runs, run{v, 1})
		}
	}
	b := &binMapper{otherBin: -1}
	if len(runs) <= 1 {
		b.nbins = 1
		return b
	}
	var cuts []int // cut after runs[i]
	if len(runs) <= maxBin {
		for i := range len(runs) - 1 {
			cuts = append(cuts, i)
		}
	} else {
		remaining, bins := len(sample), maxBin
		acc := 0
		for i := range len(runs) - 1 {
			acc += runs[i].n
			remaining -= runs[i].n
			// Cut when this bin holds its share of what is left, or when the
			// runs left only just suffice for the bins left.
			if bins > 1 && (float64(acc) >= float64(acc+remaining)/float64(bins) || len(runs)-1-i < bins) {
				cuts = append(cuts, i)
				bins--
				acc = 0
			}
		}
	}
	for _, i := range cuts {
		b.upper = append(b.upper, float64(between(runs[i].v, runs[i+1].v)))
	}
	b.nbins = len(b.upper) + 1
	return b
}

// between returns a float32 strictly between a < b when one exists (their
// midpoint, rounded), else b.
func between(a, b float32) float32 {
	m := float32((float64(a) + float64(b)) / 2)
	if m <= a {
		m = math.Nextafter32(a, b)
	}
	if m > b {
		m = b
	}
	return m
}

// newCategoricalBins gives each category of values its bin, the most
// frequent first, up to maxBin bins; rarer categories share the last one
// (otherBin). Values that are not non-negative integers are missing.
func newCategoricalBins(values []float64, maxBin int) *binMapper {
	counts := map[int32]int{}
	for _, v := range values {
		c := int32(v)
		if v >= 0 && float64(c) == v {
			counts[c]++
		}
	}
	cats := make([]int32, 0, len(counts))
	for c := range counts {
		cats = append(cats, c)
	}
	slices.SortFunc(cats, func(a, b int32) int {
		if d := cmp.Compare(counts[b], counts[a]); d != 0 {
			return d
		}
		return cmp.Compare(a, b)
	})
	b := &binMapper{categorical: true, catBin: map[int32]uint8{}, otherBin: -1}
	keep := cats
	if len(cats) > maxBin {
		keep = cats[:maxBin-1]
		b.otherBin = maxBin - 1
	}
	for i, c := range keep {
		b.catBin[c] = uint8(i)
		b.binCat = append(b.binCat, c)
	}
	b.nbins = len(keep)
	if b.otherBin >= 0 {
		b.nbins++
	}
	if b.nbins == 0 {
		b.nbins = 1
	}
	return b
}

// binnedData is a dataset's bins, a column of bytes per feature: rows x
// features bytes in all.
type binnedData struct {
	rows, features int
	cols           [][]uint8
	mappers        []*binMapper
	offsets        []int // feature f's histogram bins start at offsets[f]: 256 each
	histLen        int
}

// binDataset bins every feature of d with at most maxBin value bins.
func binDataset(d *Dataset, maxBin int, seed uint64) *binnedData {
	rng := rand.New(rand.NewPCG(seed, 0x0b1ba55))
	bd := &binnedData{rows: d.NumRows(), features: d.NumFeatures()}
	bd.mappers = make([]*binMapper, bd.features)
	bd.offsets = make([]int, bd.features)
	for j := range bd.features {
		if d.isCategorical(j) {
			bd.mappers[j] = newCategoricalBins(d.cols[j], maxBin)
		} else {
			bd.mappers[j] = newNumericBins(d.cols[j], maxBin, rng)
		}
		// A full 256 bins per feature: indexing by a byte then needs no
		// bounds check in the histogram loop.
		bd.offsets[j] = bd.histLen
		bd.histLen += 256
	}
	bd.cols = make([][]uint8, bd.features)
	for j, m := range bd.mappers {
		col := make([]uint8, bd.rows)
		for i, v := range d.cols[j] {
			col[i] = m.bin(v)
		}
		bd.cols[j] = col
	}
	return bd
}
