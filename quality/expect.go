package quality

import (
	"fmt"
	"slices"

	"github.com/apache/arrow-go/v18/arrow/array"
)

// gxBuilder compiles an expectation's kwargs.
type gxBuilder func(a *gxArgs) (gxImpl, error)

// gxRegistry maps the supported expectation types to their builders.
var gxRegistry = map[string]gxBuilder{
	// Table.
	"expect_table_row_count_to_be_between":       gxBuildRowCountBetween,
	"expect_table_row_count_to_equal":            gxBuildRowCountEqual,
	"expect_table_column_count_to_be_between":    gxBuildColumnCountBetween,
	"expect_table_column_count_to_equal":         gxBuildColumnCountEqual,
	"expect_table_columns_to_match_ordered_list": gxBuildColumnsOrdered,
	"expect_table_columns_to_match_set":          gxBuildColumnsSet,
	"expect_column_to_exist":                     gxBuildColumnToExist,
	// Column map.
	"expect_column_values_to_not_be_null":          gxBuildNotNull,
	"expect_column_values_to_be_null":              gxBuildNull,
	"expect_column_values_to_be_between":           gxBuildValuesBetween,
	"expect_column_values_to_be_in_set":            gxBuildInSet(false),
	"expect_column_values_to_not_be_in_set":        gxBuildInSet(true),
	"expect_column_values_to_be_unique":            gxBuildUnique,
	"expect_column_values_to_match_regex":          gxBuildRegex(false),
	"expect_column_values_to_not_match_regex":      gxBuildRegex(true),
	"expect_column_values_to_match_regex_list":     gxBuildRegexList(false),
	"expect_column_values_to_not_match_regex_list": gxBuildRegexList(true),
	"expect_column_value_lengths_to_be_between":    gxBuildLengthsBetween,
	"expect_column_value_lengths_to_equal":         gxBuildLengthsEqual,
	"expect_column_values_to_be_increasing":        gxBuildMonotonic(true),
	"expect_column_values_to_be_decreasing":        gxBuildMonotonic(false),
	"expect_column_values_to_be_of_type":           gxBuildOfType,
	"expect_column_values_to_be_in_type_list":      gxBuildInTypeList,
	// Column aggregate.
	"expect_column_mean_to_be_between":                        gxBuildAggregate(gxMean),
	"expect_column_median_to_be_between":                      gxBuildAggregate(gxMedian),
	"expect_column_stdev_to_be_between":                       gxBuildAggregate(gxStdev),
	"expect_column_min_to_be_between":                         gxBuildAggregate(gxMin),
	"expect_column_max_to_be_between":                         gxBuildAggregate(gxMax),
	"expect_column_sum_to_be_between":                         gxBuildAggregate(gxSum),
	"expect_column_proportion_of_unique_values_to_be_between": gxBuildAggregate(gxUniqueProportion),
	"expect_column_unique_value_count_to_be_between":          gxBuildAggregate(gxUniqueCount),
	"expect_column_quantile_values_to_be_between":             gxBuildQuantiles,
	"expect_column_distinct_values_to_be_in_set":              gxBuildDistinctSet(gxSubset),
	"expect_column_distinct_values_to_contain_set":            gxBuildDistinctSet(gxSuperset),
	"expect_column_distinct_values_to_equal_set":              gxBuildDistinctSet(gxEqualSet),
	"expect_column_most_common_value_to_be_in_set":            gxBuildMostCommon,
	"expect_column_kl_divergence_to_be_less_than":             gxBuildKL,
	// Column pair and multicolumn.
	"expect_column_pair_values_A_to_be_greater_than_B":       gxBuildPairGreater,
	"expect_column_pair_values_a_to_be_greater_than_b":       gxBuildPairGreater,
	"expect_column_pair_values_to_be_equal":                  gxBuildPairEqual,
	"expect_compound_columns_to_be_unique":                   gxBuildCompoundUnique,
	"expect_select_column_values_to_be_unique_within_record": gxBuildUniqueWithinRecord,
}

// SupportedExpectations returns the expectation types suites may use.
func SupportedExpectations() []string {
	out := make([]string, 0, len(gxRegistry))
	for k := range gxRegistry {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// compile checks the expectation's kwargs and builds its evaluator.
func (e *Expectation) compile() error {
	b, ok := gxRegistry[e.Type]
	if !ok {
		return fmt.Errorf("unknown expectation type %q", e.Type)
	}
	if e.Kwargs == nil {
		e.Kwargs = map[string]any{}
	}
	a, err := newGXArgs(e.Kwargs)
	if err != nil {
		return err
	}
	impl, err := b(a)
	if err != nil {
		return err
	}
	if err := a.done(); err != nil {
		return err
	}
	e.impl = impl
	return nil
}

// gxMostly is GX's _mostly_success.
func gxMostly(considered, unexpected int64, mostly float64) bool {
	n := float64(considered)
	return (n-float64(unexpected))/n >= mostly
}

// gxValue is a row's value for reports: Column.Value with NaN as null.
func gxValue(c *Column, row int64) any {
	v := c.Value(row)
	if f, ok := v.(float64); ok && f != f {
		return nil
	}
	return v
}

// gxMissing counts a column's missing values as pandas does: nulls and
// float NaNs.
func gxMissing(c *Column) int64 {
	nulls, nans := c.Missing()
	return nulls + nans
}

// gxEachNumber calls f with every non-missing value of a numeric or
// boolean column (booleans as 0 and 1), skipping NaN.
func gxEachNumber(c *Column, f func(row int64, v float64)) error {
	if c.Family() == FamilyBool {
		for _, ch := range c.Chunks() {
			a := ch.Array.(*array.Boolean)
			for i := 0; i < a.Len(); i++ {
				if a.IsValid(i) {
					v := 0.0
					if a.Value(i) {
						v = 1
					}
					f(ch.Start+int64(i), v)
				}
			}
		}
		return nil
	}
	return c.EachFloat(func(row int64, v float64) {
		if v == v {
			f(row, v)
		}
	})
}

// gxEachInt64 calls f with every non-null value of an int64 column,
// exactly (EachFloat would round values beyond 2^53).
func gxEachInt64(c *Column, f func(row int64, v int64)) {
	for _, ch := range c.Chunks() {
		a := ch.Array.(*array.Int64)
		nulls := a.NullN() > 0
		for i, v := range a.Int64Values() {
			if !nulls || a.IsValid(i) {
				f(ch.Start+int64(i), v)
			}
		}
	}
}

// gxEachBool calls f with every non-null value of a boolean column.
func gxEachBool(c *Column, f func(row int64, v bool)) {
	for _, ch := range c.Chunks() {
		a := ch.Array.(*array.Boolean)
		for i := 0; i < a.Len(); i++ {
			if a.IsValid(i) {
				f(ch.Start+int64(i), a.Value(i))
			}
		}
	}
}

// gxPandasType names a column's type as pandas' dtype name (for errors).
func gxTypeName(c *Column) string {
	name, _ := gxDtype(c.Type)
	return name
}
