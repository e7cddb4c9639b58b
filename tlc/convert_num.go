package tlc

import (
	"math"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Numeric conversions. The rules, shared by every path: a value converts
// only when the canonical type holds it exactly; NaN is how pandas spells
// null, so it becomes null silently; infinities, fractions where a whole
// number is due, and values out of range are reported and become null.

// stringValues exposes a string-like array as a getter.
func stringValues(src arrow.Array) (func(i int) string, bool) {
	switch a := src.(type) {
	case *array.String:
		return a.Value, true
	case *array.LargeString:
		return a.Value, true
	case *array.StringView:
		return a.Value, true
	case *array.Binary:
		return a.ValueString, true
	case *array.LargeBinary:
		return func(i int) string { return string(a.Value(i)) }, true
	}
	return nil, false
}

// numericValues exposes float and integer arrays as float64 getters;
// integral tells that the source holds integers.
func numericValues(src arrow.Array) (get func(i int) float64, integral bool, ok bool) {
	switch a := src.(type) {
	case *array.Float64:
		return a.Value, false, true
	case *array.Float32:
		return func(i int) float64 { return float64(a.Value(i)) }, false, true
	}
	if iv, ok := intValues(src); ok {
		return func(i int) float64 { return float64(iv(i)) }, true, true
	}
	return nil, false, false
}

// intValues exposes signed integer arrays, and unsigned ones up to 32 bits,
// as an int64 getter. uint64 sources are narrowed to int64 first (viaInt64),
// so no value ever wraps.
func intValues(src arrow.Array) (func(i int) int64, bool) {
	switch a := src.(type) {
	case *array.Int8:
		return func(i int) int64 { return int64(a.Value(i)) }, true
	case *array.Int16:
		return func(i int) int64 { return int64(a.Value(i)) }, true
	case *array.Int32:
		return func(i int) int64 { return int64(a.Value(i)) }, true
	case *array.Int64:
		return a.Value, true
	case *array.Uint8:
		return func(i int) int64 { return int64(a.Value(i)) }, true
	case *array.Uint16:
		return func(i int) int64 { return int64(a.Value(i)) }, true
	case *array.Uint32:
		return func(i int) int64 { return int64(a.Value(i)) }, true
	}
	return nil, false
}

func isInteger(t arrow.DataType) bool {
	switch t.ID() {
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64,
		arrow.UINT8, arrow.UINT16, arrow.UINT32:
		return true
	}
	return false
}

func isString(t arrow.DataType) bool {
	switch t.ID() {
	case arrow.STRING, arrow.LARGE_STRING, arrow.STRING_VIEW, arrow.BINARY, arrow.LARGE_BINARY:
		return true
	}
	return false
}

// viaInt64 narrows a uint64 column to int64, reporting values above
// MaxInt64, then applies the converter for int64 sources.
func viaInt64(inner converter) converter {
	return func(mem memory.Allocator, a arrow.Array, report reportFunc) arrow.Array {
		u := a.(*array.Uint64)
		b := array.NewInt64Builder(mem)
		defer b.Release()
		b.Reserve(u.Len())
		for i := 0; i < u.Len(); i++ {
			switch v := u.Value(i); {
			case u.IsNull(i):
				b.AppendNull()
			case v > math.MaxInt64:
				report(i, strconv.FormatUint(v, 10), "out of range")
				b.AppendNull()
			default:
				b.Append(int64(v))
			}
		}
		narrowed := b.NewArray()
		defer narrowed.Release()
		return inner(mem, narrowed, report)
	}
}

// parseNumber parses decimal text as TLC CSVs spell numbers: integers,
// decimals, exponents, surrounding blanks. NaN text is null (null is ""
// too); infinities and hexadecimal are not numbers a meter prints.
func parseNumber(s string) (v float64, why string) {
	s = strings.TrimSpace(s)
	if s == "" || strings.EqualFold(s, "nan") {
		return 0, "null"
	}
	v, err := strconv.ParseFloat(s, 64)
	switch {
	case err != nil && !strings.Contains(err.Error(), "range"):
		return 0, "not a number"
	case err != nil || math.IsInf(v, 0):
		return 0, "not a finite number"
	case strings.ContainsAny(s, "xXpP_"):
		return 0, "not a decimal number"
	}
	return v, ""
}

// exactInt accepts a float only when it is a whole number in range.
func exactInt(f float64, lo, hi int64) (int64, string) {
	switch {
	case f != f:
		return 0, "null"
	case math.IsInf(f, 0):
		return 0, "not a finite number"
	case f != math.Trunc(f):
		return 0, "not a whole number"
	// float64(hi) rounds MaxInt64 up to 2^63, itself out of range.
	case f < float64(lo) || f >= float64(hi)+1 || (hi == math.MaxInt64 && f >= 0x1p63):
		return 0, "out of range"
	}
	return int64(f), ""
}

// parseInt reads an integer from text: a code of the early files, an integer,
// or a decimal that is a whole number ("1.0", as pandas writes nullable ints).
func parseInt(s string, lo, hi int64, codes *valueCodes) (int64, string) {
	if strings.TrimSpace(s) == "" {
		return 0, "null"
	}
	if v, ok := codes.lookup(s); ok {
		return int64(v), ""
	}
	if v, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64); err == nil {
		if v < lo || v > hi {
			return 0, "out of range"
		}
		return v, ""
	}
	f, why := parseNumber(s)
	if why != "" {
		return 0, why
	}
	return exactInt(f, lo, hi)
}

func intConverter(src arrow.DataType, bits int, codes *valueCodes) converter {
	lo, hi := int64(math.MinInt32), int64(math.MaxInt32)
	typ := arrow.DataType(arrow.PrimitiveTypes.Int32)
	if bits == 64 {
		lo, hi = math.MinInt64, math.MaxInt64
		typ = arrow.PrimitiveTypes.Int64
	}
	if arrow.TypeEqual(src, typ) {
		return same
	}
	integer, float, text := isInteger(src), src.ID() == arrow.FLOAT64 || src.ID() == arrow.FLOAT32, isString(src)
	if !integer && !float && !text {
		return nil
	}
	if bits == 32 && (src.ID() == arrow.FLOAT64 || src.ID() == arrow.INT64) {
		return narrowToInt32
	}
	return func(mem memory.Allocator, a arrow.Array, report reportFunc) arrow.Array {
		b := array.NewBuilder(mem, typ)
		defer b.Release()
		b.Reserve(a.Len())
		iv, _ := intValues(a)
		num, _, _ := numericValues(a)
		str, _ := stringValues(a)
		for i := 0; i < a.Len(); i++ {
			if a.IsNull(i) {
				b.AppendNull()
				continue
			}
			var v int64
			var why string
			switch {
			case integer:
				if v = iv(i); v < lo || v > hi {
					why = "out of range"
				}
			case float:
				v, why = exactInt(num(i), lo, hi)
			default:
				v, why = parseInt(str(i), lo, hi, codes)
			}
			switch why {
			case "":
				if bits == 32 {
					b.(*array.Int32Builder).Append(int32(v))
				} else {
					b.(*array.Int64Builder).Append(v)
				}
			case "null":
				b.AppendNull()
			default:
				report(i, textOf(a, i), why)
				b.AppendNull()
			}
		}
		return b.NewArray()
	}
}

func floatConverter(src arrow.DataType) converter {
	if src.ID() == arrow.FLOAT64 {
		return finiteFloats
	}
	numeric := isInteger(src) || src.ID() == arrow.FLOAT32
	if !numeric && !isString(src) {
		return nil
	}
	return func(mem memory.Allocator, a arrow.Array, report reportFunc) arrow.Array {
		b := array.NewFloat64Builder(mem)
		defer b.Release()
		b.Reserve(a.Len())
		num, integral, _ := numericValues(a)
		iv, _ := intValues(a)
		str, _ := stringValues(a)
		for i := 0; i < a.Len(); i++ {
			if a.IsNull(i) {
				b.AppendNull()
				continue
			}
			var v float64
			why := ""
			switch {
			case integral:
				// float64 holds integers exactly only up to 2^53.
				if v = num(i); int64(v) != iv(i) || math.Abs(v) > 1<<53 {
					why = "too large for an exact float64"
				}
			case numeric:
				if v = num(i); v != v {
					why = "null"
				} else if math.IsInf(v, 0) {
					why = "not a finite number"
				}
			default:
				v, why = parseNumber(str(i))
			}
			switch why {
			case "":
				b.Append(v)
			case "null":
				b.AppendNull()
			default:
				report(i, textOf(a, i), why)
				b.AppendNull()
			}
		}
		return b.NewArray()
	}
}

// finiteFloats passes a float64 column through unchanged unless it holds
// NaN (made null) or infinities (reported, made null); the scan is cheap
// next to the copy it usually avoids.
func finiteFloats(mem memory.Allocator, a arrow.Array, report reportFunc) arrow.Array {
	f := a.(*array.Float64)
	clean := true
	for _, v := range f.Float64Values() {
		if v-v != 0 { // NaN or ±Inf
			clean = false
			break
		}
	}
	if clean {
		return same(mem, a, report)
	}
	b := array.NewFloat64Builder(mem)
	defer b.Release()
	b.Reserve(f.Len())
	for i, v := range f.Float64Values() {
		switch {
		case f.IsNull(i) || v != v:
			b.AppendNull()
		case math.IsInf(v, 0):
			report(i, textOf(a, i), "not a finite number")
			b.AppendNull()
		default:
			b.Append(v)
		}
	}
	return b.NewArray()
}
