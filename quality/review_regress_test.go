package quality

import (
	"math"
	"slices"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Regression tests for the review of the engine's fast paths.

// A pair of timestamp columns of different units goes the general way.
func TestPairOfMixedTimeUnits(t *testing.T) {
	sc := arrow.NewSchema([]arrow.Field{
		{Name: "dropoff", Type: &arrow.TimestampType{Unit: arrow.Microsecond}, Nullable: true},
		{Name: "pickup", Type: &arrow.TimestampType{Unit: arrow.Nanosecond}, Nullable: true}}, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, sc)
	defer b.Release()
	b.Field(0).(*array.TimestampBuilder).AppendValues([]arrow.Timestamp{2_000_000, 500_000}, nil)
	b.Field(1).(*array.TimestampBuilder).AppendValues([]arrow.Timestamp{1_000_000_000, 1_000_000_000}, nil)
	rec := b.NewRecordBatch()
	defer rec.Release()
	tbl, err := NewTable(rec)
	if err != nil {
		t.Fatal(err)
	}
	defer tbl.Release()
	r := gxRun(t, tbl, "SUMMARY", "expect_column_pair_values_A_to_be_greater_than_B",
		map[string]any{"column_A": "dropoff", "column_B": "pickup"})
	if r.ExceptionInfo.RaisedException || r.Result.UnexpectedCount != 1 {
		t.Errorf("exception %q, unexpected %d (want 1: 0.5 s is before 1 s)", r.ExceptionInfo.ExceptionMessage, r.Result.UnexpectedCount)
	}
}

// NaN in float32 columns is missing, as in float64 ones.
func TestFloat32NaNIsMissing(t *testing.T) {
	nan := float32(math.NaN())
	sc := arrow.NewSchema([]arrow.Field{{Name: "x", Type: arrow.PrimitiveTypes.Float32, Nullable: true}}, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, sc)
	defer b.Release()
	b.Field(0).(*array.Float32Builder).AppendValues([]float32{1, nan, nan, 5}, nil)
	rec := b.NewRecordBatch()
	defer rec.Release()
	tbl, _ := NewTable(rec)
	defer tbl.Release()
	x, _ := tbl.Column("x")
	if _, nans := x.Missing(); nans != 2 || x.Stats().NaNs != 2 {
		t.Errorf("Missing NaNs %d, Stats NaNs %d, want 2", nans, x.Stats().NaNs)
	}
	r := gxRun(t, tbl, "COMPLETE", "expect_column_values_to_be_between",
		map[string]any{"column": "x", "min_value": 0, "max_value": 2, "mostly": 0.6})
	if r.Success {
		t.Error("1 unexpected of 2 non-missing values passes mostly 0.6")
	}
}

// Infinite values make pandas' sum and mean infinite, not NaN.
func TestInfiniteSumAndMean(t *testing.T) {
	tbl := gxTestTable(t, 2, gxc("x", gxF64, 1.0, math.Inf(1), 2.0, 3.0))
	defer tbl.Release()
	for _, typ := range []string{"expect_column_mean_to_be_between", "expect_column_sum_to_be_between"} {
		r := gxRun(t, tbl, "SUMMARY", typ, map[string]any{"column": "x", "min_value": 0})
		if !r.Success {
			t.Errorf("%s observed %v, want +Inf and success", typ, r.Result.ObservedValue)
		}
	}
}

// Columns of an arrow.Table chunked at different rows are aligned, so
// quarantine pairs the right values.
func TestQuarantineOfUnalignedArrowTable(t *testing.T) {
	mem := memory.DefaultAllocator
	mk := func(vals ...[]int64) *arrow.Chunked {
		var arrs []arrow.Array
		for _, v := range vals {
			b := array.NewInt64Builder(mem)
			b.AppendValues(v, nil)
			arrs = append(arrs, b.NewArray())
			b.Release()
		}
		return arrow.NewChunked(arrow.PrimitiveTypes.Int64, arrs)
	}
	sc := arrow.NewSchema([]arrow.Field{{Name: "a", Type: arrow.PrimitiveTypes.Int64}, {Name: "b", Type: arrow.PrimitiveTypes.Int64}}, nil)
	ca, cb := mk([]int64{0, 1, 2}, []int64{3, 4}), mk([]int64{10, 11}, []int64{12, 13, 14})
	at := array.NewTableFromSlice(sc, [][]arrow.Array{ca.Chunks(), cb.Chunks()})
	defer at.Release()
	tbl := NewTableFromArrow(at)
	defer tbl.Release()
	bad := NewRowSet(5)
	bad.Add(2)
	split, err := Quarantine(tbl, RowFailure{Check: "c", Rows: bad})
	if err != nil {
		t.Fatal(err)
	}
	defer split.Release()
	var pairs [][2]int64
	for _, b := range split.Valid {
		for i := 0; i < int(b.NumRows()); i++ {
			pairs = append(pairs, [2]int64{b.Column(0).(*array.Int64).Value(i), b.Column(1).(*array.Int64).Value(i)})
		}
	}
	want := [][2]int64{{0, 10}, {1, 11}, {3, 13}, {4, 14}}
	if !slices.Equal(pairs, want) {
		t.Errorf("valid rows %v, want %v", pairs, want)
	}
	var rejected [][2]int64
	for _, b := range split.Rejected {
		for i := 0; i < int(b.NumRows()); i++ {
			rejected = append(rejected, [2]int64{b.Column(0).(*array.Int64).Value(i), b.Column(1).(*array.Int64).Value(i)})
		}
	}
	if !slices.Equal(rejected, [][2]int64{{2, 12}}) {
		t.Errorf("rejected rows %v, want [[2 12]]", rejected)
	}
}

// One check on two columns stays two reasons in quarantine output.
func TestFailureLabelsKeepColumns(t *testing.T) {
	for _, tc := range []struct {
		f    RowFailure
		want string
	}{
		{RowFailure{Check: "not_nullable", Column: "a"}, "a: not_nullable"},
		{RowFailure{Check: "not_nullable", Column: "b"}, "b: not_nullable"},
		{RowFailure{Check: "expect_column_values_to_be_between(fare)", Column: "fare"}, "expect_column_values_to_be_between(fare)"},
		{RowFailure{Check: "expect_column_pair_values_A_to_be_greater_than_B(d, p)", Column: "p"}, "expect_column_pair_values_A_to_be_greater_than_B(d, p)"},
		{RowFailure{Check: "fare_arithmetic"}, "fare_arithmetic"},
	} {
		if got := tc.f.label(); got != tc.want {
			t.Errorf("label(%+v) = %q, want %q", tc.f, got, tc.want)
		}
	}
}
