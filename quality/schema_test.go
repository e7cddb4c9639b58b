package quality

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
)

// stTrips is the small table of the hand-computed cases, in two batches.
func stTrips(tb testing.TB) *Table {
	return stTable(tb, []int{3},
		stc("id", stInt64, 1, 2, 2, 4, nil),
		stc("zone", stString, "A1", "b2", "A3", nil, "xA5"),
		stc("fare", stFloat, 5.0, -1.0, 300.0, math.NaN(), 10.0),
	)
}

func stTripsSchema() *Schema {
	return &Schema{Name: "trips", Columns: []ColumnSchema{
		{Name: "id", DType: DTypeOf(stInt64), Unique: true, Checks: []Check{Ge(1)}},
		{Name: "zone", DType: DTypeOf(stString), Nullable: true, Checks: []Check{StrMatches("[A-Z]")}},
		{Name: "fare", DType: AnyNumeric, Checks: []Check{InRange(0, 265)}},
	}}
}

func TestSchemaFailureCasesExact(t *testing.T) {
	tbl := stTrips(t)
	rep, err := stTripsSchema().Validate(tbl, SchemaOptions{Lazy: true})
	var se *SchemaErrors
	if !errors.As(err, &se) {
		t.Fatalf("want *SchemaErrors, got %v", err)
	}
	want := []string{
		"Column|id|not_nullable|-1|<null>|4",
		"Column|id|field_uniqueness|-1|2|1",
		"Column|id|field_uniqueness|-1|2|2",
		"Column|zone|str_matches('[A-Z]')|0|b2|1",
		"Column|zone|str_matches('[A-Z]')|0|xA5|4",
		"Column|fare|not_nullable|-1|nan|3",
		"Column|fare|in_range(0, 265)|0|-1.0|1",
		"Column|fare|in_range(0, 265)|0|300.0|2",
	}
	if got := stCases(rep.FailureCases); !slices.Equal(got, want) {
		t.Fatalf("failure cases:\n got %q\nwant %q", got, want)
	}
	counts := se.ErrorCounts()
	wantCounts := map[string]int{ReasonSeriesContainsNulls: 2, ReasonSeriesContainsDuplicates: 1, ReasonDataFrameCheck: 2}
	for k, v := range wantCounts {
		if counts[k] != v {
			t.Errorf("count %s = %d, want %d (all %v)", k, counts[k], v, counts)
		}
	}
	sum := rep.Summary()
	if len(sum[CategorySchema][ReasonSeriesContainsNulls]) != 2 || len(sum[CategoryData][ReasonDataFrameCheck]) != 2 {
		t.Errorf("summary groups: %v", sum)
	}
	if !strings.Contains(err.Error(), `"SERIES_CONTAINS_DUPLICATES"`) {
		t.Errorf("error text lacks the reason codes: %s", err)
	}
	rf := map[string][]int64{}
	for _, f := range rep.RowFailures {
		rf[f.Column+" "+f.Check] = stRows(f.Rows)
	}
	wantRF := map[string][]int64{
		"id not_nullable": {4}, "id field_uniqueness": {1, 2}, "zone str_matches('[A-Z]')": {1, 4},
		"fare not_nullable": {3}, "fare in_range(0, 265)": {1, 2},
	}
	if len(rf) != len(wantRF) {
		t.Errorf("row failures %v, want %v", rf, wantRF)
	}
	for k, v := range wantRF {
		if !slices.Equal(rf[k], v) {
			t.Errorf("row failure %s = %v, want %v", k, rf[k], v)
		}
	}
	rec := rep.FailureCasesRecord(nil)
	defer rec.Release()
	if rec.NumRows() != 8 || rec.NumCols() != 6 || rec.Schema().Field(4).Name != "failure_case" {
		t.Fatalf("record %v", rec)
	}
	if !rec.Column(3).IsNull(0) || rec.Column(3).IsValid(0) || rec.Column(4).IsValid(0) || !rec.Column(3).IsValid(3) {
		t.Errorf("check_number/failure_case nulls wrong: %v %v", rec.Column(3), rec.Column(4))
	}
	split, err := Quarantine(tbl, rep.RowFailures...)
	if err != nil {
		t.Fatal(err)
	}
	defer split.Release()
	if split.ValidRows != 1 || split.RejectedRows != 4 {
		t.Errorf("quarantine %d valid %d rejected, want 1 and 4", split.ValidRows, split.RejectedRows)
	}
}

func TestSchemaEagerStopsAtFirst(t *testing.T) {
	rep, err := stTripsSchema().Validate(stTrips(t), SchemaOptions{})
	var se *SchemaError
	if !errors.As(err, &se) {
		t.Fatalf("want *SchemaError, got %T %v", err, err)
	}
	if se.Check != "not_nullable" || se.Column != "id" || se.Reason != ReasonSeriesContainsNulls || len(rep.Errors) != 1 {
		t.Errorf("first error %+v (%d errors)", se, len(rep.Errors))
	}
	ok := &Schema{Columns: []ColumnSchema{{Name: "zone", Nullable: true}}}
	if rep, err := ok.Validate(stTrips(t), SchemaOptions{}); err != nil || !rep.Valid() {
		t.Errorf("valid table: %v", err)
	}
}

func TestSchemaNullableDefault(t *testing.T) {
	tbl := stTable(t, nil, stc("a", stFloat, 1.0, nil, math.NaN()))
	for _, tc := range []struct {
		nullable bool
		want     []int64
	}{{false, []int64{1, 2}}, {true, nil}} {
		s := &Schema{Columns: []ColumnSchema{{Name: "a", Nullable: tc.nullable}}}
		rep, _ := s.Validate(tbl, SchemaOptions{Lazy: true})
		var got []int64
		for _, f := range rep.RowFailures {
			got = append(got, stRows(f.Rows)...)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("nullable=%v: rows %v, want %v", tc.nullable, got, tc.want)
		}
	}
}

func TestSchemaUniqueReportModes(t *testing.T) {
	cols := []stCol{
		stc("i", stInt64, 1, 2, 1, 3, 1, 2),
		stc("f", stFloat, 1.5, 2.0, 1.5, 3.0, 1.5, 2.0),
		stc("s", stString, "a", "b", "a", "c", "a", "b"),
		stc("t", stTime, "2024-01-01", "2024-01-02", "2024-01-01", "2024-01-03", "2024-01-01", "2024-01-02"),
	}
	tbl := stTable(t, []int{2, 5}, cols...)
	for _, tc := range []struct {
		mode ReportDuplicates
		want []int64
	}{
		{"", []int64{0, 1, 2, 4, 5}},
		{ReportAll, []int64{0, 1, 2, 4, 5}},
		{ReportExcludeFirst, []int64{2, 4, 5}},
		{ReportExcludeLast, []int64{0, 1, 2}},
	} {
		for _, c := range cols {
			s := &Schema{Columns: []ColumnSchema{{Name: c.name, Unique: true, ReportDuplicates: tc.mode}}}
			rep, _ := s.Validate(tbl, SchemaOptions{Lazy: true})
			if len(rep.RowFailures) != 1 || !slices.Equal(stRows(rep.RowFailures[0].Rows), tc.want) {
				t.Errorf("%s mode %q: %v, want %v", c.name, tc.mode, rep.RowFailures, tc.want)
			}
		}
	}
}

func TestSchemaMultiColumnUnique(t *testing.T) {
	tbl := stTable(t, []int{1}, stc("a", stInt64, 1, 1, 1, 2), stc("b", stString, "x", "x", "y", "x"))
	s := &Schema{Name: "s", Unique: []string{"a", "b"}, ReportDuplicates: ReportExcludeFirst}
	rep, err := s.Validate(tbl, SchemaOptions{Lazy: true})
	if err == nil {
		t.Fatal("want duplicates")
	}
	want := []string{
		"DataFrameSchema|a|multiple_fields_uniqueness|-1|1|1",
		"DataFrameSchema|b|multiple_fields_uniqueness|-1|x|1",
	}
	if got := stCases(rep.FailureCases); !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	if rep.Errors[0].Reason != ReasonDuplicates || rep.Errors[0].Category != CategoryData {
		t.Errorf("error %+v", rep.Errors[0])
	}
}

func TestSchemaStructure(t *testing.T) {
	tbl := stTable(t, nil, stc("b", stInt64, 1), stc("a", stFloat, 1.0), stc("extra", stInt64, 1))
	s := &Schema{Name: "s", Strict: true, Ordered: true, Columns: []ColumnSchema{
		{Name: "a", DType: DTypeOf(stInt64)}, {Name: "b"}, {Name: "c"}, {Name: "d", Optional: true},
	}}
	rep, _ := s.Validate(tbl, SchemaOptions{Lazy: true})
	want := []string{
		"DataFrameSchema|s|column_in_dataframe|-1|c|-1",
		"DataFrameSchema|s|column_ordered|-1|a|-1",
		"DataFrameSchema|s|column_in_schema|-1|extra|-1",
		"Column|a|dtype('int64')|-1|float64|-1",
	}
	if got := stCases(rep.FailureCases); !slices.Equal(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
	c := rep.ErrorCounts()
	if c[ReasonColumnNotInDataFrame] != 1 || c[ReasonColumnNotOrdered] != 1 || c[ReasonColumnNotInSchema] != 1 || c[ReasonWrongDatatype] != 1 {
		t.Errorf("counts %v", c)
	}
	if len(rep.RowFailures) != 0 {
		t.Errorf("structural failures have no rows: %v", rep.RowFailures)
	}
}

func TestSchemaTableChecks(t *testing.T) {
	tbl := stTable(t, []int{2},
		stc("pickup", stTime, "2024-01-01 10:00:00", "2024-01-01 10:00:00", "2024-01-01 10:00:00", nil),
		stc("dropoff", stTime, "2024-01-01 10:30:00", "2024-01-01 09:00:00", "2024-01-01 10:00:00", "2024-01-01 11:00:00"),
		stc("total", stFloat, 10.0, 10.01, 10.02, 5.0),
		stc("fare", stFloat, 8.0, 8.0, 8.0, nil),
		stc("tip", stFloat, 2.0, 2.0, 2.0, 1.0),
	)
	s := &Schema{Name: "trips", Columns: []ColumnSchema{{Name: "pickup", Nullable: true}, {Name: "fare", Nullable: true}},
		Checks: []Check{ColumnCompare("dropoff", ">", "pickup"), SumEquals("total", []string{"fare", "tip"}, 0.01)}}
	rep, _ := s.Validate(tbl, SchemaOptions{Lazy: true})
	want := []string{
		"DataFrameSchema|dropoff|column_compare(dropoff > pickup)|0|2024-01-01 09:00:00|1",
		"DataFrameSchema|dropoff|column_compare(dropoff > pickup)|0|2024-01-01 10:00:00|2",
		"DataFrameSchema|pickup|column_compare(dropoff > pickup)|0|2024-01-01 10:00:00|1",
		"DataFrameSchema|pickup|column_compare(dropoff > pickup)|0|2024-01-01 10:00:00|2",
		"DataFrameSchema|total|sum_equals(total, ['fare', 'tip'], 0.01)|1|10.02|2",
		"DataFrameSchema|fare|sum_equals(total, ['fare', 'tip'], 0.01)|1|8.0|2",
		"DataFrameSchema|tip|sum_equals(total, ['fare', 'tip'], 0.01)|1|2.0|2",
	}
	if got := stCases(rep.FailureCases); !slices.Equal(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
	strict := &Schema{Checks: []Check{ColumnCompare("dropoff", ">", "pickup").WithIgnoreNA(false)}}
	rep, _ = strict.Validate(tbl, SchemaOptions{Lazy: true})
	if got := stRows(rep.RowFailures[0].Rows); !slices.Equal(got, []int64{1, 2, 3}) {
		t.Errorf("ignore_na=false rows %v", got)
	}
	bad := &Schema{Checks: []Check{ColumnCompare("total", "<", "nope")}}
	rep, _ = bad.Validate(tbl, SchemaOptions{Lazy: true})
	if rep.Errors[0].Reason != ReasonCheckError {
		t.Errorf("missing column in table check: %+v", rep.Errors[0])
	}
}

func TestSchemaCoercion(t *testing.T) {
	tbl := stTable(t, []int{3},
		stc("n", stString, "1", "2", "x", nil, "4.0", "2.5"),
		stc("big", stInt64, 1, int64(3000000000), 3, 4, 5, 6),
		stc("when", stString, "2024-01-01", "2024-01-02 03:04:05", "soon", "2024-01-03", "2024-01-04", "2024-01-05"),
	)
	s := &Schema{Coerce: true, Columns: []ColumnSchema{
		{Name: "n", DType: DTypeOf(stInt32), Nullable: false},
		{Name: "big", DType: DTypeOf(stInt32), Checks: []Check{Gt(0)}},
		{Name: "when", DType: AnyTime},
	}}
	rep, err := s.Validate(tbl, SchemaOptions{Lazy: true})
	if err == nil {
		t.Fatal("want coercion failures")
	}
	defer rep.Release()
	want := []string{
		"Column|n|coerce_dtype('int32')|-1|x|2",
		"Column|n|coerce_dtype('int32')|-1|2.5|5",
		"Column|n|not_nullable|-1|<null>|3",
		"Column|big|coerce_dtype('int32')|-1|3000000000|1",
		"Column|when|coerce_dtype('timestamp[us]')|-1|soon|2",
	}
	if got := stCases(rep.FailureCases); !slices.Equal(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
	if rep.Errors[0].Reason != ReasonDatatypeCoercion {
		t.Errorf("reason %s", rep.Errors[0].Reason)
	}
	col, _ := rep.Table.Column("n")
	if col.Type.ID() != stInt32.ID() || col.Value(4) != int64(4) || col.Value(2) != nil {
		t.Errorf("coerced column %s: %v %v", col.Type, col.Value(4), col.Value(2))
	}
	when, _ := rep.Table.Column("when")
	if when.Value(1) != "2024-01-02 03:04:05" {
		t.Errorf("coerced time %v", when.Value(1))
	}
	recs, err := rep.Records()
	if err != nil || len(recs) != 2 || recs[1].NumRows() != 3 || !arrow.TypeEqual(recs[0].Schema().Field(0).Type, stInt32) {
		t.Fatalf("records %v %v", recs, err)
	}
	for _, r := range recs {
		r.Release()
	}
	orig, _ := tbl.Column("n")
	if orig.Type.ID() != stString.ID() {
		t.Error("input table changed")
	}
}

func TestSchemaCompileErrors(t *testing.T) {
	for _, tc := range []struct {
		s    *Schema
		want []string
	}{
		{&Schema{Columns: []ColumnSchema{{Name: "zone", Checks: []Check{StrMatches(`(a)\1`)}}}},
			[]string{`column "zone"`, `str_matches('(a)\1')`, "back-references"}},
		{&Schema{Columns: []ColumnSchema{{Name: "zone", Checks: []Check{StrContains(`foo(?=bar)`)}}}},
			[]string{`column "zone"`, "str_contains", "look-around"}},
		{&Schema{Columns: []ColumnSchema{{Name: "n", DType: AnyNumeric, Checks: []Check{StrLength(1, 2)}}}},
			[]string{`column "n"`, "str_length(1, 2)"}},
		{&Schema{Columns: []ColumnSchema{{Name: "n", Checks: []Check{Gt(1).WithMostly(2)}}}}, []string{"mostly"}},
		{&Schema{Checks: []Check{Gt(1)}}, []string{"column check"}},
		{&Schema{Columns: []ColumnSchema{{Name: "a"}, {Name: "a"}}}, []string{"defined twice"}},
	} {
		err := tc.s.Compile()
		if err == nil {
			t.Errorf("%v: no error", tc.want)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("error %q lacks %q", err, w)
			}
		}
		if _, verr := tc.s.Validate(stTrips(t), SchemaOptions{}); verr == nil {
			t.Error("Validate accepted an ill-defined schema")
		}
	}
}

func TestSchemaMaxFailureCasesAndCustomErrors(t *testing.T) {
	tbl := stTable(t, nil, stc("a", stInt64, 1, 2, 3, 4))
	panicky := CheckFunc("boom", func(*Column) (*RowSet, error) { panic("oops") })
	s := &Schema{Columns: []ColumnSchema{{Name: "a", Checks: []Check{Gt(10), panicky}}}}
	rep, _ := s.Validate(tbl, SchemaOptions{Lazy: true, MaxFailureCases: 2})
	if len(rep.FailureCases) != 3 || rep.Errors[0].FailureCount != 4 || rep.RowFailures[0].Rows.Count() != 4 {
		t.Errorf("cases %q, errors %+v", stCases(rep.FailureCases), rep.Errors)
	}
	if rep.Errors[1].Reason != ReasonCheckError || !strings.Contains(rep.Errors[1].Message, "oops") {
		t.Errorf("panic not reported: %+v", rep.Errors[1])
	}
}
