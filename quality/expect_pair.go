package quality

import (
	"cmp"
	"fmt"
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// Column-pair expectations: A greater than B, A equal to B.

// gxPairArgs reads column_A, column_B, mostly and ignore_row_if.
func gxPairArgs(a *gxArgs) (*gxMulti, error) {
	ca, err := a.str("column_A", true)
	if err != nil {
		return nil, err
	}
	cb, err := a.str("column_B", true)
	if err != nil {
		return nil, err
	}
	mostly, err := a.mostly()
	if err != nil {
		return nil, err
	}
	ig, err := a.str("ignore_row_if", false)
	if err != nil {
		return nil, err
	}
	m := &gxMulti{cols: []string{ca, cb}, mostly: mostly, pair: true}
	switch ig {
	case "", "both_values_are_missing":
		m.ignore = "all"
	case "either_value_is_missing":
		m.ignore = "any"
	case "neither":
		m.ignore = "never"
	default:
		return nil, fmt.Errorf("ignore_row_if must be both_values_are_missing, either_value_is_missing or neither, got %q", ig)
	}
	return m, nil
}

// gxCompare returns a comparator of the two columns' values at a row
// (-1, 0, 1); it fails for kinds Python cannot order against each other.
func gxCompare(a, b *Column) (func(row int64) int, error) {
	fa, fb := a.Family(), b.Family()
	isNum := func(f Family) bool { return f == FamilyNumeric || f == FamilyBool }
	switch {
	case isNum(fa) && isNum(fb):
		xa, xb := gxFloats(a), gxFloats(b)
		return func(r int64) int { return gxCmpFloat(xa[r], xb[r]) }, nil
	case fa == FamilyTime && fb == FamilyTime:
		ta, tb := gxTimes(a), gxTimes(b)
		return func(r int64) int { return cmp.Compare(ta[r], tb[r]) }, nil
	case fa == FamilyString && fb == FamilyString:
		sa, sb := gxStrings(a), gxStrings(b)
		return func(r int64) int { return cmp.Compare(sa[r], sb[r]) }, nil
	}
	return nil, fmt.Errorf("'>' not supported between column %s (%s) and column %s (%s)", a.Name, gxTypeName(a), b.Name, gxTypeName(b))
}

func gxCmpFloat(x, y float64) int {
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

// gxTimes materializes a date-time column as microseconds (0 where
// missing; callers check missing rows apart).
func gxTimes(col *Column) []int64 {
	out := make([]int64, col.Len())
	col.EachTime(func(row int64, us int64) { out[row] = us })
	return out
}

// gxStrings materializes a text column ("" where missing).
func gxStrings(col *Column) []string {
	out := make([]string, col.Len())
	col.EachString(func(row int64, s string) { out[row] = s })
	return out
}

// gxFloats materializes a numeric or boolean column, NaN where missing.
func gxFloats(col *Column) []float64 {
	out := make([]float64, col.Len())
	for i := range out {
		out[i] = math.NaN()
	}
	gxEachNumber(col, func(row int64, v float64) { out[row] = v })
	return out
}

// gxPairFind flags considered rows where either value is missing
// (pandas compares NaN as false) or ok(cmp) fails.
func gxPairFind(ok func(c int) bool) func(cols []*Column, considered *RowSet) (*RowSet, error) {
	return func(cols []*Column, considered *RowSet) (*RowSet, error) {
		if rs, ok := gxPairFindAligned(cols[0], cols[1], considered, ok); ok {
			return rs, nil
		}
		cmpAt, err := gxCompare(cols[0], cols[1])
		if err != nil {
			return nil, err
		}
		ma, mb := gxMissingRows(cols[0]), gxMissingRows(cols[1])
		rs := NewRowSet(considered.Len())
		considered.Each(func(r int64) bool {
			if ma.Has(r) || mb.Has(r) || !ok(cmpAt(r)) {
				rs.Add(r)
			}
			return true
		})
		return rs, nil
	}
}

// gxBuildPairGreater builds expect_column_pair_values_A_to_be_greater_than_B
// (or_equal allows equality).
func gxBuildPairGreater(a *gxArgs) (gxImpl, error) {
	m, err := gxPairArgs(a)
	if err != nil {
		return nil, err
	}
	orEqual, err := a.boolean("or_equal", false)
	if err != nil {
		return nil, err
	}
	m.find = gxPairFind(func(c int) bool { return c > 0 || orEqual && c == 0 })
	return m, nil
}

// gxBuildPairEqual builds expect_column_pair_values_to_be_equal.
func gxBuildPairEqual(a *gxArgs) (gxImpl, error) {
	m, err := gxPairArgs(a)
	if err != nil {
		return nil, err
	}
	m.find = gxPairFind(func(c int) bool { return c == 0 })
	return m, nil
}

// gxPairFindAligned is gxPairFind for the common case of two columns of
// one table (chunked alike) holding microsecond timestamps or float64:
// it compares the typed chunks in place instead of materializing both
// columns. It reports false when the case does not apply.
func gxPairFindAligned(a, b *Column, considered *RowSet, ok func(c int) bool) (*RowSet, bool) {
	ca, cb := a.Chunks(), b.Chunks()
	if len(ca) != len(cb) {
		return nil, false
	}
	values := func(x arrow.Array) ([]int64, []float64, bool) {
		switch x := x.(type) {
		case *array.Timestamp:
			if x.DataType().(*arrow.TimestampType).Unit == arrow.Microsecond {
				return arrow.Int64Traits.CastFromBytes(arrow.TimestampTraits.CastToBytes(x.TimestampValues())), nil, true
			}
		case *array.Float64:
			return nil, x.Float64Values(), true
		}
		return nil, nil, false
	}
	for k := range ca {
		if ca[k].Start != cb[k].Start || ca[k].Array.Len() != cb[k].Array.Len() ||
			!arrow.TypeEqual(ca[k].Array.DataType(), cb[k].Array.DataType()) {
			return nil, false // other units or types: the general path converts them
		}
		if _, _, fine := values(ca[k].Array); !fine {
			return nil, false
		}
	}
	rs := NewRowSet(considered.Len())
	for k := range ca {
		xa, xb := ca[k].Array, cb[k].Array
		ia, fa, _ := values(xa)
		ib, fb, _ := values(xb)
		start := ca[k].Start
		for i := 0; i < xa.Len(); i++ {
			r := start + int64(i)
			if !considered.Has(r) {
				continue
			}
			if xa.IsNull(i) || xb.IsNull(i) {
				rs.Add(r) // pandas compares missing values as false
				continue
			}
			var c int
			if ia != nil {
				c = cmp.Compare(ia[i], ib[i])
			} else if fa[i] != fa[i] || fb[i] != fb[i] {
				rs.Add(r)
				continue
			} else {
				c = gxCmpFloat(fa[i], fb[i])
			}
			if !ok(c) {
				rs.Add(r)
			}
		}
	}
	return rs, true
}
