package tlc

import (
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Fast paths for the narrowing conversions every TLC year needs (DOUBLE or
// INT64 counts and ids into int32): they work on the raw value slices and
// copy the validity bitmap once, instead of appending value by value.

// narrowToInt32 converts a Float64 or Int64 array to Int32, reporting every
// value that is not a whole number in range. It returns nil for other types.
func narrowToInt32(mem memory.Allocator, a arrow.Array, report reportFunc) arrow.Array {
	n := a.Len()
	values := memory.NewResizableBuffer(mem)
	values.Resize(arrow.Int32Traits.BytesRequired(n))
	defer values.Release()
	out := arrow.Int32Traits.CastFromBytes(values.Bytes())

	valid := memory.NewResizableBuffer(mem)
	valid.Resize(int(bitutil.BytesForBits(int64(n))))
	defer valid.Release()
	bits := valid.Bytes()
	if a.NullN() == 0 {
		bitutil.SetBitsTo(bits, 0, int64(n), true)
	} else {
		bitutil.CopyBitmap(a.NullBitmapBytes(), a.Data().Offset(), n, bits, 0)
	}
	nulls := a.NullN()
	reject := func(i int, why string) {
		bitutil.ClearBit(bits, i)
		out[i] = 0
		nulls++
		if why != "" {
			report(i, a.ValueStr(i), why)
		}
	}
	switch src := a.(type) {
	case *array.Float64:
		for i, v := range src.Float64Values() {
			iv := int32(v)
			out[i] = iv
			if float64(iv) == v || !bitutil.BitIsSet(bits, i) {
				continue
			}
			if _, why := exactInt(v, math.MinInt32, math.MaxInt32); why == "null" {
				reject(i, "") // NaN: pandas' null
			} else {
				reject(i, why)
			}
		}
	case *array.Int64:
		for i, v := range src.Int64Values() {
			out[i] = int32(v)
			if int64(int32(v)) != v && bitutil.BitIsSet(bits, i) {
				reject(i, "out of range")
			}
		}
	default:
		return nil
	}
	data := array.NewData(arrow.PrimitiveTypes.Int32, n, []*memory.Buffer{valid, values}, nil, nulls, 0)
	defer data.Release()
	return array.MakeFromData(data)
}
