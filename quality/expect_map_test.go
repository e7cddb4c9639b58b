package quality

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"
)

// gxCase is one expectation run on a table with its exact expected
// success and result JSON (worked by hand from GX's _format_map_output).
type gxCase struct {
	name    string
	typ     string
	kwargs  map[string]any
	rf      string
	success bool
	result  string
}

func gxRunCases(t *testing.T, tbl *Table, cases []gxCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := gxRun(t, tbl, tbl2rf(c.rf), c.typ, c.kwargs)
			if r.ExceptionInfo.RaisedException {
				t.Fatalf("raised: %s", r.ExceptionInfo.ExceptionMessage)
			}
			if r.Success != c.success {
				t.Errorf("success = %v, want %v", r.Success, c.success)
			}
			got, want := gxJSON(t, r.Result), gxWant(t, c.result)
			if !reflect.DeepEqual(got, want) {
				g, _ := json.Marshal(got)
				w, _ := json.Marshal(want)
				t.Errorf("result\n got %s\nwant %s", g, w)
			}
		})
	}
}

func tbl2rf(rf string) string {
	if rf == "" {
		return Summary
	}
	return rf
}

// x: 1..10 then two nulls (12 rows, 10 non-null), in chunks of 5.
func gxTableX(t *testing.T) *Table {
	return gxTestTable(t, 5, gxc("x", gxF64, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, nil, nil))
}

func TestColumnMapMostlyAndPercents(t *testing.T) {
	between := func(mostly float64) map[string]any {
		return map[string]any{"column": "x", "min_value": 1, "max_value": 8, "mostly": mostly}
	}
	summary := `{"element_count":12,"unexpected_count":2,"unexpected_percent":20,
		"missing_count":2,"missing_percent":16.666666666666664,
		"unexpected_percent_total":16.666666666666664,"unexpected_percent_nonmissing":20,
		"partial_unexpected_list":[9,10],"partial_unexpected_index_list":[8,9],
		"partial_unexpected_counts":[{"value":9,"count":1},{"value":10,"count":1}]}`
	gxRunCases(t, gxTableX(t), []gxCase{
		// 8 of 10 non-null values expected: 0.8 >= 0.8 succeeds, nulls
		// never unexpected nor counted.
		{"mostly at boundary", "expect_column_values_to_be_between", between(0.8), "", true, summary},
		{"mostly above", "expect_column_values_to_be_between", between(0.81), "", false, summary},
		{"strict bounds", "expect_column_values_to_be_between",
			map[string]any{"column": "x", "min_value": 1, "max_value": 10, "strict_min": true, "strict_max": true}, Basic, false,
			`{"element_count":12,"unexpected_count":2,"unexpected_percent":20,"missing_count":2,
			"missing_percent":16.666666666666664,"unexpected_percent_total":16.666666666666664,
			"unexpected_percent_nonmissing":20,"partial_unexpected_list":[1,10]}`},
		{"boolean only", "expect_column_values_to_be_between", between(1), BooleanOnly, false, `{}`},
		{"complete", "expect_column_values_to_be_between", map[string]any{"column": "x", "max_value": 7}, Complete, false,
			`{"element_count":12,"unexpected_count":3,"unexpected_percent":30,"missing_count":2,
			"missing_percent":16.666666666666664,"unexpected_percent_total":25,"unexpected_percent_nonmissing":30,
			"partial_unexpected_list":[8,9,10],"partial_unexpected_index_list":[7,8,9],
			"partial_unexpected_counts":[{"value":8,"count":1},{"value":9,"count":1},{"value":10,"count":1}],
			"unexpected_list":[8,9,10],"unexpected_index_list":[7,8,9]}`},
		// not_be_null counts over all rows and reports no missing keys.
		{"not null", "expect_column_values_to_not_be_null", map[string]any{"column": "x"}, "", false,
			`{"element_count":12,"unexpected_count":2,"unexpected_percent":16.666666666666664,
			"partial_unexpected_list":[null,null],"partial_unexpected_index_list":[10,11],
			"partial_unexpected_counts":[{"value":null,"count":2}]}`},
		{"not null mostly", "expect_column_values_to_not_be_null", map[string]any{"column": "x", "mostly": 0.8}, Basic, true,
			`{"element_count":12,"unexpected_count":2,"unexpected_percent":16.666666666666664,"partial_unexpected_list":[null,null]}`},
		{"be null", "expect_column_values_to_be_null", map[string]any{"column": "x", "mostly": 1.0 / 6}, Basic, true,
			`{"element_count":12,"unexpected_count":10,"unexpected_percent":83.33333333333334,
			"partial_unexpected_list":[1,2,3,4,5,6,7,8,9,10]}`},
	})
}

func TestResultFormatDict(t *testing.T) {
	tbl := gxTestTable(t, 0, gxc("s", gxStr, "z", "a", "y", "z", "y", "q", nil, "b"))
	inSet := map[string]any{"column": "s", "value_set": []any{"a", "b"}}
	gxRunCases(t, tbl, []gxCase{
		// Counts sort by count then value: y and z tie at 2.
		{"summary counts", "expect_column_values_to_be_in_set", inSet, "", false,
			`{"element_count":8,"unexpected_count":5,"unexpected_percent":71.42857142857143,"missing_count":1,
			"missing_percent":12.5,"unexpected_percent_total":62.5,"unexpected_percent_nonmissing":71.42857142857143,
			"partial_unexpected_list":["z","y","z","y","q"],"partial_unexpected_index_list":[0,2,3,4,5],
			"partial_unexpected_counts":[{"value":"y","count":2},{"value":"z","count":2},{"value":"q","count":1}]}`},
		{"not in set", "expect_column_values_to_not_be_in_set", map[string]any{"column": "s", "value_set": []any{"z", "q"}}, Basic, false,
			`{"element_count":8,"unexpected_count":3,"unexpected_percent":42.857142857142854,"missing_count":1,
			"missing_percent":12.5,"unexpected_percent_total":37.5,"unexpected_percent_nonmissing":42.857142857142854,
			"partial_unexpected_list":["z","z","q"]}`},
	})
	// partial_unexpected_count 2: lists hold the first 2, and SUMMARY
	// counts only those (GX counts the partial list it fetched).
	rf := map[string]any{"result_format": "SUMMARY", "partial_unexpected_count": 2}
	r := gxRun(t, tbl, "", "expect_column_values_to_be_in_set", map[string]any{"column": "s", "value_set": []any{"a", "b"}, "result_format": rf})
	want := gxWant(t, `{"element_count":8,"unexpected_count":5,"unexpected_percent":71.42857142857143,"missing_count":1,
		"missing_percent":12.5,"unexpected_percent_total":62.5,"unexpected_percent_nonmissing":71.42857142857143,
		"partial_unexpected_list":["z","y"],"partial_unexpected_index_list":[0,2],
		"partial_unexpected_counts":[{"value":"y","count":1},{"value":"z","count":1}]}`)
	if got := gxJSON(t, r.Result); !reflect.DeepEqual(got, want) {
		t.Errorf("partial_unexpected_count 2:\n got %v\nwant %v", got, want)
	}
	// COMPLETE counts the whole list but keeps the top partial_unexpected_count.
	rf = map[string]any{"result_format": "COMPLETE", "partial_unexpected_count": 1, "include_unexpected_rows": true,
		"unexpected_index_column_names": []any{"s"}}
	r = gxRun(t, tbl, "", "expect_column_values_to_be_in_set", map[string]any{"column": "s", "value_set": []any{"a", "b", "z", "q"}, "result_format": rf})
	want = gxWant(t, `{"element_count":8,"unexpected_count":2,"unexpected_percent":28.57142857142857,"missing_count":1,
		"missing_percent":12.5,"unexpected_percent_total":25,"unexpected_percent_nonmissing":28.57142857142857,
		"partial_unexpected_list":["y"],"partial_unexpected_index_list":[{"s":"y"}],
		"partial_unexpected_counts":[{"value":"y","count":2}],
		"unexpected_list":["y","y"],"unexpected_index_list":[{"s":"y"},{"s":"y"}],
		"unexpected_rows":[{"s":"y"},{"s":"y"}],"unexpected_index_column_names":["s"]}`)
	if got := gxJSON(t, r.Result); !reflect.DeepEqual(got, want) {
		t.Errorf("complete dict:\n got %v\nwant %v", got, want)
	}
}

func TestColumnMapEdgeCases(t *testing.T) {
	allNull := gxTestTable(t, 0, gxc("x", gxF64, nil, nil, nil, gxNaN))
	gxRunCases(t, allNull, []gxCase{
		// No non-missing value: vacuously true, nonmissing percent null.
		{"all null between", "expect_column_values_to_be_between", map[string]any{"column": "x", "min_value": 0}, "", true,
			`{"element_count":4,"unexpected_count":0,"unexpected_percent":null,"missing_count":4,"missing_percent":100,
			"unexpected_percent_total":0,"unexpected_percent_nonmissing":null,"partial_unexpected_list":[],
			"partial_unexpected_index_list":[],"partial_unexpected_counts":[]}`},
		// NaN is missing, as in pandas.
		{"all null not null", "expect_column_values_to_not_be_null", map[string]any{"column": "x"}, Basic, false,
			`{"element_count":4,"unexpected_count":4,"unexpected_percent":100,"partial_unexpected_list":[null,null,null,null]}`},
		{"all null unique", "expect_column_values_to_be_unique", map[string]any{"column": "x"}, Basic, true,
			`{"element_count":4,"unexpected_count":0,"unexpected_percent":null,"missing_count":4,"missing_percent":100,
			"unexpected_percent_total":0,"unexpected_percent_nonmissing":null,"partial_unexpected_list":[]}`},
	})
	empty := gxTestTable(t, 0, gxc("x", gxF64))
	gxRunCases(t, empty, []gxCase{
		{"zero rows between", "expect_column_values_to_be_between", map[string]any{"column": "x", "min_value": 0}, Basic, true,
			`{"element_count":0,"unexpected_count":0,"unexpected_percent":null,"missing_count":0,"missing_percent":null,
			"unexpected_percent_total":null,"unexpected_percent_nonmissing":null,"partial_unexpected_list":[]}`},
		{"zero rows not null", "expect_column_values_to_not_be_null", map[string]any{"column": "x"}, Basic, true,
			`{"element_count":0,"unexpected_count":0,"unexpected_percent":null,"partial_unexpected_list":[]}`},
	})
}

func TestUniqueAndMonotonic(t *testing.T) {
	tbl := gxTestTable(t, 3,
		gxc("i", gxI64, 1, 2, 2, 3, 3, 3, nil),
		gxc("f", gxF64, 1.0, 0.5, 0.5, 2.0, nil, 3.0, 2.5),
		gxc("ts", gxTS, "2024-01-01 00:00:00", "2024-01-02 00:00:00", nil, "2024-01-02 00:00:00", "2024-01-01 12:00:00", "2024-01-03 00:00:00", "2024-01-04 00:00:00"),
	)
	gxRunCases(t, tbl, []gxCase{
		// Every occurrence of a duplicated value is unexpected.
		{"unique", "expect_column_values_to_be_unique", map[string]any{"column": "i"}, Summary, false,
			`{"element_count":7,"unexpected_count":5,"unexpected_percent":83.33333333333334,"missing_count":1,
			"missing_percent":14.285714285714285,"unexpected_percent_total":71.42857142857143,
			"unexpected_percent_nonmissing":83.33333333333334,"partial_unexpected_list":[2,2,3,3,3],
			"partial_unexpected_index_list":[1,2,3,4,5],
			"partial_unexpected_counts":[{"value":3,"count":3},{"value":2,"count":2}]}`},
		// Each non-null value is compared with the previous non-null one.
		{"increasing", "expect_column_values_to_be_increasing", map[string]any{"column": "f"}, Basic, false,
			`{"element_count":7,"unexpected_count":2,"unexpected_percent":33.33333333333333,"missing_count":1,
			"missing_percent":14.285714285714285,"unexpected_percent_total":28.57142857142857,
			"unexpected_percent_nonmissing":33.33333333333333,"partial_unexpected_list":[0.5,2.5]}`},
		{"strictly increasing", "expect_column_values_to_be_increasing", map[string]any{"column": "f", "strictly": true}, Basic, false,
			`{"element_count":7,"unexpected_count":3,"unexpected_percent":50,"missing_count":1,
			"missing_percent":14.285714285714285,"unexpected_percent_total":42.857142857142854,
			"unexpected_percent_nonmissing":50,"partial_unexpected_list":[0.5,0.5,2.5]}`},
		{"decreasing times", "expect_column_values_to_be_decreasing", map[string]any{"column": "ts"}, Basic, false,
			`{"element_count":7,"unexpected_count":3,"unexpected_percent":50,"missing_count":1,
			"missing_percent":14.285714285714285,"unexpected_percent_total":42.857142857142854,
			"unexpected_percent_nonmissing":50,
			"partial_unexpected_list":["2024-01-02 00:00:00","2024-01-03 00:00:00","2024-01-04 00:00:00"]}`},
		{"times between text bounds", "expect_column_values_to_be_between",
			map[string]any{"column": "ts", "min_value": "2024-01-02", "max_value": "2024-01-03 00:00:00", "strict_max": true}, Basic, false,
			`{"element_count":7,"unexpected_count":4,"unexpected_percent":66.66666666666666,"missing_count":1,
			"missing_percent":14.285714285714285,"unexpected_percent_total":57.14285714285714,
			"unexpected_percent_nonmissing":66.66666666666666,
			"partial_unexpected_list":["2024-01-01 00:00:00","2024-01-01 12:00:00","2024-01-03 00:00:00","2024-01-04 00:00:00"]}`},
	})
}

func TestRegexAndLengths(t *testing.T) {
	tbl := gxTestTable(t, 0,
		gxc("s", gxStr, "abc", "xabcx", "ab", "ABC", "abc\n", nil, "héllo"),
		gxc("n", gxF64, 1.5, 10.0, 1e16, 0.0001, 1e-5, nil, 2.0))
	basic := func(count int, pct string, list string) string {
		return `{"element_count":7,"unexpected_count":` + itoa(count) + `,"unexpected_percent":` + pct +
			`,"missing_count":1,"missing_percent":14.285714285714285,"unexpected_percent_total":` + pctTotal(count) +
			`,"unexpected_percent_nonmissing":` + pct + `,"partial_unexpected_list":` + list + `}`
	}
	gxRunCases(t, tbl, []gxCase{
		// re.search semantics: a match anywhere in the value.
		{"search", "expect_column_values_to_match_regex", map[string]any{"column": "s", "regex": "abc"}, Basic, false,
			basic(3, "50", `["ab","ABC","héllo"]`)},
		// Python's $ also matches before a final newline.
		{"anchored", "expect_column_values_to_match_regex", map[string]any{"column": "s", "regex": "^abc$"}, Basic, false,
			basic(4, "66.66666666666666", `["xabcx","ab","ABC","héllo"]`)},
		// Python 3's \w is Unicode: héllo has five word characters.
		{"unicode word", "expect_column_values_to_match_regex", map[string]any{"column": "s", "regex": `^\w{5}$`}, Basic, false,
			basic(4, "66.66666666666666", `["abc","ab","ABC","abc\n"]`)},
		{"not match", "expect_column_values_to_not_match_regex", map[string]any{"column": "s", "regex": `B|x$`}, Basic, false,
			basic(2, "33.33333333333333", `["xabcx","ABC"]`)},
		{"list any", "expect_column_values_to_match_regex_list", map[string]any{"column": "s", "regex_list": []any{"^a", "C$"}}, Basic, false,
			basic(2, "33.33333333333333", `["xabcx","héllo"]`)},
		{"list all", "expect_column_values_to_match_regex_list", map[string]any{"column": "s", "regex_list": []any{"a", "c"}, "match_on": "all"}, Basic, false,
			basic(3, "50", `["ab","ABC","héllo"]`)},
		// Numbers are matched as pandas' astype(str) writes them.
		{"numbers as text", "expect_column_values_to_match_regex", map[string]any{"column": "n", "regex": `^\d+\.\d+$`}, Basic, false,
			basic(2, "33.33333333333333", `[1e16,1e-5]`)},
		{"lengths", "expect_column_value_lengths_to_be_between", map[string]any{"column": "s", "min_value": 3, "max_value": 4}, Basic, false,
			basic(3, "50", `["xabcx","ab","héllo"]`)},
	})
}

func asExpectationError(err error, target **ExpectationError) bool { return errors.As(err, target) }

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func pctTotal(n int) string { b, _ := json.Marshal(float64(n) / 7 * 100); return string(b) }

func TestBadRegexFailsAtLoad(t *testing.T) {
	for _, p := range []string{`(a)\1`, `(?<=a)b`, `a(?!b)`, `(?P<x>a)(?P=x)`, `a++`} {
		s := NewSuite("s")
		_, err := s.Add("expect_column_values_to_match_regex", map[string]any{"column": "s", "regex": p})
		if err == nil {
			t.Errorf("%q: no error", p)
			continue
		}
		var ee *ExpectationError
		if !asExpectationError(err, &ee) || ee.Index != 0 || ee.Type != "expect_column_values_to_match_regex" {
			t.Errorf("%q: error %v is not an ExpectationError naming the expectation", p, err)
		}
	}
}
