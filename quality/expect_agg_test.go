package quality

import (
	"testing"
)

func TestAggregateExpectations(t *testing.T) {
	tbl := gxTestTable(t, 2,
		gxc("x", gxF64, 1.0, 2.0, 3.0, 4.0, nil),
		gxc("e", gxF64, nil, nil, nil, nil, nil),
		gxc("s", gxStr, "b", "a", "c", "a", nil),
		gxc("ts", gxTS, "2024-01-02 00:00:00", "2024-01-01 00:00:00", nil, "2024-03-01 00:00:00", nil),
		gxc("i", gxI64, 1, 2, 3, 4, 10),
	)
	between := func(col string, lo, hi any) map[string]any {
		return map[string]any{"column": col, "min_value": lo, "max_value": hi}
	}
	gxRunCases(t, tbl, []gxCase{
		{"mean", "expect_column_mean_to_be_between", between("x", 2.5, 2.5), "", true, `{"observed_value":2.5}`},
		{"median", "expect_column_median_to_be_between", between("x", 0, 2), "", false, `{"observed_value":2.5}`},
		// Sample standard deviation (n-1): sqrt(5/3).
		{"stdev", "expect_column_stdev_to_be_between", between("x", 1, 2), "", true, `{"observed_value":1.2909944487358056}`},
		{"sum", "expect_column_sum_to_be_between", between("x", 10, nil), "", true, `{"observed_value":10}`},
		{"min strict", "expect_column_min_to_be_between", map[string]any{"column": "x", "min_value": 1, "strict_min": true}, "", false, `{"observed_value":1}`},
		{"max", "expect_column_max_to_be_between", between("i", 5, 10), "", true, `{"observed_value":10}`},
		// Aggregates skip nulls; with no value they fail with null...
		{"empty mean", "expect_column_mean_to_be_between", between("e", 0, 1), "", false, `{"observed_value":null}`},
		{"empty max", "expect_column_max_to_be_between", between("e", 0, 1), "", false, `{"observed_value":null}`},
		// ...except the sum, which pandas makes 0.
		{"empty sum", "expect_column_sum_to_be_between", between("e", 0, 0), "", true, `{"observed_value":0}`},
		{"text max", "expect_column_max_to_be_between", between("s", "a", "b"), "", false, `{"observed_value":"c"}`},
		{"time min", "expect_column_min_to_be_between", between("ts", "2024-01-01", "2024-01-01 00:00:00"), "", true,
			`{"observed_value":"2024-01-01 00:00:00"}`},
		{"time median", "expect_column_median_to_be_between", between("ts", "2024-01-02", nil), "", true,
			`{"observed_value":"2024-01-02 00:00:00"}`},
		{"unique count", "expect_column_unique_value_count_to_be_between", between("s", 3, 3), "", true, `{"observed_value":3}`},
		{"unique proportion", "expect_column_proportion_of_unique_values_to_be_between", between("s", 0.8, 1), "", false, `{"observed_value":0.75}`},
		{"unique proportion empty", "expect_column_proportion_of_unique_values_to_be_between", between("e", 0, 0), "", true, `{"observed_value":0}`},
		// numpy's "nearest" (GX's pandas default): indices round half to even.
		{"quantiles nearest", "expect_column_quantile_values_to_be_between", map[string]any{"column": "i",
			"quantile_ranges": map[string]any{"quantiles": []any{0.0, 0.25, 0.5, 0.75, 1.0},
				"value_ranges": []any{[]any{nil, 1}, []any{2, 2}, []any{3, 3}, []any{4, 5}, []any{9, nil}}}}, "", true,
			`{"observed_value":{"quantiles":[0,0.25,0.5,0.75,1],"values":[1,2,3,4,10]},
			"details":{"success_details":[true,true,true,true,true]}}`},
		{"quantiles linear", "expect_column_quantile_values_to_be_between", map[string]any{"column": "x",
			"quantile_ranges":      map[string]any{"quantiles": []any{0.5, 0.9}, "value_ranges": []any{[]any{2, 3}, []any{3, 3.5}}},
			"allow_relative_error": "linear"}, "", false,
			`{"observed_value":{"quantiles":[0.5,0.9],"values":[2.5,3.7]},"details":{"success_details":[true,false]}}`},
		{"most common ties", "expect_column_most_common_value_to_be_in_set", map[string]any{"column": "s", "value_set": []any{"a"}}, "", true,
			`{"observed_value":["a"]}`},
		{"distinct in set", "expect_column_distinct_values_to_be_in_set", map[string]any{"column": "s", "value_set": []any{"a", "b"}}, "", false,
			`{"observed_value":["a","b","c"],"details":{"value_counts":[{"value":"a","count":2},{"value":"b","count":1},{"value":"c","count":1}]}}`},
		{"distinct contain", "expect_column_distinct_values_to_contain_set", map[string]any{"column": "s", "value_set": []any{"a", "b"}}, BooleanOnly, true, `{}`},
		{"distinct equal", "expect_column_distinct_values_to_equal_set", map[string]any{"column": "s", "value_set": []any{"a", "b", "c"}}, BooleanOnly, true, `{}`},
	})
}

func TestTableExpectations(t *testing.T) {
	tbl := gxTestTable(t, 0, gxc("x", gxF64, 1.0, 2.0), gxc("s", gxStr, "a", "b"))
	gxRunCases(t, tbl, []gxCase{
		{"rows between", "expect_table_row_count_to_be_between", map[string]any{"min_value": 1, "max_value": 2}, "", true, `{"observed_value":2}`},
		{"rows strict", "expect_table_row_count_to_be_between", map[string]any{"max_value": 2, "strict_max": true}, "", false, `{"observed_value":2}`},
		{"rows equal", "expect_table_row_count_to_equal", map[string]any{"value": 3}, "", false, `{"observed_value":2}`},
		{"column count", "expect_table_column_count_to_equal", map[string]any{"value": 2}, "", true, `{"observed_value":2}`},
		{"ordered ok", "expect_table_columns_to_match_ordered_list", map[string]any{"column_list": []any{"x", "s"}}, "", true,
			`{"observed_value":["x","s"]}`},
		{"ordered mismatch", "expect_table_columns_to_match_ordered_list", map[string]any{"column_list": []any{"x", "y", "z"}}, "", false,
			`{"observed_value":["x","s"],"details":{"mismatched":[
				{"Expected Column Position":1,"Expected":"y","Found":"s"},
				{"Expected Column Position":2,"Expected":"z","Found":null}]}}`},
		{"set exact", "expect_table_columns_to_match_set", map[string]any{"column_set": []any{"s", "x"}}, "", true, `{"observed_value":["x","s"]}`},
		{"set mismatch", "expect_table_columns_to_match_set", map[string]any{"column_set": []any{"x", "y"}}, "", false,
			`{"observed_value":["s","x"],"details":{"mismatched":{"unexpected":["s"],"missing":["y"]}}}`},
		{"set subset", "expect_table_columns_to_match_set", map[string]any{"column_set": []any{"x"}, "exact_match": false}, "", true,
			`{"observed_value":["s","x"],"details":{"mismatched":{"unexpected":["s"]}}}`},
		{"exists", "expect_column_to_exist", map[string]any{"column": "s", "column_index": 1}, "", true, `{}`},
		{"exists wrong index", "expect_column_to_exist", map[string]any{"column": "s", "column_index": 2}, "", false, `{}`},
	})
}

func TestPairAndMulticolumn(t *testing.T) {
	tbl := gxTestTable(t, 2,
		gxc("a", gxI64, 3, 2, nil, nil, 5, 1),
		gxc("b", gxF64, 1.0, 2.0, 1.0, nil, nil, 1.0),
		gxc("c", gxStr, "x", "x", "y", nil, nil, "x"),
	)
	pair := func(extra map[string]any) map[string]any {
		m := map[string]any{"column_A": "a", "column_B": "b"}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	gxRunCases(t, tbl, []gxCase{
		// Row 3 (both missing) is ignored; a missing value in the others
		// compares false. Python cannot sort (2, 2.0) against (None, 1.0),
		// so GX leaves partial_unexpected_counts out.
		{"greater", "expect_column_pair_values_A_to_be_greater_than_B", pair(nil), "", false,
			`{"element_count":6,"unexpected_count":4,"unexpected_percent":80,"missing_count":1,
			"missing_percent":16.666666666666664,"unexpected_percent_total":66.66666666666666,
			"unexpected_percent_nonmissing":80,"partial_unexpected_list":[[2,2],[null,1],[5,null],[1,1]],
			"partial_unexpected_index_list":[1,2,4,5]}`},
		{"greater or equal either", "expect_column_pair_values_A_to_be_greater_than_B",
			pair(map[string]any{"or_equal": true, "ignore_row_if": "either_value_is_missing"}), Basic, true,
			`{"element_count":6,"unexpected_count":0,"unexpected_percent":0,"missing_count":3,"missing_percent":50,
			"unexpected_percent_total":0,"unexpected_percent_nonmissing":0,"partial_unexpected_list":[]}`},
		{"equal neither", "expect_column_pair_values_to_be_equal", pair(map[string]any{"ignore_row_if": "neither", "mostly": 0.5}), Basic, false,
			`{"element_count":6,"unexpected_count":4,"unexpected_percent":66.66666666666666,"missing_count":0,"missing_percent":0,
			"unexpected_percent_total":66.66666666666666,"unexpected_percent_nonmissing":66.66666666666666,
			"partial_unexpected_list":[[3,1],[null,1],[null,null],[5,null]]}`},
		// Rows 3 and 4 (all missing) are ignored; (1, x) occurs twice.
		{"compound", "expect_compound_columns_to_be_unique", map[string]any{"column_list": []any{"b", "c"}}, "", false,
			`{"element_count":6,"unexpected_count":2,"unexpected_percent":50,"missing_count":2,
			"missing_percent":33.33333333333333,"unexpected_percent_total":33.33333333333333,"unexpected_percent_nonmissing":50,
			"partial_unexpected_list":[{"b":1,"c":"x"},{"b":1,"c":"x"}],
			"partial_unexpected_index_list":[0,5],
			"partial_unexpected_counts":[{"value":[1,"x"],"count":2}]}`},
		// Two missing values in one record are equal (nunique dropna=False).
		{"within record", "expect_select_column_values_to_be_unique_within_record", map[string]any{"column_list": []any{"a", "b"}}, Basic, false,
			`{"element_count":6,"unexpected_count":2,"unexpected_percent":40,"missing_count":1,
			"missing_percent":16.666666666666664,"unexpected_percent_total":33.33333333333333,
			"unexpected_percent_nonmissing":40,"partial_unexpected_list":[{"a":2,"b":2},{"a":1,"b":1}]}`},
	})
}
