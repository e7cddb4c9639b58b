package quality

import (
	"fmt"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// stCol is a test column: a name, an Arrow type and values (nil for null;
// int for integers, float64, string, bool, and text for times).
type stCol struct {
	name string
	typ  arrow.DataType
	vals []any
}

func stc(name string, typ arrow.DataType, vals ...any) stCol { return stCol{name, typ, vals} }

var (
	stInt64  = arrow.PrimitiveTypes.Int64
	stInt32  = arrow.PrimitiveTypes.Int32
	stFloat  = arrow.PrimitiveTypes.Float64
	stString = arrow.BinaryTypes.String
	stBool   = arrow.FixedWidthTypes.Boolean
	stTime   = arrow.FixedWidthTypes.Timestamp_us
)

// stArray builds an array of vals[lo:hi].
func stArray(tb testing.TB, c stCol, lo, hi int) arrow.Array {
	b := array.NewBuilder(memory.DefaultAllocator, c.typ)
	defer b.Release()
	for _, v := range c.vals[lo:hi] {
		if v == nil {
			b.AppendNull()
			continue
		}
		switch b := b.(type) {
		case *array.Int64Builder:
			if v, ok := v.(int64); ok { // beyond int on 32-bit platforms
				b.Append(v)
				break
			}
			b.Append(int64(v.(int)))
		case *array.Int32Builder:
			b.Append(int32(v.(int)))
		case *array.Float64Builder:
			switch x := v.(type) {
			case int:
				b.Append(float64(x))
			default:
				b.Append(x.(float64))
			}
		case *array.StringBuilder:
			b.Append(v.(string))
		case *array.BooleanBuilder:
			b.Append(v.(bool))
		case *array.TimestampBuilder:
			us, err := parseBound(v.(string))
			if err != nil {
				tb.Fatal(err)
			}
			b.Append(arrow.Timestamp(us))
		default:
			tb.Fatalf("stArray: unsupported builder %T", b)
		}
	}
	return b.NewArray()
}

// stTable builds a table of the columns, split into batches at the given
// row offsets (none: one batch).
func stTable(tb testing.TB, splits []int, cols ...stCol) *Table {
	tb.Helper()
	n := len(cols[0].vals)
	bounds := append(append([]int{0}, splits...), n)
	fields := make([]arrow.Field, len(cols))
	for i, c := range cols {
		fields[i] = arrow.Field{Name: c.name, Type: c.typ, Nullable: true}
	}
	sc := arrow.NewSchema(fields, nil)
	var recs []arrow.RecordBatch
	for k := 0; k+1 < len(bounds); k++ {
		arrs := make([]arrow.Array, len(cols))
		for i, c := range cols {
			arrs[i] = stArray(tb, c, bounds[k], bounds[k+1])
		}
		recs = append(recs, array.NewRecordBatch(sc, arrs, int64(bounds[k+1]-bounds[k])))
		for _, a := range arrs {
			a.Release()
		}
	}
	t, err := NewTable(recs...)
	if err != nil {
		tb.Fatal(err)
	}
	for _, r := range recs {
		r.Release()
	}
	tb.Cleanup(t.Release)
	return t
}

// stCases renders failure cases compactly for comparisons:
// "context|column|check|number|case|index".
func stCases(cases []FailureCase) []string {
	out := make([]string, len(cases))
	for i, c := range cases {
		fc := "<null>"
		if c.FailureCase != nil {
			fc = FailureCaseText(c.FailureCase)
		}
		out[i] = fmt.Sprintf("%s|%s|%s|%d|%s|%d", c.SchemaContext, c.Column, c.Check, c.CheckNumber, fc, c.Index)
	}
	return out
}

// stRows lists a RowSet's rows.
func stRows(s *RowSet) []int64 {
	if s == nil {
		return nil
	}
	return s.First(int(s.Len()))
}
