package quality

import (
	"fmt"
	"math"
	"slices"
)

// gxKL is expect_column_kl_divergence_to_be_less_than with a given
// partition_object: categorical ({values, weights}) or continuous ({bins,
// weights, tail_weights?}), computed as GX's pandas implementation does
// (scipy.stats.entropy of observed against expected weights).
type gxKL struct {
	column       string
	categorical  bool
	values       []any
	bins         []float64
	weights      []float64
	tailWeights  []float64 // nil when absent
	threshold    float64
	hasThreshold bool
	tail, intern float64 // tail_weight_holdout, internal_weight_holdout
}

func gxBuildKL(a *gxArgs) (gxImpl, error) {
	col, err := a.str("column", true)
	if err != nil {
		return nil, err
	}
	g := &gxKL{column: col}
	if g.threshold, g.hasThreshold, err = a.num("threshold"); err != nil {
		return nil, err
	}
	if g.hasThreshold && g.threshold < 0 {
		return nil, fmt.Errorf("Threshold must be specified, greater than or equal to zero.")
	}
	var ok bool
	if g.tail, ok, err = a.num("tail_weight_holdout"); err != nil || ok && (g.tail < 0 || g.tail > 1) {
		return nil, gxOr(err, "tail_weight_holdout must be between zero and one.")
	}
	if g.intern, ok, err = a.num("internal_weight_holdout"); err != nil || ok && (g.intern < 0 || g.intern > 1) {
		return nil, gxOr(err, "internal_weight_holdout must be between zero and one.")
	}
	if b, err := a.boolean("bucketize_data", true); err != nil {
		return nil, err
	} else if !b {
		return nil, fmt.Errorf("bucketize_data false is not supported")
	}
	po, ok := a.get("partition_object")
	pm, isMap := po.(map[string]any)
	if !ok || !isMap {
		return nil, fmt.Errorf("partition_object is required (building one from the data is not supported)")
	}
	nums := func(key string) ([]float64, error) {
		l, _ := pm[key].([]any)
		out := make([]float64, len(l))
		for i, v := range l {
			f, ok := gxNumber(v)
			if !ok {
				return nil, fmt.Errorf("Invalid partition object: %s[%d] is %v", key, i, v)
			}
			out[i] = f
		}
		return out, nil
	}
	if g.weights, err = nums("weights"); err != nil {
		return nil, err
	}
	if _, has := pm["tail_weights"]; has {
		if g.tailWeights, err = nums("tail_weights"); err != nil {
			return nil, err
		}
		if g.tail != 0 {
			return nil, fmt.Errorf("tail_weight_holdout must be 0 when using tail_weights in partition object")
		}
	}
	allclose1 := func(ws []float64) bool { return math.Abs(gxPairwiseSum(ws)-1) <= 1e-8+1e-5 }
	if vals, isCat := pm["values"].([]any); isCat {
		g.categorical, g.values = true, vals
		if len(vals) != len(g.weights) || !allclose1(g.weights) {
			return nil, fmt.Errorf("Invalid partition object.")
		}
		if g.intern > 0 {
			return nil, fmt.Errorf("Internal weight holdout cannot be used for discrete data.")
		}
		return g, nil
	}
	if g.bins, err = nums("bins"); err != nil {
		return nil, err
	}
	comb := append(slices.Clone(g.tailWeights), g.weights...)
	valid := len(g.bins) == len(g.weights)+1 && (g.tailWeights == nil || len(g.tailWeights) == 2) && allclose1(comb)
	for i := 1; i < len(g.bins); i++ {
		valid = valid && g.bins[i] > g.bins[i-1]
	}
	if !valid {
		return nil, fmt.Errorf("Invalid partition object.")
	}
	return g, nil
}

func gxOr(err error, msg string) error {
	if err != nil {
		return err
	}
	return fmt.Errorf("%s", msg)
}

func (g *gxKL) columns() []string { return []string{g.column} }

func (g *gxKL) eval(c *gxCtx) (gxOutcome, error) {
	col, err := c.column(g.column)
	if err != nil {
		return gxOutcome{}, err
	}
	nonnull := float64(col.Len() - gxMissing(col))
	var kl float64
	var details map[string]any
	if g.categorical {
		kl, details = g.categoricalKL(col, nonnull)
	} else {
		if col.Family() != FamilyNumeric {
			return gxOutcome{}, fmt.Errorf("a continuous partition needs a numeric column; %s is %s", col.Name, gxTypeName(col))
		}
		kl, details = g.continuousKL(col, nonnull)
	}
	var observed any
	if !math.IsInf(kl, 0) && !math.IsNaN(kl) {
		observed = kl
	}
	success := !g.hasThreshold || kl <= g.threshold
	res := ExpectationResult{ObservedValue: observed, Details: details, Keys: KeyObservedValue | KeyDetails}
	return gxOutcome{success: success, result: res}, nil
}

func (g *gxKL) categoricalKL(col *Column, nonnull float64) (float64, map[string]any) {
	vc := col.Distinct()
	observedVals, counts := gxSortedDistinct(col, vc)
	index := slices.Clone(g.values)
	pos := map[string]int{}
	for i, v := range index {
		pos[gxCountKey(gxSetMember(col, v))] = i
	}
	pk := make([]float64, len(index))
	qk := slices.Clone(g.weights)
	missing := 0
	for i, v := range observedVals {
		w := float64(counts[i].Count) / nonnull
		if j, ok := pos[gxCountKey(v)]; ok {
			pk[j] = w
			continue
		}
		index = append(index, v)
		pk = append(pk, w)
		qk = append(qk, math.NaN())
		missing++
	}
	if missing > 0 {
		for i := range qk {
			if qk[i] != qk[i] {
				qk[i] = g.tail / float64(missing)
			} else {
				qk[i] *= 1 - g.tail
			}
		}
	}
	kl := gxEntropy(pk, qk)
	return kl, map[string]any{
		"observed_partition": map[string]any{"values": index, "weights": gxFloatList(pk)},
		"expected_partition": map[string]any{"values": index, "weights": gxFloatList(qk)},
	}
}

func (g *gxKL) continuousKL(col *Column, nonnull float64) (float64, map[string]any) {
	bins := g.bins
	hist := make([]float64, len(bins)-1)
	var below, above float64
	first, last := bins[0], bins[len(bins)-1]
	gxEachNumber(col, func(_ int64, v float64) {
		if v <= first {
			below++
		}
		if v > last {
			above++
		}
		if v < first || v > last {
			return
		}
		// np.histogram: [b_i, b_i+1), the last bin closed.
		i, found := slices.BinarySearch(bins, v)
		if !found {
			i--
		}
		hist[min(i, len(hist)-1)]++
	})
	observed := make([]float64, len(hist))
	for i, h := range hist {
		observed[i] = h / nonnull
	}
	expected := make([]float64, len(g.weights))
	zeros := 0
	for i, w := range g.weights {
		expected[i] = w * (1 - g.tail - g.intern)
		if expected[i] == 0 {
			zeros++
		}
	}
	if g.intern > 0 && zeros > 0 {
		for i := range expected {
			if expected[i] == 0 {
				expected[i] = g.intern / float64(zeros)
			}
		}
	}
	expTail := []float64{g.tail / 2, g.tail / 2}
	if g.tailWeights != nil {
		expTail = g.tailWeights
	}
	obsTail := []float64{below / nonnull, above / nonnull}
	combE := append(append([]float64{expTail[0]}, expected...), expTail[1])
	combO := append(append([]float64{obsTail[0]}, observed...), obsTail[1])
	kl := gxEntropy(combO, combE)
	binsOut := gxFloatList(bins)
	return kl, map[string]any{
		"observed_partition": map[string]any{"bins": binsOut, "weights": gxFloatList(observed), "tail_weights": gxFloatList(obsTail)},
		"expected_partition": map[string]any{"bins": binsOut, "weights": gxFloatList(expected), "tail_weights": gxFloatList(expTail)},
	}
}

// gxEntropy is scipy.stats.entropy(pk, qk): both normalized to sum 1,
// then the sum of rel_entr, in nats.
func gxEntropy(pk, qk []float64) float64 {
	sp, sq := gxPairwiseSum(pk), gxPairwiseSum(qk)
	terms := make([]float64, len(pk))
	for i := range pk {
		x, y := pk[i]/sp, qk[i]/sq
		switch {
		case x != x || y != y:
			terms[i] = math.NaN()
		case x > 0 && y > 0:
			terms[i] = x * math.Log(x/y)
		case x == 0 && y >= 0:
			terms[i] = 0
		default:
			terms[i] = math.Inf(1)
		}
	}
	return gxPairwiseSum(terms)
}

// gxPairwiseSum adds as numpy's np.sum does (pairwise, eight accumulators
// per block), so sums match numpy's bit for bit.
func gxPairwiseSum(a []float64) float64 {
	n := len(a)
	switch {
	case n < 8:
		res := 0.0
		for _, v := range a {
			res += v
		}
		return res
	case n <= 128:
		var r [8]float64
		copy(r[:], a[:8])
		i := 8
		for ; i < n-n%8; i += 8 {
			for j := 0; j < 8; j++ {
				r[j] += a[i+j]
			}
		}
		res := (r[0] + r[1]) + (r[2] + r[3]) + ((r[4] + r[5]) + (r[6] + r[7]))
		for ; i < n; i++ {
			res += a[i]
		}
		return res
	}
	n2 := n / 2
	n2 -= n2 % 8
	return gxPairwiseSum(a[:n2]) + gxPairwiseSum(a[n2:])
}

func gxFloatList(f []float64) []any {
	out := make([]any, len(f))
	for i, v := range f {
		out[i] = v
	}
	return out
}
