package quality

import (
	"fmt"
	"math"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// gxValueSet is a value_set prepared for one column's family, compared
// as pandas' isin does: numbers by value (1 == 1.0 == True), text by
// text, date-times by instant (text members parsed).
type gxValueSet struct {
	raw   []any
	nums  map[float64]struct{}
	strs  map[string]struct{}
	times map[int64]struct{}
	bools map[bool]struct{}
}

func newGXValueSet(raw []any) *gxValueSet {
	s := &gxValueSet{raw: raw, nums: map[float64]struct{}{}, strs: map[string]struct{}{},
		times: map[int64]struct{}{}, bools: map[bool]struct{}{}}
	for _, v := range raw {
		switch v := v.(type) {
		case nil:
		case string:
			s.strs[v] = struct{}{}
			if us, err := parseBound(v); err == nil {
				s.times[us] = struct{}{}
			}
		case bool:
			s.bools[v] = struct{}{}
			s.nums[gxBoolNum(v)] = struct{}{}
		default:
			if f, ok := gxNumber(v); ok {
				s.nums[f] = struct{}{}
				if f == 0 || f == 1 {
					s.bools[f == 1] = struct{}{}
				}
			}
		}
	}
	return s
}

func gxBoolNum(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// members marks the non-missing rows whose value is (in) or is not (!in)
// in the set.
func (s *gxValueSet) rows(col *Column, in bool) (*RowSet, error) {
	rs := NewRowSet(col.Len())
	switch col.Family() {
	case FamilyNumeric:
		if len(s.nums) <= gxSmallSet {
			s.numRowsSmall(col, in, rs)
			return rs, nil
		}
		return rs, gxEachNumber(col, func(row int64, v float64) {
			if _, ok := s.nums[v]; ok == in {
				rs.Add(row)
			}
		})
	case FamilyString:
		return rs, col.EachString(func(row int64, v string) {
			if _, ok := s.strs[v]; ok == in {
				rs.Add(row)
			}
		})
	case FamilyTime:
		return rs, col.EachTime(func(row int64, us int64) {
			if _, ok := s.times[us]; ok == in {
				rs.Add(row)
			}
		})
	case FamilyBool:
		gxEachBool(col, func(row int64, v bool) {
			if _, ok := s.bools[v]; ok == in {
				rs.Add(row)
			}
		})
		return rs, nil
	}
	return nil, fmt.Errorf("cannot compare column %s of type %s with a value set", col.Name, col.Type)
}

// has reports whether a Distinct key of the column is in the set.
func (s *gxValueSet) has(col *Column, k any) bool {
	switch col.Family() {
	case FamilyNumeric:
		f, _ := asFloat(k)
		_, ok := s.nums[f]
		return ok
	case FamilyString:
		_, ok := s.strs[k.(string)]
		return ok
	case FamilyTime:
		_, ok := s.times[k.(int64)]
		return ok
	case FamilyBool:
		_, ok := s.bools[k.(bool)]
		return ok
	}
	return false
}

// gxBuildInSet builds expect_column_values_to_be_in_set, or with not
// expect_column_values_to_not_be_in_set.
func gxBuildInSet(not bool) gxBuilder {
	return func(a *gxArgs) (gxImpl, error) {
		m, err := gxColumnArgs(a)
		if err != nil {
			return nil, err
		}
		raw, err := a.list("value_set", true)
		if err != nil {
			return nil, err
		}
		set := newGXValueSet(raw)
		m.find = func(col *Column) (*RowSet, error) { return set.rows(col, not) }
		return m, nil
	}
}

// gxBuildUnique builds expect_column_values_to_be_unique: every
// occurrence of a value seen more than once is unexpected (pandas
// duplicated(keep=False)).
func gxBuildUnique(a *gxArgs) (gxImpl, error) {
	m, err := gxColumnArgs(a)
	if err != nil {
		return nil, err
	}
	m.find = func(col *Column) (*RowSet, error) {
		rs := NewRowSet(col.Len())
		d := col.Distinct()
		var dups []any
		for i, k := range d.Keys {
			if d.Counts[i] > 1 {
				dups = append(dups, k)
			}
		}
		if len(dups) == 0 {
			return rs, nil
		}
		switch col.Family() {
		case FamilyNumeric:
			if col.Type.ID() == arrow.INT64 {
				set := map[int64]struct{}{}
				for _, k := range dups {
					set[k.(int64)] = struct{}{}
				}
				gxEachInt64(col, func(row int64, v int64) {
					if _, ok := set[v]; ok {
						rs.Add(row)
					}
				})
				return rs, nil
			}
			set := map[float64]struct{}{}
			for _, k := range dups {
				f, _ := asFloat(k)
				set[f] = struct{}{}
			}
			return rs, gxEachNumber(col, func(row int64, v float64) {
				if _, ok := set[v]; ok {
					rs.Add(row)
				}
			})
		case FamilyString:
			set := map[string]struct{}{}
			for _, k := range dups {
				set[k.(string)] = struct{}{}
			}
			return rs, col.EachString(func(row int64, v string) {
				if _, ok := set[v]; ok {
					rs.Add(row)
				}
			})
		case FamilyTime:
			set := map[int64]struct{}{}
			for _, k := range dups {
				set[k.(int64)] = struct{}{}
			}
			return rs, col.EachTime(func(row int64, us int64) {
				if _, ok := set[us]; ok {
					rs.Add(row)
				}
			})
		case FamilyBool:
			set := map[bool]struct{}{}
			for _, k := range dups {
				set[k.(bool)] = struct{}{}
			}
			gxEachBool(col, func(row int64, v bool) {
				if _, ok := set[v]; ok {
					rs.Add(row)
				}
			})
			return rs, nil
		}
		return nil, fmt.Errorf("cannot compare values of column %s of type %s", col.Name, col.Type)
	}
	return m, nil
}

// gxSetRelation is how the distinct-values expectations compare the
// column's distinct values with value_set.
type gxSetRelation int

const (
	gxSubset   gxSetRelation = iota // distinct values within the set
	gxSuperset                      // distinct values contain the set
	gxEqualSet                      // both
)

// gxDistinctSet is expect_column_distinct_values_to_be_in_set,
// _to_contain_set or _to_equal_set: observed_value is the sorted distinct
// values, details the value counts.
type gxDistinctSet struct {
	column string
	set    *gxValueSet
	rel    gxSetRelation
}

func gxBuildDistinctSet(rel gxSetRelation) gxBuilder {
	return func(a *gxArgs) (gxImpl, error) {
		col, err := a.str("column", true)
		if err != nil {
			return nil, err
		}
		raw, err := a.list("value_set", rel != gxSubset)
		if err != nil {
			return nil, err
		}
		return &gxDistinctSet{column: col, set: newGXValueSet(raw), rel: rel}, nil
	}
}

func (d *gxDistinctSet) columns() []string { return []string{d.column} }

func (d *gxDistinctSet) eval(c *gxCtx) (gxOutcome, error) {
	col, err := c.column(d.column)
	if err != nil {
		return gxOutcome{}, err
	}
	vc := col.Distinct()
	observed, counts := gxSortedDistinct(col, vc)
	within := true
	for _, k := range vc.Keys {
		if !d.set.has(col, k) {
			within = false
		}
	}
	contains := true
	for _, v := range d.set.raw {
		found := false
		for _, k := range vc.Keys {
			if gxCountKey(gxReportKey(col, k)) == gxCountKey(gxSetMember(col, v)) {
				found = true
				break
			}
		}
		if !found {
			contains = false
		}
	}
	success := within
	switch d.rel {
	case gxSuperset:
		success = contains
	case gxEqualSet:
		success = within && contains
	}
	if d.rel == gxSubset && d.set.raw == nil {
		success = true // a null value_set accepts anything
	}
	res := ExpectationResult{ObservedValue: observed, Details: map[string]any{"value_counts": counts},
		Keys: KeyObservedValue | KeyDetails}
	return gxOutcome{success: success, result: res}, nil
}

// gxSortedDistinct returns the distinct values sorted by value and their
// counts as GX's value_counts detail ([{value, count}]).
func gxSortedDistinct(col *Column, vc *ValueCounts) ([]any, []UnexpectedValueCount) {
	idx := make([]int, len(vc.Keys))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int { return compareKeys(vc.Keys[a], vc.Keys[b]) })
	observed := make([]any, len(idx))
	counts := make([]UnexpectedValueCount, len(idx))
	for j, i := range idx {
		v := gxReportKey(col, vc.Keys[i])
		observed[j] = v
		counts[j] = UnexpectedValueCount{Value: v, Count: vc.Counts[i]}
	}
	return observed, counts
}

// gxReportKey turns a Distinct key into the value reports show.
func gxReportKey(col *Column, k any) any {
	if col.Family() == FamilyTime {
		return FormatMicros(k.(int64))
	}
	return k
}

// gxSetMember converts a value_set member to the form gxReportKey gives.
func gxSetMember(col *Column, v any) any {
	if col.Family() == FamilyTime {
		if s, ok := v.(string); ok {
			if us, err := parseBound(s); err == nil {
				return FormatMicros(us)
			}
		}
	}
	return v
}

// gxSmallSet is the size up to which a linear scan of the members beats a
// map lookup per row: TLC code columns have value sets of 2 to 7 members.
const gxSmallSet = 16

// numRowsSmall is rows for a small numeric set: typed loops over the
// chunks. Integer columns test members in a bitmap when every member is a
// whole number in [0, 4096) (codes and ids), other columns compare with
// the few members directly.
func (s *gxValueSet) numRowsSmall(col *Column, in bool, rs *RowSet) {
	members := make([]float64, 0, len(s.nums))
	var bits [64]uint64 // whole members in [0, 4096)
	whole := true
	for f := range s.nums {
		members = append(members, f)
		if f != math.Trunc(f) || f < 0 || f >= 4096 {
			whole = false
		} else {
			bits[int(f)>>6] |= 1 << (uint(f) & 63)
		}
	}
	slices.Sort(members)
	hasInt := func(v int64) bool {
		if whole {
			return v >= 0 && v < 4096 && bits[v>>6]&(1<<(uint64(v)&63)) != 0
		}
		return slices.Contains(members, float64(v))
	}
	for _, ch := range col.Chunks() {
		a := ch.Array
		nulls := a.NullN() > 0
		switch a := a.(type) {
		case *array.Int32:
			for i, v := range a.Int32Values() {
				if hasInt(int64(v)) == in && (!nulls || a.IsValid(i)) {
					rs.Add(ch.Start + int64(i))
				}
			}
		case *array.Int64:
			for i, v := range a.Int64Values() {
				if hasInt(v) == in && (!nulls || a.IsValid(i)) {
					rs.Add(ch.Start + int64(i))
				}
			}
		case *array.Float64:
			for i, v := range a.Float64Values() {
				// NaN is missing for GX, never unexpected.
				if v == v && slices.Contains(members, v) == in && (!nulls || a.IsValid(i)) {
					rs.Add(ch.Start + int64(i))
				}
			}
		default:
			for i := 0; i < a.Len(); i++ {
				if v, ok := numberAt(a, i); ok && a.IsValid(i) && v == v && slices.Contains(members, v) == in {
					rs.Add(ch.Start + int64(i))
				}
			}
		}
	}
}
