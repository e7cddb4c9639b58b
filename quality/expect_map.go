package quality

import (
	"fmt"
	"math"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow/array"
)

// gxColumnMap is a column map expectation: a yes/no question about every
// non-missing value, successful when at least "mostly" of them answer yes.
// Missing values (nulls and NaNs) are never unexpected and do not count
// towards mostly.
type gxColumnMap struct {
	column string
	mostly float64
	// find returns the unexpected rows among the non-missing values.
	find func(col *Column) (*RowSet, error)
}

func (m *gxColumnMap) columns() []string { return []string{m.column} }

func (m *gxColumnMap) eval(c *gxCtx) (gxOutcome, error) {
	col, err := c.column(m.column)
	if err != nil {
		return gxOutcome{}, err
	}
	nonnull := col.Len() - gxMissing(col)
	rows, err := m.find(col)
	if err != nil {
		return gxOutcome{}, err
	}
	success := true
	if col.Len() > 0 && nonnull > 0 {
		success = gxMostly(nonnull, rows.Count(), m.mostly)
	}
	res, err := gxFormatMap(c.t, c.rf, gxMapInput{
		success: success, elementCount: col.Len(), nonnull: nonnull, unexpected: rows,
		value: func(row int64) any { return gxValue(col, row) }, domain: []string{m.column},
	})
	return gxOutcome{success: success, result: res, failed: rows}, err
}

// gxColumnArgs reads the column and mostly kwargs every column map
// expectation has.
func gxColumnArgs(a *gxArgs) (*gxColumnMap, error) {
	col, err := a.str("column", true)
	if err != nil {
		return nil, err
	}
	mostly, err := a.mostly()
	if err != nil {
		return nil, err
	}
	return &gxColumnMap{column: col, mostly: mostly}, nil
}

// gxNullMap is expect_column_values_to_not_be_null (wantNull false) or
// expect_column_values_to_be_null: they count over all rows and report no
// missing keys.
type gxNullMap struct {
	column   string
	mostly   float64
	wantNull bool
}

func gxBuildNotNull(a *gxArgs) (gxImpl, error) { return gxBuildNullMap(a, false) }
func gxBuildNull(a *gxArgs) (gxImpl, error)    { return gxBuildNullMap(a, true) }

func gxBuildNullMap(a *gxArgs, wantNull bool) (gxImpl, error) {
	m, err := gxColumnArgs(a)
	if err != nil {
		return nil, err
	}
	return &gxNullMap{column: m.column, mostly: m.mostly, wantNull: wantNull}, nil
}

func (m *gxNullMap) columns() []string { return []string{m.column} }

func (m *gxNullMap) eval(c *gxCtx) (gxOutcome, error) {
	col, err := c.column(m.column)
	if err != nil {
		return gxOutcome{}, err
	}
	missing := gxMissingRows(col)
	rows := missing
	if m.wantNull {
		rows = gxPresentRows(col)
	}
	success := true
	if col.Len() > 0 {
		success = gxMostly(col.Len(), rows.Count(), m.mostly)
	}
	res, err := gxFormatMap(c.t, c.rf, gxMapInput{
		success: success, elementCount: col.Len(), nonnull: -1, unexpected: rows,
		value: func(row int64) any { return gxValue(col, row) }, domain: []string{m.column},
	})
	return gxOutcome{success: success, result: res, failed: rows}, err
}

// gxPresentRows returns the non-missing rows of a column.
func gxPresentRows(col *Column) *RowSet {
	missing := gxMissingRows(col)
	rs := NewRowSet(col.Len())
	for r := int64(0); r < col.Len(); r++ {
		if !missing.Has(r) {
			rs.Add(r)
		}
	}
	return rs
}

// gxTypeError is the error pandas raises comparing values and bounds of
// different kinds.
func gxTypeError(col *Column) error {
	return fmt.Errorf("Column values, min_value, and max_value must either be None or of the same type (column %s is %s)", col.Name, gxTypeName(col))
}

func gxBuildValuesBetween(a *gxArgs) (gxImpl, error) {
	m, err := gxColumnArgs(a)
	if err != nil {
		return nil, err
	}
	r, err := a.rangeArgs(true)
	if err != nil {
		return nil, err
	}
	// 0.x's allow_cross_type_comparisons makes values that cannot be
	// compared with the bounds unexpected instead of raising TypeError.
	cross, err := a.boolean("allow_cross_type_comparisons", false)
	if err != nil {
		return nil, err
	}
	mismatch := func(col *Column) (*RowSet, error) {
		if !cross {
			return nil, gxTypeError(col)
		}
		return gxPresentRows(col), nil
	}
	m.find = func(col *Column) (*RowSet, error) {
		rs := NewRowSet(col.Len())
		switch col.Family() {
		case FamilyNumeric, FamilyBool:
			if r.min.isStr || r.max.isStr {
				return mismatch(col)
			}
			lo, hi := r.min.num, r.max.num
			if col.Family() == FamilyNumeric {
				if !r.min.set {
					lo = math.Inf(-1)
				}
				if !r.max.set {
					hi = math.Inf(1)
				}
				gxOutsideRange(col, lo, hi, r.strictMin && r.min.set, r.strictMax && r.max.set, rs)
				return rs, nil
			}
			err := gxEachNumber(col, func(row int64, v float64) {
				if !r.inFloat(v, lo, hi) {
					rs.Add(row)
				}
			})
			return rs, err
		case FamilyTime:
			lo, hi, err := r.timeBounds(col)
			if err != nil {
				if cross {
					return gxPresentRows(col), nil
				}
				return nil, err
			}
			return rs, col.EachTime(func(row int64, us int64) {
				if !r.inInt(us, lo, hi) {
					rs.Add(row)
				}
			})
		case FamilyString:
			if r.min.set && !r.min.isStr || r.max.set && !r.max.isStr {
				return mismatch(col)
			}
			return rs, col.EachString(func(row int64, s string) {
				if !r.inString(s) {
					rs.Add(row)
				}
			})
		}
		return nil, fmt.Errorf("expect_column_values_to_be_between cannot compare column %s of type %s", col.Name, col.Type)
	}
	return m, nil
}

// timeBounds parses text bounds as date-times (microseconds).
func (r gxRange) timeBounds(col *Column) (lo, hi int64, err error) {
	parse := func(b gxBound) (int64, error) {
		if !b.set {
			return 0, nil
		}
		if !b.isStr {
			return 0, fmt.Errorf("'<=' not supported between instances of 'Timestamp' and '%T' (column %s is a date-time; give bounds as text)", b.raw, col.Name)
		}
		return parseBound(b.str)
	}
	if lo, err = parse(r.min); err != nil {
		return
	}
	hi, err = parse(r.max)
	return
}

// inInt reports whether v lies in the range with integer bounds.
func (r gxRange) inInt(v, lo, hi int64) bool {
	if r.min.set && (r.strictMin && v <= lo || !r.strictMin && v < lo) {
		return false
	}
	if r.max.set && (r.strictMax && v >= hi || !r.strictMax && v > hi) {
		return false
	}
	return true
}

func gxBuildLengthsBetween(a *gxArgs) (gxImpl, error) {
	m, err := gxColumnArgs(a)
	if err != nil {
		return nil, err
	}
	r, err := a.rangeArgs(true)
	if err != nil {
		return nil, err
	}
	if r.min.isStr || r.max.isStr {
		return nil, fmt.Errorf("min_value and max_value must be whole numbers")
	}
	m.find = gxLengthFind(func(n int) bool { return r.inFloat(float64(n), r.min.num, r.max.num) })
	return m, nil
}

func gxBuildLengthsEqual(a *gxArgs) (gxImpl, error) {
	m, err := gxColumnArgs(a)
	if err != nil {
		return nil, err
	}
	v, ok, err := a.num("value")
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("missing kwarg value")
	}
	m.find = gxLengthFind(func(n int) bool { return float64(n) == v })
	return m, nil
}

// gxLengthFind flags text values whose length in characters (as
// Python's len) fails ok.
func gxLengthFind(ok func(n int) bool) func(col *Column) (*RowSet, error) {
	return func(col *Column) (*RowSet, error) {
		if col.Family() != FamilyString {
			return nil, fmt.Errorf("Can only use .str accessor with string values! (column %s is %s)", col.Name, gxTypeName(col))
		}
		rs := NewRowSet(col.Len())
		return rs, col.EachString(func(row int64, s string) {
			if !ok(utf8.RuneCountInString(s)) {
				rs.Add(row)
			}
		})
	}
}

// gxBuildMonotonic builds expect_column_values_to_be_increasing (up) or
// _decreasing: each non-missing value is compared with the previous
// non-missing one (pandas diff); the first always passes.
func gxBuildMonotonic(up bool) gxBuilder {
	return func(a *gxArgs) (gxImpl, error) {
		m, err := gxColumnArgs(a)
		if err != nil {
			return nil, err
		}
		strictly, err := a.boolean("strictly", false)
		if err != nil {
			return nil, err
		}
		bad := func(d float64) bool {
			if d != d {
				return false // pandas fills the NaN diff (first value, inf-inf) with a pass
			}
			if !up {
				d = -d
			}
			if strictly {
				return !(d > 0)
			}
			return !(d >= 0)
		}
		m.find = func(col *Column) (*RowSet, error) {
			rs := NewRowSet(col.Len())
			first := true
			switch col.Family() {
			case FamilyNumeric:
				var prev float64
				err := gxEachNumber(col, func(row int64, v float64) {
					if !first && bad(v-prev) {
						rs.Add(row)
					}
					prev, first = v, false
				})
				return rs, err
			case FamilyTime:
				var prev int64
				err := col.EachTime(func(row int64, us int64) {
					if !first && bad(float64(us-prev)) {
						rs.Add(row)
					}
					prev, first = us, false
				})
				return rs, err
			}
			return nil, fmt.Errorf("unsupported operand type(s) for -: column %s is %s", col.Name, gxTypeName(col))
		}
		return m, nil
	}
}

// gxOutsideRange adds to rs the rows of a numeric column whose value lies
// outside [lo, hi] (an open end where strict), skipping nulls and NaN (GX's
// missing values). Typed loops with the bounds inline: the hot path of the
// most common expectation.
func gxOutsideRange(col *Column, lo, hi float64, strictLo, strictHi bool, rs *RowSet) {
	out := func(v float64) bool {
		return v < lo || v > hi || strictLo && v == lo || strictHi && v == hi
	}
	for _, ch := range col.Chunks() {
		a := ch.Array
		nulls := a.NullN() > 0
		switch a := a.(type) {
		case *array.Float64:
			for i, v := range a.Float64Values() {
				if out(v) && (!nulls || a.IsValid(i)) { // NaN compares false: never out
					rs.Add(ch.Start + int64(i))
				}
			}
		case *array.Int32:
			for i, v := range a.Int32Values() {
				if out(float64(v)) && (!nulls || a.IsValid(i)) {
					rs.Add(ch.Start + int64(i))
				}
			}
		case *array.Int64:
			for i, v := range a.Int64Values() {
				if out(float64(v)) && (!nulls || a.IsValid(i)) {
					rs.Add(ch.Start + int64(i))
				}
			}
		default:
			for i := 0; i < a.Len(); i++ {
				if v, ok := numberAt(a, i); ok && a.IsValid(i) && out(v) {
					rs.Add(ch.Start + int64(i))
				}
			}
		}
	}
}
