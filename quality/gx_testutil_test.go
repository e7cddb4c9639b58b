package quality

import (
	"encoding/json"
	"math"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// gxCol is a test column: values are float64/int/string/bool, a
// "2006-01-02 15:04:05" text for timestamps, or nil for null.
type gxCol struct {
	name string
	typ  arrow.DataType
	vals []any
}

func gxc(name string, typ arrow.DataType, vals ...any) gxCol { return gxCol{name, typ, vals} }

var (
	gxF64  = arrow.PrimitiveTypes.Float64
	gxI64  = arrow.PrimitiveTypes.Int64
	gxStr  = arrow.BinaryTypes.String
	gxBool = arrow.FixedWidthTypes.Boolean
	gxTS   = &arrow.TimestampType{Unit: arrow.Microsecond}
)

// gxTestTable builds a table whose rows are split into batches of at most
// chunk rows (0: one batch), to exercise chunked columns.
func gxTestTable(tb testing.TB, chunk int, cols ...gxCol) *Table {
	tb.Helper()
	fields := make([]arrow.Field, len(cols))
	for i, c := range cols {
		fields[i] = arrow.Field{Name: c.name, Type: c.typ, Nullable: true}
	}
	sc := arrow.NewSchema(fields, nil)
	n := 0
	if len(cols) > 0 {
		n = len(cols[0].vals)
	}
	if chunk <= 0 {
		chunk = max(n, 1)
	}
	var batches []arrow.RecordBatch
	for lo := 0; lo < n || (n == 0 && lo == 0); lo += chunk {
		hi := min(lo+chunk, n)
		b := array.NewRecordBuilder(memory.DefaultAllocator, sc)
		for ci, c := range cols {
			for _, v := range c.vals[lo:hi] {
				gxAppend(tb, b.Field(ci), v)
			}
		}
		batches = append(batches, b.NewRecordBatch())
		b.Release()
		if n == 0 {
			break
		}
	}
	t, err := NewTable(batches...)
	if err != nil {
		tb.Fatal(err)
	}
	for _, b := range batches {
		b.Release()
	}
	tb.Cleanup(t.Release)
	return t
}

func gxAppend(tb testing.TB, b array.Builder, v any) {
	if v == nil {
		b.AppendNull()
		return
	}
	switch b := b.(type) {
	case *array.Float64Builder:
		switch v := v.(type) {
		case float64:
			b.Append(v)
		case int:
			b.Append(float64(v))
		}
	case *array.Int64Builder:
		b.Append(int64(v.(int)))
	case *array.StringBuilder:
		b.Append(v.(string))
	case *array.BooleanBuilder:
		b.Append(v.(bool))
	case *array.TimestampBuilder:
		t, err := time.Parse("2006-01-02 15:04:05", v.(string))
		if err != nil {
			tb.Fatal(err)
		}
		b.Append(arrow.Timestamp(t.UnixMicro()))
	default:
		tb.Fatalf("no builder for %T", b)
	}
}

// gxRun builds a one-expectation suite and validates t with it.
func gxRun(tb testing.TB, t *Table, rf string, typ string, kwargs map[string]any) *ExpectationValidationResult {
	tb.Helper()
	s := NewSuite("test")
	if _, err := s.Add(typ, kwargs); err != nil {
		tb.Fatal(err)
	}
	opts := &ValidateOptions{}
	if rf != "" {
		f, err := ParseResultFormat(rf)
		if err != nil {
			tb.Fatal(err)
		}
		opts.ResultFormat = &f
	}
	res, err := s.Validate(t, opts)
	if err != nil {
		tb.Fatal(err)
	}
	return res.Results[0]
}

// gxJSON normalizes a value through JSON for comparisons.
func gxJSON(tb testing.TB, v any) any {
	tb.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		tb.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(data, &out); err != nil {
		tb.Fatal(err)
	}
	return out
}

// gxWant parses expected JSON.
func gxWant(tb testing.TB, s string) any {
	tb.Helper()
	var out any
	if err := json.Unmarshal([]byte(s), &out); err != nil {
		tb.Fatalf("bad expected JSON %s: %v", s, err)
	}
	return out
}

var gxNaN = math.NaN()
