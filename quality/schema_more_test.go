package quality

import (
	"encoding/json"
	"errors"
	"math"
	"slices"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

func TestSchemaEmptyTable(t *testing.T) {
	tbl := stTable(t, nil, stc("a", stInt64), stc("b", stString))
	s := &Schema{Unique: []string{"a", "b"}, Columns: []ColumnSchema{
		{Name: "a", Unique: true, Checks: []Check{InRange(1, 2), UniqueValuesEq()}},
		{Name: "b", Checks: []Check{StrMatches("x")}},
	}, Checks: []Check{ColumnCompare("a", "<", "a")}}
	if rep, err := s.Validate(tbl, SchemaOptions{Lazy: true}); err != nil {
		t.Errorf("empty table: %v", stCases(rep.FailureCases))
	}
}

// Columns chunked differently (as an arrow.Table may be) still line up
// row by row in table checks, uniqueness and Records.
func TestSchemaMisalignedChunks(t *testing.T) {
	a1 := stArray(t, stc("a", stInt64, 1, 2, 3, 4, 5), 0, 2)
	a2 := stArray(t, stc("a", stInt64, 1, 2, 3, 4, 5), 2, 5)
	b1 := stArray(t, stc("b", stInt64, 2, 1, 4, 3, 6), 0, 3)
	b2 := stArray(t, stc("b", stInt64, 2, 1, 4, 3, 6), 3, 5)
	sc := arrow.NewSchema([]arrow.Field{{Name: "a", Type: stInt64}, {Name: "b", Type: stInt64}}, nil)
	ca := arrow.NewChunked(stInt64, []arrow.Array{a1, a2})
	cb := arrow.NewChunked(stInt64, []arrow.Array{b1, b2})
	at := array.NewTable(sc, []arrow.Column{*arrow.NewColumn(sc.Field(0), ca), *arrow.NewColumn(sc.Field(1), cb)}, 5)
	for _, x := range []interface{ Release() }{a1, a2, b1, b2, ca, cb} {
		x.Release()
	}
	defer at.Release()
	tbl := NewTableFromArrow(at)
	defer tbl.Release()
	s := &Schema{Checks: []Check{ColumnCompare("a", "<", "b")}, Unique: []string{"a", "b"},
		Columns: []ColumnSchema{{Name: "a", DType: DTypeOf(stInt32), Coerce: true}}}
	rep, err := s.Validate(tbl, SchemaOptions{Lazy: true})
	if err == nil {
		t.Fatal("want failures")
	}
	defer rep.Release()
	if len(rep.RowFailures) != 1 || !slices.Equal(stRows(rep.RowFailures[0].Rows), []int64{1, 3}) {
		t.Errorf("rows %v", rep.RowFailures)
	}
	recs, err := rep.Records()
	if err != nil {
		t.Fatal(err)
	}
	var got []int32
	for _, r := range recs {
		got = append(got, r.Column(0).(*array.Int32).Int32Values()...)
		r.Release()
	}
	if !slices.Equal(got, []int32{1, 2, 3, 4, 5}) {
		t.Errorf("coerced values %v", got)
	}
}

func TestFailureCaseJSON(t *testing.T) {
	b, err := json.Marshal([]FailureCase{
		{SchemaContext: ContextColumn, Column: "a", Check: "not_nullable", CheckNumber: -1, FailureCase: math.NaN(), Index: 3},
		{SchemaContext: ContextDataFrame, Column: "s", Check: "column_in_dataframe", CheckNumber: -1, FailureCase: "x", Index: -1},
		{SchemaContext: ContextColumn, Column: "a", Check: "greater_than(0)", CheckNumber: 0, FailureCase: int64(-1), Index: 0},
	})
	want := `[{"schema_context":"Column","column":"a","check":"not_nullable","check_number":null,"failure_case":"nan","index":3},` +
		`{"schema_context":"DataFrameSchema","column":"s","check":"column_in_dataframe","check_number":null,"failure_case":"x","index":null},` +
		`{"schema_context":"Column","column":"a","check":"greater_than(0)","check_number":0,"failure_case":-1,"index":0}]`
	if err != nil || string(b) != want {
		t.Errorf("got %s %v\nwant %s", b, err, want)
	}
}

func TestSchemaEagerStructural(t *testing.T) {
	s := &Schema{Name: "s", Columns: []ColumnSchema{{Name: "missing"}, {Name: "id", Checks: []Check{Gt(100)}}}}
	rep, err := s.Validate(stTrips(t), SchemaOptions{})
	var e *SchemaError
	if !errors.As(err, &e) || e.Reason != ReasonColumnNotInDataFrame || e.Category != CategorySchema || len(rep.Errors) != 1 {
		t.Errorf("eager structural: %v", err)
	}
}

// Many columns validated in parallel give the same report as in order.
func TestSchemaParallelDeterministic(t *testing.T) {
	var cols []stCol
	var cs []ColumnSchema
	for i := 0; i < 40; i++ {
		name := string(rune('A'+i%26)) + string(rune('a'+i/26))
		cols = append(cols, stc(name, stInt64, i, i+1, nil, i))
		cs = append(cs, ColumnSchema{Name: name, Unique: true, Checks: []Check{Lt(20), Ne(i)}})
	}
	tbl := stTable(t, []int{2}, cols...)
	s := &Schema{Columns: cs}
	first, _ := s.Validate(tbl, SchemaOptions{Lazy: true})
	for k := 0; k < 5; k++ {
		again, _ := s.Validate(tbl, SchemaOptions{Lazy: true})
		if !slices.Equal(stCases(again.FailureCases), stCases(first.FailureCases)) {
			t.Fatal("parallel validation is not deterministic")
		}
	}
	if len(first.Errors) != 40*3+21 { // Lt(20) fails for i >= 19
		t.Errorf("%d errors", len(first.Errors))
	}
}

// As pandas' duplicated, nulls and NaN repeat each other in a unique column.
func TestSchemaUniqueNulls(t *testing.T) {
	tbl := stTable(t, []int{2}, stc("f", stFloat, 1.0, nil, math.NaN(), 1.0, 2.0))
	for mode, want := range map[ReportDuplicates][]int64{
		ReportAll: {0, 1, 2, 3}, ReportExcludeFirst: {2, 3}, ReportExcludeLast: {0, 1},
	} {
		s := &Schema{Columns: []ColumnSchema{{Name: "f", Nullable: true, Unique: true, ReportDuplicates: mode}}}
		rep, _ := s.Validate(tbl, SchemaOptions{Lazy: true})
		if len(rep.RowFailures) != 1 || !slices.Equal(stRows(rep.RowFailures[0].Rows), want) {
			t.Errorf("%s: %v, want %v", mode, rep.RowFailures, want)
		}
	}
}

func TestSchemaWarnings(t *testing.T) {
	tbl := stTable(t, nil, stc("a", stInt64, 1, 2, 3))
	s := &Schema{Columns: []ColumnSchema{{Name: "a", Checks: []Check{Gt(1).WithWarning(true), Lt(3)}}},
		Checks: []Check{ColumnCompare("a", "<", "a").WithWarning(true)}}
	for _, lazy := range []bool{true, false} {
		rep, err := s.Validate(tbl, SchemaOptions{Lazy: lazy})
		if err == nil || len(rep.Errors) != 1 || rep.Errors[0].Check != "less_than(3)" {
			t.Fatalf("lazy=%v: %v %+v", lazy, err, rep.Errors)
		}
		if len(rep.RowFailures) != 1 || len(rep.FailureCases) != 1 {
			t.Errorf("lazy=%v: warnings leaked into rows or cases: %v %v", lazy, rep.RowFailures, rep.FailureCases)
		}
		if lazy && (len(rep.Warnings) != 2 || rep.Warnings[0].FailureCount != 1 || rep.Warnings[1].FailureCount != 6) {
			t.Errorf("warnings %+v", rep.Warnings)
		}
	}
	s.Columns[0].Checks = s.Columns[0].Checks[:1]
	if rep, err := s.Validate(tbl, SchemaOptions{Lazy: true}); err != nil || !rep.Valid() {
		t.Errorf("warnings failed validation: %v", err)
	}
}
