package quality_test

import (
	"errors"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/magnumopus/opus/quality"
)

// exampleTrips builds a small table of taxi trips.
func exampleTrips() *quality.Table {
	mem := memory.DefaultAllocator
	sc := arrow.NewSchema([]arrow.Field{
		{Name: "PULocationID", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
		{Name: "store_and_fwd_flag", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "fare_amount", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
		{Name: "total_amount", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	}, nil)
	b := array.NewRecordBuilder(mem, sc)
	defer b.Release()
	b.Field(0).(*array.Int32Builder).AppendValues([]int32{132, 0, 161, 300}, []bool{true, true, false, true})
	b.Field(1).(*array.StringBuilder).AppendValues([]string{"N", "Y", "x", "N"}, nil)
	b.Field(2).(*array.Float64Builder).AppendValues([]float64{52, 7.5, 12, 9}, nil)
	b.Field(3).(*array.Float64Builder).AppendValues([]float64{52, 7.5, 15, 9.01}, nil)
	rec := b.NewRecordBatch()
	defer rec.Release()
	t, _ := quality.NewTable(rec)
	return t
}

// Lazy validation reports every failure as Pandera's failure-cases table,
// with error counts by reason code and the failing rows of each check.
func ExampleSchema_Validate() {
	t := exampleTrips()
	defer t.Release()
	s := &quality.Schema{
		Name: "trips",
		Columns: []quality.ColumnSchema{
			{Name: "PULocationID", DType: quality.AnyNumeric, Checks: []quality.Check{quality.InRange(1, 265)}},
			{Name: "store_and_fwd_flag", Checks: []quality.Check{quality.IsIn("Y", "N")}},
		},
		Checks: []quality.Check{quality.SumEquals("total_amount", []string{"fare_amount"}, 0.01)},
	}
	rep, err := s.Validate(t, quality.SchemaOptions{Lazy: true})
	var errs *quality.SchemaErrors
	fmt.Println(errors.As(err, &errs))
	for _, c := range rep.FailureCases {
		fmt.Printf("%-15s %-18s %-38s %2d %-5v %d\n", c.SchemaContext, c.Column, c.Check, c.CheckNumber, c.FailureCase, c.Index)
	}
	fmt.Println(errs.ErrorCounts())
	for _, f := range rep.RowFailures {
		fmt.Println(f.Column, f.Check, f.Rows.First(10))
	}
	// Output:
	// true
	// Column          PULocationID       not_nullable                           -1 <nil> 2
	// Column          PULocationID       in_range(1, 265)                        0 0     1
	// Column          PULocationID       in_range(1, 265)                        0 300   3
	// Column          store_and_fwd_flag isin(['Y', 'N'])                        0 x     2
	// DataFrameSchema total_amount       sum_equals(total_amount, ['fare_amount'], 0.01)  0 15    2
	// DataFrameSchema fare_amount        sum_equals(total_amount, ['fare_amount'], 0.01)  0 12    2
	// map[DATAFRAME_CHECK:3 SERIES_CONTAINS_NULLS:1]
	// PULocationID not_nullable [2]
	// PULocationID in_range(1, 265) [1 3]
	// store_and_fwd_flag isin(['Y', 'N']) [2]
	//  sum_equals(total_amount, ['fare_amount'], 0.01) [2]
}

// Eager validation (the default, as Pandera's lazy=False) stops at the
// first failing check.
func ExampleSchema_Validate_eager() {
	t := exampleTrips()
	defer t.Release()
	s := &quality.Schema{Columns: []quality.ColumnSchema{
		{Name: "store_and_fwd_flag", Checks: []quality.Check{quality.StrMatches("[YN]")}},
		{Name: "fare_amount", Checks: []quality.Check{quality.Lt(10)}},
	}}
	_, err := s.Validate(t, quality.SchemaOptions{})
	var e *quality.SchemaError
	if errors.As(err, &e) {
		fmt.Println(e.Reason, e.Column, e.Check, e.FailureCount)
	}
	// Output:
	// DATAFRAME_CHECK store_and_fwd_flag str_matches('[YN]') 1
}

// A regular expression Go cannot run is an error when the schema is
// compiled (or loaded from YAML), naming the column and the check.
func ExampleStrMatches() {
	s := &quality.Schema{Columns: []quality.ColumnSchema{
		{Name: "zone", Checks: []quality.Check{quality.StrMatches(`(\w)\1`)}},
	}}
	fmt.Println(s.Compile())
	// Output:
	// quality: schema DataFrameSchema: column "zone": check 0 str_matches('(\w)\1'): pattern "(\\w)\\1" uses back-references, which Go's RE2 regular expressions cannot run
}

// Schemas serialize to Pandera's YAML layout and back.
func ExampleSchema_ToYAML() {
	s := &quality.Schema{Name: "zones", Columns: []quality.ColumnSchema{
		{Name: "LocationID", DType: quality.DTypeOf(arrow.PrimitiveTypes.Int32),
			Unique: true, Checks: []quality.Check{quality.InRange(1, 265)}},
	}}
	data, _ := s.ToYAML()
	fmt.Print(string(data))
	back, _ := quality.SchemaFromYAML(data)
	fmt.Println(back.Columns[0].Checks[0])
	// Output:
	// schema_type: dataframe
	// version: opus-quality/1
	// columns:
	//   LocationID:
	//     title: null
	//     description: null
	//     dtype: int32
	//     nullable: false
	//     checks:
	//       in_range:
	//         min_value: 1
	//         max_value: 265
	//         include_min: true
	//         include_max: true
	//     unique: true
	//     coerce: false
	//     required: true
	// checks: null
	// index: null
	// dtype: null
	// coerce: false
	// strict: false
	// name: zones
	// ordered: false
	// unique: null
	// report_duplicates: all
	// unique_column_names: false
	// add_missing_columns: false
	// title: null
	// description: null
	// in_range(1, 265)
}

// InferSchema drafts a schema from data, as pandera.infer_schema.
func ExampleInferSchema() {
	t := exampleTrips()
	defer t.Release()
	for _, c := range quality.InferSchema(t).Columns {
		fmt.Println(c.Name, c.DType, c.Nullable, c.Checks)
	}
	// Output:
	// PULocationID int32 true [in_range(0, 300)]
	// store_and_fwd_flag utf8 false []
	// fare_amount float64 false [in_range(7.5, 52.0)]
	// total_amount float64 false [in_range(7.5, 52.0)]
}
