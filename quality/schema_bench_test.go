package quality

import (
	"fmt"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// stBenchTable builds n rows in batches of 64k: int32 location ids, float
// fares, text flags, timestamps.
func stBenchTable(b *testing.B, n int) *Table {
	mem := memory.DefaultAllocator
	sc := arrow.NewSchema([]arrow.Field{
		{Name: "loc", Type: arrow.PrimitiveTypes.Int32},
		{Name: "fare", Type: arrow.PrimitiveTypes.Float64},
		{Name: "flag", Type: arrow.BinaryTypes.String},
		{Name: "pickup", Type: arrow.FixedWidthTypes.Timestamp_us},
		{Name: "total", Type: arrow.PrimitiveTypes.Float64},
	}, nil)
	var recs []arrow.RecordBatch
	for start := 0; start < n; start += 1 << 16 {
		rb := array.NewRecordBuilder(mem, sc)
		for i := start; i < min(n, start+1<<16); i++ {
			rb.Field(0).(*array.Int32Builder).Append(int32(i%270 + 1))
			rb.Field(1).(*array.Float64Builder).Append(float64(i%1000) / 10)
			rb.Field(2).(*array.StringBuilder).Append([]string{"N", "Y", "N", "N", "x"}[i%5])
			rb.Field(3).(*array.TimestampBuilder).Append(arrow.Timestamp(1704067200000000 + int64(i)*1_000_000))
			rb.Field(4).(*array.Float64Builder).Append(float64(i%1000)/10 + 2.5)
		}
		recs = append(recs, rb.NewRecordBatch())
		rb.Release()
	}
	t, err := NewTable(recs...)
	if err != nil {
		b.Fatal(err)
	}
	for _, r := range recs {
		r.Release()
	}
	return t
}

func BenchmarkSchemaValidate(b *testing.B) {
	const n = 1 << 21
	t := stBenchTable(b, n)
	defer t.Release()
	s := &Schema{Columns: []ColumnSchema{
		{Name: "loc", DType: AnyNumeric, Checks: []Check{InRange(1, 265), NotIn(999)}},
		{Name: "fare", Checks: []Check{Ge(0), Lt(500)}},
		{Name: "flag", Checks: []Check{IsIn("Y", "N"), StrMatches("[YN]")}},
		{Name: "pickup", Checks: []Check{InRange("2024-01-01", "2024-02-01")}},
	}, Checks: []Check{ColumnCompare("total", ">=", "fare")}}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		// Fresh columns each time so the statistics are recomputed.
		tt := &Table{schema: t.schema, index: t.index, rows: t.rows}
		for _, c := range t.cols {
			tt.cols = append(tt.cols, &Column{Name: c.Name, Type: c.Type, chunks: c.chunks, len: c.len})
		}
		rep, _ := s.Validate(tt, SchemaOptions{Lazy: true, MaxFailureCases: 100})
		if i == 0 {
			b.Log(fmt.Sprint(rep.ErrorCounts()), len(rep.FailureCases))
		}
	}
	b.SetBytes(n)
}
