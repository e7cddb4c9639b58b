package quality_test

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/magnumopus/opus/quality"
)

// gxExampleTrips builds a small table of taxi trips with a null fare and
// two suspicious rows.
func gxExampleTrips() *quality.Table {
	sc := arrow.NewSchema([]arrow.Field{
		{Name: "passenger_count", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "fare_amount", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
		{Name: "payment_type", Type: arrow.BinaryTypes.String, Nullable: true},
	}, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, sc)
	defer b.Release()
	b.Field(0).(*array.Int64Builder).AppendValues([]int64{1, 2, 9, 1, 3}, nil)
	b.Field(1).(*array.Float64Builder).AppendValues([]float64{12.5, 0, 7, -3, 20}, []bool{true, false, true, true, true})
	b.Field(2).(*array.StringBuilder).AppendValues([]string{"card", "cash", "card", "card", "crypto"}, nil)
	rec := b.NewRecordBatch()
	defer rec.Release()
	t, _ := quality.NewTable(rec)
	return t
}

// A GX 1.x suite read from JSON validates a table; each result carries
// GX's result keys, and the failing rows go to Quarantine.
func ExampleParseSuite() {
	suite, err := quality.ParseSuite([]byte(`{
	  "name": "trips",
	  "expectations": [
	    {"type": "expect_column_values_to_be_between",
	     "kwargs": {"column": "passenger_count", "min_value": 1, "max_value": 6}},
	    {"type": "expect_column_values_to_be_between",
	     "kwargs": {"column": "fare_amount", "min_value": 0, "mostly": 0.75}},
	    {"type": "expect_column_values_to_be_in_set",
	     "kwargs": {"column": "payment_type", "value_set": ["card", "cash"]}},
	    {"type": "expect_table_row_count_to_be_between", "kwargs": {"min_value": 1}}
	  ]
	}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	t := gxExampleTrips()
	defer t.Release()
	res, _ := suite.Validate(t, nil)
	for _, r := range res.Results {
		fmt.Printf("%-40s %-5v %d unexpected\n", r.ExpectationConfig.Type+"("+r.ExpectationConfig.Column()+")",
			r.Success, r.Result.UnexpectedCount)
	}
	fare := res.Results[1].Result
	fmt.Printf("fare: missing %d, unexpected %.0f%% of non-missing, %.0f%% of all\n",
		fare.MissingCount, *fare.UnexpectedPercentNonmissing, *fare.UnexpectedPercentTotal)
	fmt.Printf("statistics: %d of %d, %.0f%%\n", res.Statistics.SuccessfulExpectations,
		res.Statistics.EvaluatedExpectations, *res.Statistics.SuccessPercent)
	split, _ := quality.Quarantine(t, res.Failures...)
	defer split.Release()
	fmt.Println("valid rows:", split.ValidRows, "rejected rows:", split.RejectedRows)
	// Output:
	// expect_column_values_to_be_between(passenger_count) false 1 unexpected
	// expect_column_values_to_be_between(fare_amount) true  1 unexpected
	// expect_column_values_to_be_in_set(payment_type) false 1 unexpected
	// expect_table_row_count_to_be_between()   true  0 unexpected
	// fare: missing 1, unexpected 25% of non-missing, 20% of all
	// statistics: 2 of 4, 50%
	// valid rows: 3 rejected rows: 2
}

// The result of one expectation, in GX's JSON with the COMPLETE format.
func ExampleSuite_Validate() {
	suite := quality.NewSuite("trips")
	suite.Add("expect_column_values_to_not_be_null", map[string]any{"column": "fare_amount"})
	t := gxExampleTrips()
	defer t.Release()
	rf := quality.ResultFormat{Format: quality.Complete, PartialUnexpectedCount: 20}
	res, _ := suite.Validate(t, &quality.ValidateOptions{ResultFormat: &rf})
	out, _ := json.MarshalIndent(res.Results[0].Result, "", "  ")
	fmt.Println(string(out))
	// Output:
	// {
	//   "element_count": 5,
	//   "partial_unexpected_counts": [
	//     {
	//       "value": null,
	//       "count": 1
	//     }
	//   ],
	//   "partial_unexpected_index_list": [
	//     1
	//   ],
	//   "partial_unexpected_list": [
	//     null
	//   ],
	//   "unexpected_count": 1,
	//   "unexpected_index_list": [
	//     1
	//   ],
	//   "unexpected_list": [
	//     null
	//   ],
	//   "unexpected_percent": 20
	// }
}

// A legacy 0.x suite is written out in the 1.x form.
func ExampleSuite_WriteJSON() {
	suite, err := quality.ParseSuite([]byte(`{
	  "expectation_suite_name": "legacy",
	  "data_asset_type": null,
	  "expectations": [
	    {"expectation_type": "expect_column_values_to_match_regex",
	     "kwargs": {"column": "payment_type", "regex": "^[a-z]+$"}, "meta": {}}
	  ],
	  "meta": {"great_expectations_version": "0.18.12"}
	}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	suite.WriteJSON(os.Stdout, quality.SuiteV1)
	// Output:
	// {
	//   "expectations": [
	//     {
	//       "kwargs": {
	//         "column": "payment_type",
	//         "regex": "^[a-z]+$"
	//       },
	//       "meta": {},
	//       "type": "expect_column_values_to_match_regex"
	//     }
	//   ],
	//   "id": null,
	//   "meta": {
	//     "great_expectations_version": "0.18.12"
	//   },
	//   "name": "legacy",
	//   "notes": null
	// }
}

// Regexes Go cannot run are rejected when the suite is read, naming the
// expectation.
func ExampleExpectationError() {
	_, err := quality.ParseSuite([]byte(`{"name": "s", "expectations": [
	  {"type": "expect_column_values_to_match_regex", "kwargs": {"column": "a", "regex": "(\\w)\\1"}}]}`))
	fmt.Println(strings.ReplaceAll(err.Error(), `\\`, `\`))
	// Output:
	// quality: expectation 0 (expect_column_values_to_match_regex): regex "(\w)\1" cannot run in Go: back-reference \1 is not supported
}
