package quality

import (
	"fmt"
	"math"
	"strconv"
	"sync"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Chunk is one Arrow array of a column and the table row of its first value.
type Chunk struct {
	Start int64
	Array arrow.Array
}

// Column is one column of a Table. Its statistics are computed once, on
// first use, and shared by every check that needs them.
type Column struct {
	Name   string
	Type   arrow.DataType
	chunks []Chunk
	len    int64

	missOnce    sync.Once
	nulls, nans int64
	statsOnce   sync.Once
	stats       Stats
	distOnce    sync.Once
	dist        *ValueCounts
	sortOnce    sync.Once
	sorted      []float64
}

// Len returns the number of rows.
func (c *Column) Len() int64 { return c.len }

// Chunks returns the column's arrays with their starting rows.
func (c *Column) Chunks() []Chunk { return c.chunks }

// Family groups Arrow types by how checks compare their values.
type Family int

// The families.
const (
	FamilyOther   Family = iota
	FamilyNumeric        // signed and unsigned integers, floats
	FamilyTime           // timestamps and dates, compared as microseconds
	FamilyString         // strings and binary, compared as text
	FamilyBool           // booleans
)

// FamilyOf returns the family of an Arrow type.
func FamilyOf(t arrow.DataType) Family {
	switch t.ID() {
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64, arrow.UINT8, arrow.UINT16,
		arrow.UINT32, arrow.UINT64, arrow.FLOAT16, arrow.FLOAT32, arrow.FLOAT64:
		return FamilyNumeric
	case arrow.TIMESTAMP, arrow.DATE32, arrow.DATE64:
		return FamilyTime
	case arrow.STRING, arrow.LARGE_STRING, arrow.STRING_VIEW, arrow.BINARY, arrow.LARGE_BINARY:
		return FamilyString
	case arrow.BOOL:
		return FamilyBool
	}
	return FamilyOther
}

// Family returns the column's family.
func (c *Column) Family() Family { return FamilyOf(c.Type) }

// locate returns the chunk holding row and the row's index in it.
func (c *Column) locate(row int64) (arrow.Array, int) {
	lo, hi := 0, len(c.chunks)-1
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if c.chunks[mid].Start <= row {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	ch := c.chunks[lo]
	return ch.Array, int(row - ch.Start)
}

// IsNull reports whether the value at row is null. NaN in a float column is
// not null here; checks that treat NaN as missing say so.
func (c *Column) IsNull(row int64) bool {
	a, i := c.locate(row)
	return a.IsNull(i)
}

// Value returns the value at row in a JSON-friendly form, for failure
// reports: nil for null, int64 or float64 for numbers, string for text,
// bool, and "2006-01-02 15:04:05" text for timestamps (microseconds shown
// when present).
func (c *Column) Value(row int64) any {
	a, i := c.locate(row)
	return valueAt(a, i)
}

func valueAt(a arrow.Array, i int) any {
	if a.IsNull(i) {
		return nil
	}
	switch a := a.(type) {
	case *array.Int8:
		return int64(a.Value(i))
	case *array.Int16:
		return int64(a.Value(i))
	case *array.Int32:
		return int64(a.Value(i))
	case *array.Int64:
		return a.Value(i)
	case *array.Uint8:
		return int64(a.Value(i))
	case *array.Uint16:
		return int64(a.Value(i))
	case *array.Uint32:
		return int64(a.Value(i))
	case *array.Uint64:
		return float64(a.Value(i))
	case *array.Float32:
		return float64(a.Value(i))
	case *array.Float64:
		return a.Value(i)
	case *array.String:
		return a.Value(i)
	case *array.LargeString:
		return a.Value(i)
	case *array.Boolean:
		return a.Value(i)
	case *array.Timestamp, *array.Date32, *array.Date64:
		us, _ := timeMicros(a, i)
		return FormatMicros(us)
	}
	return a.ValueStr(i)
}

// FormatMicros renders microseconds since the epoch as naive date-time text.
func FormatMicros(us int64) string {
	t := time.UnixMicro(us).UTC()
	if us%1_000_000 != 0 {
		return t.Format("2006-01-02 15:04:05.000000")
	}
	return t.Format("2006-01-02 15:04:05")
}

// timeMicros returns a time-family value as microseconds since the epoch.
func timeMicros(a arrow.Array, i int) (int64, bool) {
	switch a := a.(type) {
	case *array.Timestamp:
		v := int64(a.Value(i))
		switch a.DataType().(*arrow.TimestampType).Unit {
		case arrow.Second:
			return v * 1_000_000, true
		case arrow.Millisecond:
			return v * 1000, true
		case arrow.Nanosecond:
			return v / 1000, true
		}
		return v, true
	case *array.Date32:
		return int64(a.Value(i)) * 86_400_000_000, true
	case *array.Date64:
		return int64(a.Value(i)) * 1000, true
	}
	return 0, false
}

// numberAt returns a numeric value as float64 (for comparisons with bounds).
func numberAt(a arrow.Array, i int) (float64, bool) {
	switch a := a.(type) {
	case *array.Float64:
		return a.Value(i), true
	case *array.Float32:
		return float64(a.Value(i)), true
	case *array.Float16:
		return float64(a.Value(i).Float32()), true
	case *array.Int32:
		return float64(a.Value(i)), true
	case *array.Int64:
		return float64(a.Value(i)), true
	case *array.Int8:
		return float64(a.Value(i)), true
	case *array.Int16:
		return float64(a.Value(i)), true
	case *array.Uint8:
		return float64(a.Value(i)), true
	case *array.Uint16:
		return float64(a.Value(i)), true
	case *array.Uint32:
		return float64(a.Value(i)), true
	case *array.Uint64:
		return float64(a.Value(i)), true
	}
	return 0, false
}

// stringAt returns a string-family value.
func stringAt(a arrow.Array, i int) (string, bool) {
	switch a := a.(type) {
	case *array.String:
		return a.Value(i), true
	case *array.LargeString:
		return a.Value(i), true
	case *array.StringView:
		return a.Value(i), true
	case *array.Binary:
		return a.ValueString(i), true
	case *array.LargeBinary:
		return string(a.Value(i)), true
	}
	return "", false
}

// EachFloat calls f with every non-null value of a numeric column, as
// float64, and its row. Typed loops over the chunks' value slices keep this
// free of boxing.
func (c *Column) EachFloat(f func(row int64, v float64)) error {
	if c.Family() != FamilyNumeric {
		return fmt.Errorf("quality: column %s is %s, not numeric", c.Name, c.Type)
	}
	for _, ch := range c.chunks {
		a, base := ch.Array, ch.Start
		nulls := a.NullN() > 0
		switch a := a.(type) {
		case *array.Float64:
			for i, v := range a.Float64Values() {
				if !nulls || a.IsValid(i) {
					f(base+int64(i), v)
				}
			}
		case *array.Int64:
			for i, v := range a.Int64Values() {
				if !nulls || a.IsValid(i) {
					f(base+int64(i), float64(v))
				}
			}
		case *array.Int32:
			for i, v := range a.Int32Values() {
				if !nulls || a.IsValid(i) {
					f(base+int64(i), float64(v))
				}
			}
		default:
			for i := 0; i < a.Len(); i++ {
				if a.IsValid(i) {
					v, _ := numberAt(a, i)
					f(base+int64(i), v)
				}
			}
		}
	}
	return nil
}

// EachString calls f with every non-null value of a string column.
func (c *Column) EachString(f func(row int64, v string)) error {
	if c.Family() != FamilyString {
		return fmt.Errorf("quality: column %s is %s, not text", c.Name, c.Type)
	}
	for _, ch := range c.chunks {
		a := ch.Array
		for i := 0; i < a.Len(); i++ {
			if a.IsValid(i) {
				s, _ := stringAt(a, i)
				f(ch.Start+int64(i), s)
			}
		}
	}
	return nil
}

// EachTime calls f with every non-null value of a time column, as
// microseconds since the epoch.
func (c *Column) EachTime(f func(row int64, us int64)) error {
	if c.Family() != FamilyTime {
		return fmt.Errorf("quality: column %s is %s, not a date-time", c.Name, c.Type)
	}
	for _, ch := range c.chunks {
		a := ch.Array
		for i := 0; i < a.Len(); i++ {
			if a.IsValid(i) {
				us, _ := timeMicros(a, i)
				f(ch.Start+int64(i), us)
			}
		}
	}
	return nil
}

// EachNull calls f with the row of every null value.
func (c *Column) EachNull(f func(row int64)) {
	for _, ch := range c.chunks {
		a := ch.Array
		if a.NullN() == 0 {
			continue
		}
		for i := 0; i < a.Len(); i++ {
			if a.IsNull(i) {
				f(ch.Start + int64(i))
			}
		}
	}
}

// key returns a comparable key for the value at row i of a: the value for
// numbers, text and booleans, microseconds for times. Float keys keep
// -0 == 0 and fold every NaN into one key.
func key(a arrow.Array, i int) any {
	switch FamilyOf(a.DataType()) {
	case FamilyNumeric:
		if v, ok := a.(*array.Int64); ok {
			return v.Value(i)
		}
		f, _ := numberAt(a, i)
		if f != f {
			return math.NaN() // NaN keys never compare equal; callers handle NaN apart
		}
		if f == math.Trunc(f) && math.Abs(f) < 1<<53 {
			return int64(f)
		}
		return f
	case FamilyString:
		s, _ := stringAt(a, i)
		return s
	case FamilyTime:
		us, _ := timeMicros(a, i)
		return us
	case FamilyBool:
		return a.(*array.Boolean).Value(i)
	}
	return a.ValueStr(i)
}

// take returns the rows idx of a as a new array, copying runs of adjacent
// rows at a time.
func take(a arrow.Array, idx []int) (arrow.Array, error) {
	if len(idx) == 0 {
		return array.MakeArrayOfNull(memory.DefaultAllocator, a.DataType(), 0), nil
	}
	var parts []arrow.Array
	defer func() {
		for _, p := range parts {
			p.Release()
		}
	}()
	start := idx[0]
	for k := 1; k <= len(idx); k++ {
		if k < len(idx) && idx[k] == idx[k-1]+1 {
			continue
		}
		parts = append(parts, array.NewSlice(a, int64(start), int64(idx[k-1]+1)))
		if k < len(idx) {
			start = idx[k]
		}
	}
	if len(parts) == 1 {
		parts[0].Retain()
		return parts[0], nil
	}
	return array.Concatenate(parts, memory.DefaultAllocator)
}

// parseBound reads a bound given as text for a time column.
func parseBound(s string) (int64, error) {
	for _, layout := range []string{"2006-01-02 15:04:05", "2006-01-02T15:04:05", time.RFC3339Nano, "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UnixMicro(), nil
		}
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		return int64(f), nil
	}
	return 0, fmt.Errorf("quality: %q is not a date-time", s)
}
