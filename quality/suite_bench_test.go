package quality

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// gxBenchTable builds n rows of trip-like data in batches of 64k rows.
func gxBenchTable(b *testing.B, n int) *Table {
	rng := rand.New(rand.NewPCG(7, 7))
	sc := arrow.NewSchema([]arrow.Field{
		{Name: "zone", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "fare", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
		{Name: "tip", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
		{Name: "payment", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "pickup", Type: &arrow.TimestampType{Unit: arrow.Microsecond}, Nullable: true},
	}, nil)
	payments := []string{"card", "cash", "card", "card", "dispute", "no charge"}
	var batches []arrow.RecordBatch
	for lo := 0; lo < n; lo += 1 << 16 {
		rb := array.NewRecordBuilder(memory.DefaultAllocator, sc)
		for i := lo; i < min(lo+1<<16, n); i++ {
			rb.Field(0).(*array.Int64Builder).Append(int64(rng.IntN(270)))
			if rng.IntN(50) == 0 {
				rb.Field(1).AppendNull()
			} else {
				rb.Field(1).(*array.Float64Builder).Append(rng.Float64() * 80)
			}
			rb.Field(2).(*array.Float64Builder).Append(rng.Float64() * 10)
			rb.Field(3).(*array.StringBuilder).Append(payments[rng.IntN(len(payments))])
			rb.Field(4).(*array.TimestampBuilder).Append(arrow.Timestamp(1_700_000_000_000_000 + int64(i)*1_000_000))
		}
		batches = append(batches, rb.NewRecordBatch())
		rb.Release()
	}
	t, err := NewTable(batches...)
	if err != nil {
		b.Fatal(err)
	}
	for _, r := range batches {
		r.Release()
	}
	return t
}

func gxBenchSuite(b *testing.B) *Suite {
	s := NewSuite("bench")
	for _, e := range []struct {
		typ string
		kw  map[string]any
	}{
		{"expect_table_row_count_to_be_between", map[string]any{"min_value": 1}},
		{"expect_column_values_to_be_between", map[string]any{"column": "zone", "min_value": 1, "max_value": 265}},
		{"expect_column_values_to_not_be_null", map[string]any{"column": "zone"}},
		{"expect_column_mean_to_be_between", map[string]any{"column": "zone", "min_value": 100, "max_value": 170}},
		{"expect_column_values_to_be_between", map[string]any{"column": "fare", "min_value": 0, "max_value": 75, "mostly": 0.9}},
		{"expect_column_values_to_not_be_null", map[string]any{"column": "fare", "mostly": 0.95}},
		{"expect_column_stdev_to_be_between", map[string]any{"column": "fare", "min_value": 10, "max_value": 40}},
		{"expect_column_quantile_values_to_be_between", map[string]any{"column": "fare", "quantile_ranges": map[string]any{
			"quantiles": []any{0.05, 0.5, 0.95}, "value_ranges": []any{[]any{0, 10}, []any{30, 50}, []any{70, 80}}}}},
		{"expect_column_pair_values_A_to_be_greater_than_B", map[string]any{"column_A": "fare", "column_B": "tip", "mostly": 0.8}},
		{"expect_column_values_to_be_in_set", map[string]any{"column": "payment", "value_set": []any{"card", "cash", "no charge"}}},
		{"expect_column_values_to_match_regex", map[string]any{"column": "payment", "regex": "^[a-z ]+$"}},
		{"expect_column_value_lengths_to_be_between", map[string]any{"column": "payment", "min_value": 4, "max_value": 9}},
		{"expect_column_values_to_be_increasing", map[string]any{"column": "pickup", "strictly": true}},
		{"expect_column_values_to_be_between", map[string]any{"column": "pickup", "min_value": "2023-01-01", "max_value": "2030-01-01"}},
	} {
		if _, err := s.Add(e.typ, e.kw); err != nil {
			b.Fatal(err)
		}
	}
	return s
}

// BenchmarkSuiteValidate validates 1M rows with 14 expectations; each
// iteration builds a fresh table so column statistics are recomputed.
func BenchmarkSuiteValidate(b *testing.B) {
	for _, par := range []int{1, 0} {
		b.Run(fmt.Sprintf("parallelism=%d", par), func(b *testing.B) {
			s := gxBenchSuite(b)
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				t := gxBenchTable(b, 1_000_000)
				b.StartTimer()
				if _, err := s.Validate(t, &ValidateOptions{Parallelism: par}); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				t.Release()
				b.StartTimer()
			}
		})
	}
}
