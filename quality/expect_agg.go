package quality

import (
	"fmt"
	"math"
)

// gxMetric is an aggregate metric of a column: a number, a date-time
// (microseconds), a text or a boolean; ok is false where pandas gives NaN
// or None (an empty column's mean, min, median; stdev of one value).
type gxMetric struct {
	ok    bool
	kind  Family // FamilyNumeric, FamilyTime, FamilyString or FamilyBool
	num   float64
	str   string
	whole bool // report the number as an integer
}

// observed renders the metric as GX's observed_value.
func (m gxMetric) observed() any {
	if !m.ok {
		return nil
	}
	switch m.kind {
	case FamilyTime:
		return FormatMicros(int64(m.num))
	case FamilyString:
		return m.str
	case FamilyBool:
		return m.num == 1
	}
	if m.whole {
		return int64(m.num)
	}
	return m.num
}

type gxMetricFunc func(col *Column) (gxMetric, error)

// gxAggregate is a column aggregate expectation: observed_value must lie
// in [min_value, max_value] (GX's _validate_metric_value_between).
type gxAggregate struct {
	column string
	r      gxRange
	metric gxMetricFunc
}

func gxBuildAggregate(f gxMetricFunc) gxBuilder {
	return func(a *gxArgs) (gxImpl, error) {
		col, err := a.str("column", true)
		if err != nil {
			return nil, err
		}
		r, err := a.rangeArgs(true)
		if err != nil {
			return nil, err
		}
		return &gxAggregate{column: col, r: r, metric: f}, nil
	}
}

func (g *gxAggregate) columns() []string { return []string{g.column} }

func (g *gxAggregate) eval(c *gxCtx) (gxOutcome, error) {
	col, err := c.column(g.column)
	if err != nil {
		return gxOutcome{}, err
	}
	m, err := g.metric(col)
	if err != nil {
		return gxOutcome{}, err
	}
	res := ExpectationResult{ObservedValue: m.observed(), Keys: KeyObservedValue}
	if !m.ok {
		return gxOutcome{success: false, result: res}, nil
	}
	ok, err := g.r.contains(m)
	return gxOutcome{success: ok, result: res}, err
}

// contains compares a metric with the range as Python would: numbers with
// numbers, date-times with text bounds parsed as date-times, text with
// text; other pairs raise TypeError.
func (r gxRange) contains(m gxMetric) (bool, error) {
	switch m.kind {
	case FamilyNumeric, FamilyBool:
		if r.min.isStr || r.max.isStr {
			return false, fmt.Errorf("'>=' not supported between instances of 'float' and 'str'")
		}
		return r.inFloat(m.num, r.min.num, r.max.num), nil
	case FamilyTime:
		lo, hi, err := r.timeBounds(&Column{Name: "observed_value"})
		if err != nil {
			return false, err
		}
		return r.inInt(int64(m.num), lo, hi), nil
	case FamilyString:
		if r.min.set && !r.min.isStr || r.max.set && !r.max.isStr {
			return false, fmt.Errorf("'>=' not supported between instances of 'str' and 'float'")
		}
		return r.inString(m.str), nil
	}
	return false, fmt.Errorf("cannot compare %v with bounds", m.observed())
}

// gxNumStats returns the statistics of a numeric or boolean column
// (booleans as 0 and 1), over non-missing values.
func gxNumStats(col *Column, what string) (Stats, error) {
	switch col.Family() {
	case FamilyNumeric, FamilyTime:
		return col.Stats(), nil
	case FamilyBool:
		st := Stats{Min: math.Inf(1), Max: math.Inf(-1)}
		var n int64
		gxEachBool(col, func(_ int64, v bool) {
			x := gxBoolNum(v)
			n++
			st.Sum += x
			d := x - st.Mean
			st.Mean += d / float64(n)
			st.M2 += d * (x - st.Mean)
			st.Min, st.Max = min(st.Min, x), max(st.Max, x)
		})
		st.Rows, st.NonNull = n, n
		if n == 0 {
			st.Mean = math.NaN()
		}
		return st, nil
	}
	return Stats{}, fmt.Errorf("could not compute the %s of column %s of type %s", what, col.Name, gxTypeName(col))
}

func gxMean(col *Column) (gxMetric, error) {
	st, err := gxNumStats(col, "mean")
	if err != nil {
		return gxMetric{}, err
	}
	kind := FamilyNumeric
	if col.Family() == FamilyTime {
		kind = FamilyTime
	}
	return gxMetric{ok: st.Mean == st.Mean, kind: kind, num: st.Mean}, nil
}

func gxStdev(col *Column) (gxMetric, error) {
	if col.Family() == FamilyTime {
		return gxMetric{}, fmt.Errorf("could not compute the standard deviation of date-time column %s", col.Name)
	}
	st, err := gxNumStats(col, "standard deviation")
	if err != nil {
		return gxMetric{}, err
	}
	sd := st.Std()
	return gxMetric{ok: sd == sd, kind: FamilyNumeric, num: sd}, nil
}

func gxSum(col *Column) (gxMetric, error) {
	if col.Family() == FamilyTime {
		return gxMetric{}, fmt.Errorf("could not compute the sum of date-time column %s", col.Name)
	}
	st, err := gxNumStats(col, "sum")
	if err != nil {
		return gxMetric{}, err
	}
	// pandas sums an empty column to 0.
	return gxMetric{ok: true, kind: FamilyNumeric, num: st.Sum, whole: !gxIsFloatType(col)}, nil
}

func gxMinMax(col *Column, isMax bool) (gxMetric, error) {
	if col.Family() == FamilyString {
		st := col.Stats()
		if st.NonNull == 0 {
			return gxMetric{kind: FamilyString}, nil
		}
		if isMax {
			return gxMetric{ok: true, kind: FamilyString, str: st.MaxString}, nil
		}
		return gxMetric{ok: true, kind: FamilyString, str: st.MinString}, nil
	}
	st, err := gxNumStats(col, "min and max")
	if err != nil {
		return gxMetric{}, err
	}
	v := st.Min
	if isMax {
		v = st.Max
	}
	kind := col.Family()
	return gxMetric{ok: st.Min <= st.Max, kind: kind, num: v, whole: kind == FamilyNumeric && !gxIsFloatType(col)}, nil
}

func gxMin(col *Column) (gxMetric, error) { return gxMinMax(col, false) }
func gxMax(col *Column) (gxMetric, error) { return gxMinMax(col, true) }

func gxMedian(col *Column) (gxMetric, error) {
	switch col.Family() {
	case FamilyNumeric, FamilyTime:
		med := col.Median()
		if med != med {
			return gxMetric{kind: col.Family()}, nil
		}
		return gxMetric{ok: true, kind: col.Family(), num: med}, nil
	case FamilyBool:
		st, _ := gxNumStats(col, "median")
		if st.NonNull == 0 {
			return gxMetric{kind: FamilyNumeric}, nil
		}
		// Sorted 0/1 values: the count of falses decides.
		n := st.NonNull
		falses := n - int64(st.Sum)
		at := func(i int64) float64 {
			if i < falses {
				return 0
			}
			return 1
		}
		med := (at((n-1)/2) + at(n/2)) / 2
		return gxMetric{ok: true, kind: FamilyNumeric, num: med}, nil
	}
	return gxMetric{}, fmt.Errorf("could not compute the median of column %s of type %s", col.Name, gxTypeName(col))
}

// gxUniqueCount is column.distinct_values.count: distinct non-missing
// values.
func gxUniqueCount(col *Column) (gxMetric, error) {
	return gxMetric{ok: true, kind: FamilyNumeric, num: float64(len(col.Distinct().Keys)), whole: true}, nil
}

// gxUniqueProportion is column.unique_proportion: distinct values over
// non-missing values, 0 for a column with none.
func gxUniqueProportion(col *Column) (gxMetric, error) {
	nonnull := col.Len() - gxMissing(col)
	if nonnull == 0 {
		return gxMetric{ok: true, kind: FamilyNumeric, num: 0, whole: true}, nil
	}
	return gxMetric{ok: true, kind: FamilyNumeric, num: float64(len(col.Distinct().Keys)) / float64(nonnull)}, nil
}

// gxMostCommon is expect_column_most_common_value_to_be_in_set.
type gxMostCommon struct {
	column   string
	set      *gxValueSet
	tiesOkay bool
}

func gxBuildMostCommon(a *gxArgs) (gxImpl, error) {
	col, err := a.str("column", true)
	if err != nil {
		return nil, err
	}
	raw, err := a.list("value_set", true)
	if err != nil {
		return nil, err
	}
	ties, err := a.boolean("ties_okay", false)
	if err != nil {
		return nil, err
	}
	return &gxMostCommon{column: col, set: newGXValueSet(raw), tiesOkay: ties}, nil
}

func (g *gxMostCommon) columns() []string { return []string{g.column} }

func (g *gxMostCommon) eval(c *gxCtx) (gxOutcome, error) {
	col, err := c.column(g.column)
	if err != nil {
		return gxOutcome{}, err
	}
	vc := col.Distinct()
	modes := []any{}
	in := 0
	for i, k := range vc.Keys {
		if vc.Counts[i] != vc.Counts[0] {
			break // keys are sorted by count, ties by value, as pandas' mode
		}
		modes = append(modes, gxReportKey(col, k))
		if g.set.has(col, k) {
			in++
		}
	}
	success := in > 0
	if !g.tiesOkay {
		success = len(modes) == 1 && in == 1
	}
	return gxOutcome{success: success, result: ExpectationResult{ObservedValue: modes, Keys: KeyObservedValue}}, nil
}
