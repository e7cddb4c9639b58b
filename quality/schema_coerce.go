package quality

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// schemaCoerceTarget returns the exact type to coerce a column of type from
// to for d: d's type, or for a family the family's usual type.
func schemaCoerceTarget(d DType, from arrow.DataType) arrow.DataType {
	if d.Type != nil {
		return d.Type
	}
	switch d.Family {
	case FamilyNumeric:
		return arrow.PrimitiveTypes.Float64
	case FamilyTime:
		return &arrow.TimestampType{Unit: arrow.Microsecond}
	case FamilyString:
		return arrow.BinaryTypes.String
	}
	return from
}

// schemaScalar is one value read for coercion, unboxed.
type schemaScalar struct {
	fam   Family
	isInt bool
	i     int64 // integers; microseconds for times
	f     float64
	s     string
	b     bool
}

func schemaRead(a arrow.Array, i int) schemaScalar {
	v := schemaScalar{fam: FamilyOf(a.DataType())}
	switch v.fam {
	case FamilyNumeric:
		if u, ok := a.(*array.Uint64); ok && u.Value(i) > math.MaxInt64 {
			v.f = float64(u.Value(i)) // beyond int64: converts as a float
		} else if v.i, v.isInt = schemaIntAt(a, i); v.isInt {
			v.f = float64(v.i)
		} else {
			v.f, _ = numberAt(a, i)
		}
	case FamilyTime:
		v.i, _ = timeMicros(a, i)
	case FamilyString:
		v.s, _ = stringAt(a, i)
	case FamilyBool:
		v.b = a.(*array.Boolean).Value(i)
	default:
		v.s = a.ValueStr(i)
	}
	return v
}

// integer returns v as an integer, if it is one exactly.
func (v schemaScalar) integer() (int64, bool) {
	switch v.fam {
	case FamilyNumeric:
		if v.isInt {
			return v.i, true
		}
		if v.f == math.Trunc(v.f) && math.Abs(v.f) < 1<<63 {
			return int64(v.f), true
		}
	case FamilyString:
		s := strings.TrimSpace(v.s)
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			return n, true
		}
		if f, err := strconv.ParseFloat(s, 64); err == nil && f == math.Trunc(f) && math.Abs(f) < 1<<63 {
			return int64(f), true
		}
	case FamilyBool:
		return int64(checkB2i(v.b)), true
	}
	return 0, false
}

func (v schemaScalar) float() (float64, bool) {
	switch v.fam {
	case FamilyNumeric:
		return v.f, true
	case FamilyString:
		f, err := strconv.ParseFloat(strings.TrimSpace(v.s), 64)
		return f, err == nil
	case FamilyBool:
		return float64(checkB2i(v.b)), true
	}
	return 0, false
}

func (v schemaScalar) text() string {
	switch v.fam {
	case FamilyNumeric:
		if v.isInt {
			return strconv.FormatInt(v.i, 10)
		}
		return checkPyFloat(v.f)
	case FamilyTime:
		return FormatMicros(v.i)
	case FamilyBool:
		return checkPyStr(v.b)
	}
	return v.s
}

func (v schemaScalar) micros() (int64, bool) {
	switch v.fam {
	case FamilyTime:
		return v.i, true
	case FamilyString:
		us, err := parseBound(strings.TrimSpace(v.s))
		return us, err == nil
	}
	return 0, false
}

// schemaAppend appends v converted to the builder's type; false when v
// does not convert (nothing is appended).
func schemaAppend(b array.Builder, v schemaScalar) bool {
	intIn := func(lo, hi float64) (int64, bool) {
		n, ok := v.integer()
		return n, ok && float64(n) >= lo && float64(n) <= hi
	}
	switch b := b.(type) {
	case *array.Int8Builder:
		n, ok := intIn(math.MinInt8, math.MaxInt8)
		return ok && schemaDo(func() { b.Append(int8(n)) })
	case *array.Int16Builder:
		n, ok := intIn(math.MinInt16, math.MaxInt16)
		return ok && schemaDo(func() { b.Append(int16(n)) })
	case *array.Int32Builder:
		n, ok := intIn(math.MinInt32, math.MaxInt32)
		return ok && schemaDo(func() { b.Append(int32(n)) })
	case *array.Int64Builder:
		n, ok := v.integer()
		return ok && schemaDo(func() { b.Append(n) })
	case *array.Uint8Builder:
		n, ok := intIn(0, math.MaxUint8)
		return ok && schemaDo(func() { b.Append(uint8(n)) })
	case *array.Uint16Builder:
		n, ok := intIn(0, math.MaxUint16)
		return ok && schemaDo(func() { b.Append(uint16(n)) })
	case *array.Uint32Builder:
		n, ok := intIn(0, math.MaxUint32)
		return ok && schemaDo(func() { b.Append(uint32(n)) })
	case *array.Uint64Builder:
		n, ok := intIn(0, math.MaxInt64)
		return ok && schemaDo(func() { b.Append(uint64(n)) })
	case *array.Float32Builder:
		f, ok := v.float()
		return ok && schemaDo(func() { b.Append(float32(f)) })
	case *array.Float64Builder:
		f, ok := v.float()
		return ok && schemaDo(func() { b.Append(f) })
	case *array.StringBuilder:
		b.Append(v.text())
		return true
	case *array.LargeStringBuilder:
		b.Append(v.text())
		return true
	case *array.BooleanBuilder:
		switch v.fam {
		case FamilyBool:
			b.Append(v.b)
			return true
		case FamilyString:
			x, err := strconv.ParseBool(strings.TrimSpace(v.s))
			return err == nil && schemaDo(func() { b.Append(x) })
		}
		n, ok := v.integer()
		return ok && (n == 0 || n == 1) && schemaDo(func() { b.Append(n == 1) })
	case *array.TimestampBuilder:
		us, ok := v.micros()
		if !ok {
			return false
		}
		var t int64
		switch b.Type().(*arrow.TimestampType).Unit {
		case arrow.Second:
			t, ok = us/1_000_000, us%1_000_000 == 0
		case arrow.Millisecond:
			t, ok = us/1000, us%1000 == 0
		case arrow.Microsecond:
			t = us
		case arrow.Nanosecond:
			t, ok = us*1000, math.Abs(float64(us)) < math.MaxInt64/1000
		}
		return ok && schemaDo(func() { b.Append(arrow.Timestamp(t)) })
	case *array.Date32Builder:
		us, ok := v.micros()
		return ok && schemaDo(func() { b.Append(arrow.Date32(schemaFloorDiv(us, 86_400_000_000))) })
	case *array.Date64Builder:
		us, ok := v.micros()
		return ok && schemaDo(func() { b.Append(arrow.Date64(schemaFloorDiv(us, 86_400_000_000) * 86_400_000)) })
	}
	return false
}

func schemaDo(f func()) bool { f(); return true }

func schemaFloorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}

// schemaCoerce converts col to type to, chunk by chunk. Values that do not
// convert become null and their rows are returned.
func schemaCoerce(col *Column, to arrow.DataType) (*Column, *RowSet, error) {
	mem := memory.DefaultAllocator
	probe := array.NewBuilder(mem, to)
	probe.Release()
	if !schemaCanAppend(probe) {
		return nil, nil, fmt.Errorf("cannot coerce column %q to %s: unsupported type", col.Name, to)
	}
	nc := &Column{Name: col.Name, Type: to, len: col.len}
	bad := NewRowSet(col.Len())
	for _, ch := range col.Chunks() {
		b := array.NewBuilder(mem, to)
		a := ch.Array
		b.Reserve(a.Len())
		for i := 0; i < a.Len(); i++ {
			if a.IsNull(i) {
				b.AppendNull()
			} else if !schemaAppend(b, schemaRead(a, i)) {
				b.AppendNull()
				bad.Add(ch.Start + int64(i))
			}
		}
		nc.chunks = append(nc.chunks, Chunk{Start: ch.Start, Array: b.NewArray()})
		b.Release()
	}
	return nc, bad, nil
}

func schemaCanAppend(b array.Builder) bool {
	switch b.(type) {
	case *array.Int8Builder, *array.Int16Builder, *array.Int32Builder, *array.Int64Builder,
		*array.Uint8Builder, *array.Uint16Builder, *array.Uint32Builder, *array.Uint64Builder,
		*array.Float32Builder, *array.Float64Builder, *array.StringBuilder, *array.LargeStringBuilder,
		*array.BooleanBuilder, *array.TimestampBuilder, *array.Date32Builder, *array.Date64Builder:
		return true
	}
	return false
}

// Records returns the validated table (coerced when coercion ran) as
// record batches, one per chunk when the columns are chunked alike, else
// one; the caller releases them.
func (r *SchemaReport) Records() ([]arrow.RecordBatch, error) {
	return schemaRecords(r.Table)
}

func schemaRecords(t *Table) ([]arrow.RecordBatch, error) {
	cols := t.Columns()
	if len(cols) == 0 {
		return nil, nil
	}
	aligned := true
	for _, c := range cols[1:] {
		if len(c.chunks) != len(cols[0].chunks) {
			aligned = false
			break
		}
		for k, ch := range c.chunks {
			if ch.Start != cols[0].chunks[k].Start {
				aligned = false
			}
		}
	}
	if aligned {
		out := make([]arrow.RecordBatch, len(cols[0].chunks))
		for k, ch := range cols[0].chunks {
			arrs := make([]arrow.Array, len(cols))
			for c, col := range cols {
				arrs[c] = col.chunks[k].Array
			}
			out[k] = array.NewRecordBatch(t.Schema(), arrs, int64(ch.Array.Len()))
		}
		return out, nil
	}
	arrs := make([]arrow.Array, len(cols))
	for c, col := range cols {
		parts := make([]arrow.Array, len(col.chunks))
		for k, ch := range col.chunks {
			parts[k] = ch.Array
		}
		a, err := array.Concatenate(parts, memory.DefaultAllocator)
		if err != nil {
			for _, done := range arrs[:c] {
				done.Release()
			}
			return nil, err
		}
		arrs[c] = a
	}
	rec := array.NewRecordBatch(t.Schema(), arrs, t.NumRows())
	for _, a := range arrs {
		a.Release()
	}
	return []arrow.RecordBatch{rec}, nil
}
