package quality

import (
	"math"
	"slices"
	"strings"
	"testing"
	"time"
)

// checkRows validates one nullable column with one check and returns the
// check's failing rows and rendered name.
func checkRows(t *testing.T, col stCol, c Check) ([]int64, string) {
	t.Helper()
	tbl := stTable(t, []int{1}, col)
	s := &Schema{Columns: []ColumnSchema{{Name: col.name, Nullable: true, Checks: []Check{c}}}}
	rep, err := s.Validate(tbl, SchemaOptions{Lazy: true})
	if rep == nil {
		t.Fatalf("%s: %v", c, err)
	}
	for _, e := range rep.Errors {
		if e.Reason == ReasonCheckError {
			t.Fatalf("%s: check error %s", c, e.Message)
		}
	}
	if len(rep.RowFailures) == 0 {
		return nil, c.String()
	}
	return stRows(rep.RowFailures[0].Rows), rep.RowFailures[0].Check
}

func TestBuiltinChecks(t *testing.T) {
	nums := stc("x", stInt64, 0, 1, 5, 10, 11, nil)
	strs := stc("s", stString, "abc", "xabc", "ab", "ABC", nil)
	times := stc("t", stTime, "2024-01-01", "2024-06-01 12:00:00", "2025-01-01", nil)
	jan1 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		col  stCol
		c    Check
		name string
		want []int64
	}{
		{nums, Eq(1), "equal_to(1)", []int64{0, 2, 3, 4}},
		{nums, Ne(1), "not_equal_to(1)", []int64{1}},
		{nums, Gt(5), "greater_than(5)", []int64{0, 1, 2}},
		{nums, Ge(5), "greater_than_or_equal_to(5)", []int64{0, 1}},
		{nums, Lt(5), "less_than(5)", []int64{2, 3, 4}},
		{nums, Le(5), "less_than_or_equal_to(5)", []int64{3, 4}},
		{nums, Ge(-1), "greater_than_or_equal_to(-1)", nil},
		{nums, InRange(1, 10), "in_range(1, 10)", []int64{0, 4}},
		{nums, InRangeWith(1, 10, false, true), "in_range(1, 10)", []int64{0, 1, 4}},
		{nums, InRangeWith(1, 10, true, false), "in_range(1, 10)", []int64{0, 3, 4}},
		{nums, InRangeWith(1, 10, false, false), "in_range(1, 10)", []int64{0, 1, 3, 4}},
		{nums, InRange(0.5, 10.5), "in_range(0.5, 10.5)", []int64{0, 4}},
		{nums, IsIn(1, 5), "isin([1, 5])", []int64{0, 3, 4}},
		{nums, IsIn([]int{1, 5}), "isin([1, 5])", []int64{0, 3, 4}},
		{nums, NotIn(1, 5), "notin([1, 5])", []int64{1, 2}},
		{stc("f", stFloat, 1.0, math.NaN(), 3.0, nil), Gt(2), "greater_than(2)", []int64{0}},
		{stc("f", stFloat, 1.0, math.NaN(), 3.0, nil), Gt(2).WithIgnoreNA(false), "greater_than(2)", []int64{0, 1, 3}},
		{nums, Gt(0).WithIgnoreNA(false), "greater_than(0)", []int64{0, 5}},
		{nums, Ne(1).WithIgnoreNA(false), "not_equal_to(1)", []int64{1}},
		{nums, NotIn(1).WithIgnoreNA(false), "notin([1])", []int64{1}},
		// str_matches anchors at the start only, as re.match.
		{strs, StrMatches("ab"), "str_matches('ab')", []int64{1, 3}},
		{strs, StrMatches("ab$"), "str_matches('ab$')", []int64{0, 1, 3}},
		{strs, StrMatches("(?i)ab"), "str_matches('(?i)ab')", []int64{1}},
		{strs, StrMatches("ab").WithIgnoreNA(false), "str_matches('ab')", []int64{1, 3, 4}},
		{strs, StrContains("ab"), "str_contains('ab')", []int64{3}},
		{strs, StrContains("^ab"), "str_contains('^ab')", []int64{1, 3}},
		{strs, StrStartsWith("ab"), "str_startswith('ab')", []int64{1, 3}},
		{strs, StrEndsWith("bc"), "str_endswith('bc')", []int64{2, 3}},
		{strs, StrLength(3, 3), "str_length(3, 3)", []int64{1, 2}},
		{strs, StrLength(-1, 3), "str_length(None, 3)", []int64{1}},
		{stc("u", stString, "é€", "a", "abc"), StrLength(2, -1), "str_length(2, None)", []int64{1}},
		{strs, IsIn("abc", "ab"), "isin(['abc', 'ab'])", []int64{1, 3}},
		{strs, Ge("ab"), "greater_than_or_equal_to(ab)", []int64{3}},
		{strs, Eq("ab"), "equal_to(ab)", []int64{0, 1, 3}},
		{times, InRange("2024-01-01", "2024-12-31"), "in_range(2024-01-01, 2024-12-31)", []int64{2}},
		{times, Gt("2024-01-01"), "greater_than(2024-01-01)", []int64{0}},
		{times, Gt(jan1), "greater_than(2024-01-01 00:00:00)", []int64{0}},
		{times, Le(jan1.UnixMicro()), "less_than_or_equal_to(1704067200000000)", []int64{1, 2}},
		{times, IsIn("2024-01-01", "2025-01-01"), "isin(['2024-01-01', '2025-01-01'])", []int64{1}},
		{stc("b", stBool, true, false, nil), Eq(true), "equal_to(True)", []int64{1}},
		{stc("b", stBool, true, false, nil), IsIn(false), "isin([False])", []int64{0}},
		{stc("b", stBool, true, false, nil), Ne(true).WithIgnoreNA(false), "not_equal_to(True)", []int64{0}},
		{nums, Gt(5).WithError("big enough"), "big enough", []int64{0, 1, 2}},
	} {
		got, name := checkRows(t, tc.col, tc.c)
		if name != tc.name || !slices.Equal(got, tc.want) {
			t.Errorf("%s on %s: %q rows %v, want %q rows %v", tc.c, tc.col.name, name, got, tc.name, tc.want)
		}
	}
}

func TestCustomChecks(t *testing.T) {
	nums := stc("x", stInt64, 1, 2, 3, nil)
	strs := stc("s", stString, "a", "bb", nil)
	evens := func(col *Column) (*RowSet, error) {
		bad := NewRowSet(col.Len())
		col.EachFloat(func(row int64, v float64) {
			if int64(v)%2 != 0 {
				bad.Add(row)
			}
		})
		col.EachNull(bad.Add) // ignored unless ignore_na=false
		return bad, nil
	}
	for _, tc := range []struct {
		col  stCol
		c    Check
		want []int64
	}{
		{nums, CheckFunc("even", evens), []int64{0, 2}},
		{nums, CheckFunc("even", evens).WithIgnoreNA(false), []int64{0, 2, 3}},
		{nums, CheckBools("lt3", func(col *Column) ([]bool, error) {
			out := make([]bool, col.Len())
			for i := range out {
				v, _ := col.Value(int64(i)).(int64)
				out[i] = v < 3
			}
			return out, nil
		}), []int64{2}},
		{nums, CheckElement("odd", func(v any) bool { return v.(int64)%2 == 1 }), []int64{1}},
		{nums, CheckElement("notnil", func(v any) bool { return v != nil }).WithIgnoreNA(false), []int64{3}},
		{nums, CheckFloat("small", func(v float64) bool { return v < 2 }), []int64{1, 2}},
		{strs, CheckString("short", func(v string) bool { return len(v) < 2 }), []int64{1}},
		{stc("t", stTime, "2024-01-01", "2030-01-01"), CheckTime("before2027", func(us int64) bool { return us < time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC).UnixMicro() }), []int64{1}},
	} {
		if got, _ := checkRows(t, tc.col, tc.c); !slices.Equal(got, tc.want) {
			t.Errorf("%s: rows %v, want %v", tc.c, got, tc.want)
		}
	}
	tbl := stTable(t, nil, stc("a", stInt64, 1, 5), stc("b", stInt64, 2, 3))
	s := &Schema{Checks: []Check{
		TableCheckFunc("a_lt_b", []string{"a", "b"}, func(t *Table) (*RowSet, error) {
			rs := NewRowSet(t.NumRows())
			rs.Add(1)
			return rs, nil
		}),
		RowCheck("a_even", []string{"a"}, func(v []any) bool { return v[0].(int64)%2 == 0 }),
	}}
	rep, _ := s.Validate(tbl, SchemaOptions{Lazy: true})
	if len(rep.RowFailures) != 2 || !slices.Equal(stRows(rep.RowFailures[1].Rows), []int64{0, 1}) {
		t.Errorf("table custom checks: %v", rep.RowFailures)
	}
}

func TestCheckMostly(t *testing.T) {
	vals := stc("x", stInt64, 0, 1, 1, 1, nil)
	for _, tc := range []struct {
		c    Check
		want []int64
	}{
		{Gt(0), []int64{0}},
		{Gt(0).WithMostly(0.75), nil},                               // 3 of 4 non-null pass
		{Gt(0).WithMostly(0.8), []int64{0}},                         // 0.75 < 0.8
		{Gt(0).WithMostly(0.75).WithIgnoreNA(false), []int64{0, 4}}, // 3 of 5
		{Gt(0).WithMostly(0.6).WithIgnoreNA(false), nil},
	} {
		if got, _ := checkRows(t, vals, tc.c); !slices.Equal(got, tc.want) {
			t.Errorf("%s mostly %v ignore_na %v: rows %v, want %v", tc.c, tc.c.Mostly(), tc.c.IgnoresNA(), got, tc.want)
		}
	}
}

func TestUniqueValuesEq(t *testing.T) {
	col := stc("s", stString, "a", "b", "a", nil)
	if got, _ := checkRows(t, col, UniqueValuesEq("a", "b")); got != nil {
		t.Errorf("pass case failed rows %v", got)
	}
	tbl := stTable(t, nil, col)
	s := &Schema{Columns: []ColumnSchema{{Name: "s", Nullable: true, Checks: []Check{UniqueValuesEq("a")}}}}
	rep, _ := s.Validate(tbl, SchemaOptions{Lazy: true})
	want := []string{"Column|s|unique_values_eq(['a'])|0|False|-1"}
	if got := stCases(rep.FailureCases); !slices.Equal(got, want) || len(rep.RowFailures) != 0 {
		t.Errorf("got %q (rows %v), want %q", got, rep.RowFailures, want)
	}
	nums := &Schema{Columns: []ColumnSchema{{Name: "x", Checks: []Check{UniqueValuesEq(1, 2)}}}}
	if _, err := nums.Validate(stTable(t, nil, stc("x", stInt64, 2, 1, 1)), SchemaOptions{}); err != nil {
		t.Errorf("numeric unique_values_eq: %v", err)
	}
}

func TestCheckTypeMismatchIsCheckError(t *testing.T) {
	tbl := stTable(t, nil, stc("x", stInt64, 1))
	s := &Schema{Columns: []ColumnSchema{{Name: "x", Checks: []Check{StrMatches("a"), Gt("abc")}}}}
	rep, _ := s.Validate(tbl, SchemaOptions{Lazy: true})
	if len(rep.Errors) != 2 || rep.Errors[0].Reason != ReasonCheckError || !strings.Contains(rep.Errors[1].Message, "not a number") {
		t.Errorf("errors %+v", rep.Errors)
	}
}

func TestCheckUnsupportedRegexp(t *testing.T) {
	for pat, want := range map[string]string{
		`(a)\1`: "back-references", `(?P<x>a)(?P=x)`: "named back-references", `a(?=b)`: "look-around assertions",
		`a(?!b)`: "look-around assertions", `(?<=a)b`: "look-around assertions", `(?<!a)b`: "look-around assertions",
		`(?>a)`: "atomic groups", `\\1`: "", `[\1]`: "", `[(?=]`: "", `[]a(?=]`: "", `(?P<name>a)`: "", `(?i)a`: "", `\(?=`: "",
	} {
		if got := checkUnsupportedRegexp(pat); got != want {
			t.Errorf("%s: %q, want %q", pat, got, want)
		}
	}
	if err := StrMatches(`(a)\1`).Err(); err == nil || !strings.Contains(err.Error(), "back-references") {
		t.Errorf("Err: %v", err)
	}
}
