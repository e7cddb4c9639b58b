package snapshot

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// null marks a null string or timestamp in test rows.
const null = "NULL"

// dim is one row of the test dimension: id int64, name string, updated_at
// timestamp[us]; name or upd null when set to null.
type dim struct {
	id   int64
	name string
	upd  string
}

var dimSchema = arrow.NewSchema([]arrow.Field{
	{Name: "id", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "name", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "updated_at", Type: &arrow.TimestampType{Unit: arrow.Microsecond}, Nullable: true},
}, nil)

// at parses a "2006-01-02 15:04:05.999999999" UTC time.
func at(tb testing.TB, s string) time.Time {
	tb.Helper()
	t, err := time.Parse("2006-01-02 15:04:05.999999999", s)
	if err != nil {
		tb.Fatal(err)
	}
	return t
}

// dims builds a batch of the test dimension.
func dims(tb testing.TB, mem memory.Allocator, rows ...dim) arrow.RecordBatch {
	tb.Helper()
	b := array.NewRecordBuilder(mem, dimSchema)
	defer b.Release()
	for _, r := range rows {
		b.Field(0).(*array.Int64Builder).Append(r.id)
		if r.name == null {
			b.Field(1).AppendNull()
		} else {
			b.Field(1).(*array.StringBuilder).Append(r.name)
		}
		if r.upd == null || r.upd == "" {
			b.Field(2).AppendNull()
		} else {
			b.Field(2).(*array.TimestampBuilder).AppendTime(at(tb, r.upd))
		}
	}
	return b.NewRecordBatch()
}

// render prints every row of batches as its values joined by " | ".
func render(tb testing.TB, batches ...arrow.RecordBatch) []string {
	tb.Helper()
	var out []string
	for _, b := range batches {
		for i := range int(b.NumRows()) {
			var vals []string
			for _, c := range b.Columns() {
				vals = append(vals, cell(tb, c, i))
			}
			out = append(out, strings.Join(vals, " | "))
		}
	}
	return out
}

func cell(tb testing.TB, c arrow.Array, i int) string {
	if c.IsNull(i) {
		return null
	}
	switch x := c.(type) {
	case *array.Int64:
		return strconv.FormatInt(x.Value(i), 10)
	case *array.String:
		return x.Value(i)
	case *array.Timestamp:
		tt := x.DataType().(*arrow.TimestampType)
		loc, err := tt.GetZone()
		if err != nil {
			tb.Fatal(err)
		}
		return string(appendTimestampText(nil, int64(x.Value(i)), tt, loc))
	}
	return c.ValueStr(i)
}

// row joins cells like render.
func row(cells ...string) string { return strings.Join(cells, " | ") }

// releaseAll releases batches.
func releaseAll(bs []arrow.RecordBatch) {
	for _, b := range bs {
		b.Release()
	}
}
