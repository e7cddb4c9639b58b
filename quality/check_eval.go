package quality

import (
	"cmp"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow/array"
)

// checkPlan is a built-in check compiled for one element type: pred tells
// whether a value passes; allPass, when set, tells from a column's extremes
// that every value passes, so the column need not be read again; set holds
// the values of unique_values_eq.
type checkPlan[T cmp.Ordered] struct {
	pred    func(T) bool
	allPass func(lo, hi T) bool
	set     map[T]struct{}
}

// checkCompileOrdered compiles the comparison and membership checks for
// values of type T, converting the check's arguments with conv.
func checkCompileOrdered[T cmp.Ordered](c Check, conv func(any) (T, error)) (checkPlan[T], error) {
	var p checkPlan[T]
	arg := func(i int) (T, error) { return conv(c.args[i].val) }
	switch c.name {
	case "equal_to", "not_equal_to", "greater_than", "greater_than_or_equal_to", "less_than", "less_than_or_equal_to":
		x, err := arg(0)
		if err != nil {
			return p, err
		}
		switch c.name {
		case "equal_to":
			p.pred = func(v T) bool { return v == x }
			p.allPass = func(lo, hi T) bool { return lo == x && hi == x }
		case "not_equal_to":
			p.pred = func(v T) bool { return v != x }
			p.allPass = func(lo, hi T) bool { return x < lo || x > hi }
		case "greater_than":
			p.pred = func(v T) bool { return v > x }
			p.allPass = func(lo, _ T) bool { return lo > x }
		case "greater_than_or_equal_to":
			p.pred = func(v T) bool { return v >= x }
			p.allPass = func(lo, _ T) bool { return lo >= x }
		case "less_than":
			p.pred = func(v T) bool { return v < x }
			p.allPass = func(_, hi T) bool { return hi < x }
		default:
			p.pred = func(v T) bool { return v <= x }
			p.allPass = func(_, hi T) bool { return hi <= x }
		}
	case "in_range":
		lo, err := arg(0)
		if err != nil {
			return p, err
		}
		hi, err := arg(1)
		if err != nil {
			return p, err
		}
		incLo, incHi := c.args[2].val == true, c.args[3].val == true
		in := func(v T) bool {
			return (v > lo || incLo && v == lo) && (v < hi || incHi && v == hi)
		}
		p.pred = in
		p.allPass = func(a, b T) bool { return in(a) && in(b) }
	case "isin", "notin", "unique_values_eq":
		set := map[T]struct{}{}
		for _, v := range c.args[0].val.([]any) {
			if x, err := conv(v); err == nil {
				set[x] = struct{}{}
			}
		}
		p.set = set
		want := c.name != "notin"
		if len(set) <= 8 {
			// A short list scans faster than a map lookup.
			list := make([]T, 0, len(set))
			for v := range set {
				list = append(list, v)
			}
			p.pred = func(v T) bool {
				for _, x := range list {
					if x == v {
						return want
					}
				}
				return !want
			}
		} else {
			p.pred = func(v T) bool { _, ok := set[v]; return ok == want }
		}
	default:
		return p, fmt.Errorf("check %s does not apply to this column type", c)
	}
	return p, nil
}

// checkFloatArg converts a check argument to a number.
func checkFloatArg(v any) (float64, error) {
	switch x := v.(type) {
	case int64:
		return float64(x), nil
	case float64:
		return x, nil
	}
	return 0, fmt.Errorf("%s is not a number", checkPyRepr(v))
}

// checkMicrosArg converts a check argument to microseconds since the epoch:
// text as a date-time, time.Time, or a number taken as microseconds.
func checkMicrosArg(v any) (int64, error) {
	switch x := v.(type) {
	case time.Time:
		return x.UnixMicro(), nil
	case string:
		return parseBound(x)
	case int64:
		return x, nil
	case float64:
		return int64(x), nil
	}
	return 0, fmt.Errorf("%s is not a date-time", checkPyRepr(v))
}

func checkStringArg(v any) (string, error) {
	if s, ok := v.(string); ok {
		return s, nil
	}
	return "", fmt.Errorf("%s is not text", checkPyRepr(v))
}

func checkBoolArg(v any) (bool, error) {
	if b, ok := v.(bool); ok {
		return b, nil
	}
	return false, fmt.Errorf("%s is not a boolean", checkPyRepr(v))
}

// checkApplies reports whether a built-in check can run on a family.
func checkApplies(c Check, f Family) error {
	_, err := c.builtinEval(f)
	return err
}

// checkEval adds the failing rows among a column's non-null, non-NaN rows
// to fail; it reports aggregate failures (unique_values_eq) with agg.
type checkEval func(col *Column, fail *RowSet) (agg bool, err error)

// builtinEval compiles a built-in check for a column family.
func (c Check) builtinEval(f Family) (checkEval, error) {
	switch f {
	case FamilyNumeric:
		p, err := checkCompileOrdered(c, checkFloatArg)
		if err != nil {
			return nil, err
		}
		return func(col *Column, fail *RowSet) (bool, error) {
			if p.set != nil && c.name == "unique_values_eq" {
				seen := map[float64]struct{}{}
				err := col.EachFloat(func(_ int64, v float64) {
					if v == v {
						seen[v] = struct{}{}
					}
				})
				return !checkSameSet(seen, p.set), err
			}
			if st := col.Stats(); st.values() == 0 || p.allPass != nil && p.allPass(st.Min, st.Max) {
				return false, nil
			}
			return false, col.EachFloat(func(row int64, v float64) {
				if v == v && !p.pred(v) {
					fail.Add(row)
				}
			})
		}, nil
	case FamilyTime:
		p, err := checkCompileOrdered(c, checkMicrosArg)
		if err != nil {
			return nil, err
		}
		return func(col *Column, fail *RowSet) (bool, error) {
			if c.name == "unique_values_eq" {
				seen := map[int64]struct{}{}
				err := col.EachTime(func(_ int64, v int64) { seen[v] = struct{}{} })
				return !checkSameSet(seen, p.set), err
			}
			if st := col.Stats(); st.values() == 0 || p.allPass != nil && p.allPass(int64(st.Min), int64(st.Max)) {
				return false, nil
			}
			return false, col.EachTime(func(row int64, v int64) {
				if !p.pred(v) {
					fail.Add(row)
				}
			})
		}, nil
	case FamilyString:
		return c.stringEval()
	case FamilyBool:
		return c.boolEval()
	}
	return nil, fmt.Errorf("check %s does not apply to this column type", c)
}

func (c Check) stringEval() (checkEval, error) {
	var pred func(string) bool
	var allPass func(Stats) bool
	switch c.name {
	case "str_matches", "str_contains":
		if c.re == nil {
			return nil, c.err
		}
		pred = c.re.MatchString
	case "str_startswith":
		s := c.args[0].val.(string)
		pred = func(v string) bool { return strings.HasPrefix(v, s) }
	case "str_endswith":
		s := c.args[0].val.(string)
		pred = func(v string) bool { return strings.HasSuffix(v, s) }
	case "str_length":
		lo, hi := int64(-1), int64(-1)
		if x, ok := c.args[0].val.(int64); ok {
			lo = x
		}
		if x, ok := c.args[1].val.(int64); ok {
			hi = x
		}
		in := func(n int64) bool { return (lo < 0 || n >= lo) && (hi < 0 || n <= hi) }
		pred = func(v string) bool { return in(int64(utf8.RuneCountInString(v))) }
		allPass = func(st Stats) bool { return in(int64(st.MinLen)) && in(int64(st.MaxLen)) }
	default:
		p, err := checkCompileOrdered(c, checkStringArg)
		if err != nil {
			return nil, err
		}
		if c.name == "unique_values_eq" {
			return func(col *Column, _ *RowSet) (bool, error) {
				seen := map[string]struct{}{}
				err := col.EachString(func(_ int64, v string) { seen[v] = struct{}{} })
				return !checkSameSet(seen, p.set), err
			}, nil
		}
		pred = p.pred
		if p.allPass != nil {
			allPass = func(st Stats) bool { return p.allPass(st.MinString, st.MaxString) }
		}
	}
	return func(col *Column, fail *RowSet) (bool, error) {
		if st := col.Stats(); st.NonNull == 0 || allPass != nil && allPass(st) {
			return false, nil
		}
		checkEachString(col, func(row int64, v string) {
			if !pred(v) {
				fail.Add(row)
			}
		})
		return false, nil
	}, nil
}

// checkEachString calls f with every non-null value of a text column,
// with a typed loop per chunk for the common utf8 arrays.
func checkEachString(col *Column, f func(row int64, v string)) {
	for _, ch := range col.Chunks() {
		a, ok := ch.Array.(*array.String)
		if !ok {
			for i := 0; i < ch.Array.Len(); i++ {
				if ch.Array.IsValid(i) {
					s, _ := stringAt(ch.Array, i)
					f(ch.Start+int64(i), s)
				}
			}
			continue
		}
		nulls := a.NullN() > 0
		for i := 0; i < a.Len(); i++ {
			if !nulls || a.IsValid(i) {
				f(ch.Start+int64(i), a.Value(i))
			}
		}
	}
}

func (c Check) boolEval() (checkEval, error) {
	var pred func(bool) bool
	switch c.name {
	case "equal_to", "not_equal_to":
		x, err := checkBoolArg(c.args[0].val)
		if err != nil {
			return nil, err
		}
		want := c.name == "equal_to"
		pred = func(v bool) bool { return (v == x) == want }
	case "isin", "notin", "unique_values_eq":
		var set [2]bool
		for _, v := range c.args[0].val.([]any) {
			if b, ok := v.(bool); ok {
				set[checkB2i(b)] = true
			}
		}
		if c.name == "unique_values_eq" {
			return func(col *Column, _ *RowSet) (bool, error) {
				var seen [2]bool
				checkEachBool(col, func(_ int64, v bool) { seen[checkB2i(v)] = true })
				return seen != set, nil
			}, nil
		}
		want := c.name == "isin"
		pred = func(v bool) bool { return set[checkB2i(v)] == want }
	default:
		return nil, fmt.Errorf("check %s does not apply to boolean columns", c)
	}
	return func(col *Column, fail *RowSet) (bool, error) {
		checkEachBool(col, func(row int64, v bool) {
			if !pred(v) {
				fail.Add(row)
			}
		})
		return false, nil
	}, nil
}

func checkB2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// checkEachBool calls f with every non-null value of a boolean column.
func checkEachBool(col *Column, f func(row int64, v bool)) {
	for _, ch := range col.Chunks() {
		a, ok := ch.Array.(*array.Boolean)
		if !ok {
			continue
		}
		for i := 0; i < a.Len(); i++ {
			if a.IsValid(i) {
				f(ch.Start+int64(i), a.Value(i))
			}
		}
	}
}

func checkSameSet[T comparable](a, b map[T]struct{}) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if _, ok := b[k]; !ok {
			return false
		}
	}
	return true
}
