package quality

import (
	"fmt"
	"math"
)

// gxQuantiles is expect_column_quantile_values_to_be_between.
type gxQuantiles struct {
	column    string
	raw       []any // quantiles as given, reported back
	quantiles []float64
	lo, hi    []float64 // -inf / +inf where the range is open (null)
	method    string    // numpy interpolation; GX's pandas default "nearest"
}

func gxBuildQuantiles(a *gxArgs) (gxImpl, error) {
	col, err := a.str("column", true)
	if err != nil {
		return nil, err
	}
	qr, ok := a.get("quantile_ranges")
	if !ok {
		return nil, fmt.Errorf("missing kwarg quantile_ranges")
	}
	m, ok := qr.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("quantile_ranges must be an object with quantiles and value_ranges")
	}
	qs, _ := m["quantiles"].([]any)
	vrs, _ := m["value_ranges"].([]any)
	if len(qs) != len(vrs) {
		return nil, fmt.Errorf("quantile_ranges: quantiles and value_ranges must have the same length (%d and %d)", len(qs), len(vrs))
	}
	g := &gxQuantiles{column: col, raw: qs, method: "nearest"}
	for i, q := range qs {
		f, ok := gxNumber(q)
		if !ok || f < 0 || f > 1 {
			return nil, fmt.Errorf("quantile_ranges: quantiles[%d] must be a number in [0, 1], got %v", i, q)
		}
		vr, ok := vrs[i].([]any)
		if !ok || len(vr) != 2 {
			return nil, fmt.Errorf("quantile_ranges: value_ranges[%d] must be a [min, max] pair, got %v", i, vrs[i])
		}
		lo, hi := math.Inf(-1), math.Inf(1)
		if vr[0] != nil {
			if lo, ok = gxNumber(vr[0]); !ok {
				return nil, fmt.Errorf("quantile_ranges: value_ranges[%d] holds %v, want numbers or null", i, vr[0])
			}
		}
		if vr[1] != nil {
			if hi, ok = gxNumber(vr[1]); !ok {
				return nil, fmt.Errorf("quantile_ranges: value_ranges[%d] holds %v, want numbers or null", i, vr[1])
			}
		}
		if lo > hi {
			return nil, fmt.Errorf("quantile_ranges: value_ranges[%d] has min %v above max %v", i, lo, hi)
		}
		g.quantiles, g.lo, g.hi = append(g.quantiles, f), append(g.lo, lo), append(g.hi, hi)
	}
	if v, ok := a.get("allow_relative_error"); ok {
		switch v := v.(type) {
		case bool:
			if v {
				return nil, fmt.Errorf("allow_relative_error must be one of linear, lower, higher, midpoint, nearest for pandas data")
			}
		case string:
			switch v {
			case "linear", "lower", "higher", "midpoint", "nearest":
				g.method = v
			default:
				return nil, fmt.Errorf("allow_relative_error must be one of linear, lower, higher, midpoint, nearest, got %q", v)
			}
		default:
			return nil, fmt.Errorf("allow_relative_error must be one of linear, lower, higher, midpoint, nearest for pandas data, got %v", v)
		}
	}
	return g, nil
}

func (g *gxQuantiles) columns() []string { return []string{g.column} }

func (g *gxQuantiles) eval(c *gxCtx) (gxOutcome, error) {
	col, err := c.column(g.column)
	if err != nil {
		return gxOutcome{}, err
	}
	if col.Family() != FamilyNumeric {
		return gxOutcome{}, fmt.Errorf("could not compute quantiles of column %s of type %s", col.Name, gxTypeName(col))
	}
	sorted := col.Sorted()
	values := make([]any, len(g.quantiles))
	details := make([]any, len(g.quantiles))
	success := true
	for i, q := range g.quantiles {
		v := gxQuantile(sorted, q, g.method)
		ok := g.lo[i] <= v && v <= g.hi[i]
		success = success && ok
		values[i], details[i] = v, ok
	}
	qs := g.raw
	if qs == nil {
		qs = []any{}
	}
	res := ExpectationResult{
		ObservedValue: map[string]any{"quantiles": qs, "values": values},
		Details:       map[string]any{"success_details": details},
		Keys:          KeyObservedValue | KeyDetails,
	}
	return gxOutcome{success: success, result: res}, nil
}

// gxQuantile computes a quantile of sorted values as pandas'
// Series.quantile does with numpy's interpolation methods (the quantile
// passes through a percentage as in np.percentile).
func gxQuantile(sorted []float64, q float64, method string) float64 {
	n := len(sorted)
	if n == 0 {
		return math.NaN()
	}
	h := float64(n-1) * ((q * 100) / 100)
	lo, hi := int(math.Floor(h)), int(math.Ceil(h))
	lo, hi = min(max(lo, 0), n-1), min(max(hi, 0), n-1)
	switch method {
	case "lower":
		return sorted[lo]
	case "higher":
		return sorted[hi]
	case "midpoint":
		return (sorted[lo] + sorted[hi]) / 2
	case "nearest":
		return sorted[min(max(int(math.RoundToEven(h)), 0), n-1)]
	}
	// numpy's _lerp, which interpolates from the upper end when t >= 0.5.
	a, b, t := sorted[lo], sorted[hi], h-float64(lo)
	d := b - a
	if t >= 0.5 {
		return b - d*(1-t)
	}
	return a + d*t
}
