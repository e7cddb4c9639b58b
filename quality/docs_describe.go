package quality

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// DescribeExpectation renders an expectation as a sentence a reader of
// Data Docs understands, as GX's prescriptive renderers do: "values must
// be between 1 and 265, at least 95% of the time". An expectation's
// Description, when set, is returned as is; a type this package does not
// know is spelled out from its name.
func DescribeExpectation(e *Expectation) string {
	if e == nil {
		return ""
	}
	if e.Description != "" {
		return e.Description
	}
	kw := e.Kwargs
	var s string
	switch e.Type {
	case "expect_column_values_to_not_be_null":
		s = "values must never be null"
	case "expect_column_values_to_be_null":
		s = "values must be null"
	case "expect_column_values_to_be_between":
		s = "values must be " + docsRange(kw)
	case "expect_column_values_to_be_in_set":
		s = "values must belong to this set: " + docsList(kw["value_set"])
	case "expect_column_values_to_not_be_in_set":
		s = "values must not belong to this set: " + docsList(kw["value_set"])
	case "expect_column_values_to_be_unique":
		s = "values must be unique"
	case "expect_column_values_to_match_regex":
		s = "values must match this regular expression: " + docsText(kw["regex"])
	case "expect_column_values_to_not_match_regex":
		s = "values must not match this regular expression: " + docsText(kw["regex"])
	case "expect_column_values_to_match_regex_list":
		on := "any"
		if m, ok := kw["match_on"].(string); ok && m != "" {
			on = m
		}
		s = "values must match " + on + " of these regular expressions: " + docsList(kw["regex_list"])
	case "expect_column_values_to_not_match_regex_list":
		s = "values must not match any of these regular expressions: " + docsList(kw["regex_list"])
	case "expect_column_value_lengths_to_be_between":
		s = "values must be " + docsRange(kw) + " characters long"
	case "expect_column_value_lengths_to_equal":
		s = "values must be " + docsText(kw["value"]) + " characters long"
	case "expect_column_values_to_be_increasing", "expect_column_values_to_be_decreasing":
		dir := "greater"
		if strings.HasSuffix(e.Type, "decreasing") {
			dir = "less"
		}
		if docsBool(kw["strictly"]) {
			s = "values must be " + dir + " than previous values"
		} else {
			s = "values must be " + dir + " than or equal to previous values"
		}
	case "expect_column_values_to_be_of_type":
		s = "values must be of type " + docsText(kw["type_"])
	case "expect_column_values_to_be_in_type_list":
		s = "values must belong to this list of types: " + docsList(kw["type_list"])
	case "expect_column_mean_to_be_between", "expect_column_median_to_be_between",
		"expect_column_stdev_to_be_between", "expect_column_min_to_be_between",
		"expect_column_max_to_be_between", "expect_column_sum_to_be_between":
		stat := strings.TrimSuffix(strings.TrimPrefix(e.Type, "expect_column_"), "_to_be_between")
		names := map[string]string{"mean": "mean", "median": "median", "stdev": "standard deviation",
			"min": "minimum value", "max": "maximum value", "sum": "sum"}
		s = names[stat] + " must be " + docsRange(kw)
	case "expect_column_proportion_of_unique_values_to_be_between":
		s = "fraction of unique values must be " + docsRange(kw)
	case "expect_column_unique_value_count_to_be_between":
		s = "must have " + docsRange(kw) + " unique values"
	case "expect_column_quantile_values_to_be_between":
		s = "quantiles must be within these ranges: " + docsQuantiles(kw["quantile_ranges"])
	case "expect_column_distinct_values_to_be_in_set":
		s = "distinct values must belong to this set: " + docsList(kw["value_set"])
	case "expect_column_distinct_values_to_contain_set":
		s = "distinct values must contain this set: " + docsList(kw["value_set"])
	case "expect_column_distinct_values_to_equal_set":
		s = "distinct values must match this set: " + docsList(kw["value_set"])
	case "expect_column_most_common_value_to_be_in_set":
		s = "most common value must belong to this set: " + docsList(kw["value_set"])
	case "expect_column_kl_divergence_to_be_less_than":
		s = "KL divergence from the given partition must be less than " + docsText(kw["threshold"])
	case "expect_column_pair_values_A_to_be_greater_than_B", "expect_column_pair_values_a_to_be_greater_than_b":
		op := "greater than"
		if docsBool(kw["or_equal"]) {
			op = "greater than or equal to"
		}
		s = "values in " + docsText(kw["column_A"]) + " must be " + op + " those in " + docsText(kw["column_B"])
	case "expect_column_pair_values_to_be_equal":
		s = "values in " + docsText(kw["column_A"]) + " and " + docsText(kw["column_B"]) + " must be equal"
	case "expect_compound_columns_to_be_unique":
		s = "values must be unique across these columns together: " + docsList(kw["column_list"])
	case "expect_select_column_values_to_be_unique_within_record":
		s = "values must be unique within each row across: " + docsList(kw["column_list"])
	case "expect_table_row_count_to_be_between":
		s = "must have " + docsRange(kw) + " rows"
	case "expect_table_row_count_to_equal":
		s = "must have exactly " + docsText(kw["value"]) + " rows"
	case "expect_table_column_count_to_be_between":
		s = "must have " + docsRange(kw) + " columns"
	case "expect_table_column_count_to_equal":
		s = "must have exactly " + docsText(kw["value"]) + " columns"
	case "expect_table_columns_to_match_ordered_list":
		s = "must have these columns in this order: " + docsList(kw["column_list"])
	case "expect_table_columns_to_match_set":
		if v, ok := kw["exact_match"].(bool); ok && !v {
			s = "must have at least these columns: " + docsList(kw["column_set"])
		} else {
			s = "must have exactly these columns, in any order: " + docsList(kw["column_set"])
		}
	case "expect_column_to_exist":
		s = "column must exist"
		if i, ok := kw["column_index"]; ok && i != nil {
			s += " at position " + docsText(i)
		}
	default:
		s = strings.ReplaceAll(strings.TrimPrefix(e.Type, "expect_"), "_", " ")
	}
	if m, ok := gxNumber(kw["mostly"]); ok && m < 1 {
		s += ", at least " + docsNum(m*100) + "% of the time"
	}
	if c, ok := kw["row_condition"].(string); ok && c != "" {
		s += " (where " + c + ")"
	}
	return s
}

// docsRange renders min_value and max_value with their strictness.
func docsRange(kw map[string]any) string {
	minV, hasMin := kw["min_value"]
	maxV, hasMax := kw["max_value"]
	hasMin = hasMin && minV != nil
	hasMax = hasMax && maxV != nil
	sMin, sMax := docsBool(kw["strict_min"]), docsBool(kw["strict_max"])
	gt, lt := "greater than or equal to ", "less than or equal to "
	if sMin {
		gt = "greater than "
	}
	if sMax {
		lt = "less than "
	}
	switch {
	case hasMin && hasMax && !sMin && !sMax:
		return "between " + docsText(minV) + " and " + docsText(maxV)
	case hasMin && hasMax:
		return gt + docsText(minV) + " and " + lt + docsText(maxV)
	case hasMin:
		return gt + docsText(minV)
	case hasMax:
		return lt + docsText(maxV)
	}
	return "any value"
}

// docsQuantiles renders quantile_ranges as "q0.25 in [1, 2]; ...".
func docsQuantiles(v any) string {
	m, ok := v.(map[string]any)
	if !ok {
		return docsText(v)
	}
	qs, _ := m["quantiles"].([]any)
	rs, _ := m["value_ranges"].([]any)
	var parts []string
	for i, q := range qs {
		r := "?"
		if i < len(rs) {
			if pair, ok := rs[i].([]any); ok && len(pair) == 2 {
				r = "[" + docsText(pair[0]) + ", " + docsText(pair[1]) + "]"
			}
		}
		parts = append(parts, "q"+docsText(q)+" in "+r)
	}
	if len(parts) == 0 {
		return docsText(v)
	}
	return strings.Join(parts, "; ")
}

// docsListMax caps the values a description lists.
const docsListMax = 20

// docsList renders a list kwarg as "a, b, c" (at most docsListMax values).
func docsList(v any) string {
	var l []any
	switch v := v.(type) {
	case []any:
		l = v
	case []string:
		for _, s := range v {
			l = append(l, s)
		}
	default:
		return docsText(v)
	}
	if len(l) == 0 {
		return "(none)"
	}
	parts := make([]string, 0, min(len(l), docsListMax)+1)
	for i, x := range l {
		if i == docsListMax {
			parts = append(parts, fmt.Sprintf("… and %d more", len(l)-docsListMax))
			break
		}
		parts = append(parts, docsText(x))
	}
	return strings.Join(parts, ", ")
}

func docsBool(v any) bool {
	b, _ := v.(bool)
	return b
}

// docsText renders a value for reading: numbers without exponents where
// possible, strings as they are, null as "null", lists and objects as
// compact JSON.
func docsText(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case string:
		return v
	case json.Number:
		if s := v.String(); strings.ContainsAny(s, "eE") {
			if f, err := v.Float64(); err == nil {
				return docsNum(f)
			}
		}
		return v.String()
	case float64:
		return docsNum(v)
	case float32:
		return docsNum(float64(v))
	case int:
		return strconv.Itoa(v)
	case int64:
		return strconv.FormatInt(v, 10)
	case bool:
		return strconv.FormatBool(v)
	case fmt.Stringer:
		return v.String()
	}
	data, err := gxMarshal(gxJSONSafe(v), false)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(data)
}

// docsNum formats a float without an exponent for everyday magnitudes.
func docsNum(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	case f == math.Trunc(f) && math.Abs(f) < 1e15:
		return strconv.FormatFloat(f, 'f', -1, 64)
	case math.Abs(f) >= 1e-4 && math.Abs(f) < 1e15:
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// docsPercent formats a percent for display: "30%", "33.33%", "<0.01%".
func docsPercent(p *float64) string {
	if p == nil {
		return ""
	}
	v := *p
	switch {
	case math.IsNaN(v):
		return ""
	case v == 0:
		return "0%"
	case v > 0 && v < 0.01:
		return "<0.01%"
	case v < 100 && v > 99.99:
		return ">99.99%"
	}
	s := strconv.FormatFloat(v, 'f', 2, 64)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return s + "%"
}
