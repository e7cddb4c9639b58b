package tlc

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// reportFunc records a value at row i of the current batch that could not be
// converted exactly; the converter then stores null there.
type reportFunc func(row int, value, reason string)

// converter turns one source array into the canonical array of its column.
// The result is a new reference the caller releases.
type converter func(mem memory.Allocator, src arrow.Array, report reportFunc) arrow.Array

// valueCodes maps the text codes of early files to canonical integers,
// keyed by upper-cased text; prefix3 also accepts any text whose first three
// letters match a key of length 3 ("CASH", "Cash" and "CAS" are all cash).
type valueCodes struct {
	codes   map[string]int32
	prefix3 bool
}

func (vc *valueCodes) lookup(s string) (int32, bool) {
	if vc == nil {
		return 0, false
	}
	u := strings.ToUpper(strings.TrimSpace(s))
	if v, ok := vc.codes[u]; ok {
		return v, true
	}
	if vc.prefix3 && len(u) >= 3 {
		v, ok := vc.codes[u[:3]]
		return v, ok
	}
	return 0, false
}

// Text codes of the 2009-2010 yellow files. DDS (Digital Dispatch Systems)
// has no numeric code in the TLC dictionary, so it is reported, not guessed.
var (
	vendorCodes  = &valueCodes{codes: map[string]int32{"CMT": 1, "VTS": 2}}
	paymentCodes = &valueCodes{prefix3: true, codes: map[string]int32{
		"CRE": 1, "CRD": 1, "CAS": 2, "CSH": 2, "NOC": 3, "NO ": 3, "DIS": 4, "UNK": 5, "NA": 5}}
)

// converterFor picks the conversion from a source type to a canonical
// column, or fails when no exact conversion exists for the whole column.
func converterFor(c Column, src arrow.DataType) (converter, error) {
	if src.ID() == arrow.NULL {
		return allNull(c.Type), nil
	}
	if src.ID() == arrow.DICTIONARY {
		inner, err := converterFor(c, src.(*arrow.DictionaryType).ValueType)
		if err != nil {
			return nil, err
		}
		return decodeDictionary(inner), nil
	}
	var conv converter
	switch c.Type.ID() {
	case arrow.INT32, arrow.INT64:
		bits := 32
		if c.Type.ID() == arrow.INT64 {
			bits = 64
		}
		var codes *valueCodes
		switch c.Name {
		case "vendor_id":
			codes = vendorCodes
		case "payment_type":
			codes = paymentCodes
		}
		conv = intConverter(src, bits, codes)
	case arrow.FLOAT64:
		conv = floatConverter(src)
	case arrow.STRING:
		conv = stringConverter(src, c.Name == "store_and_fwd_flag")
	case arrow.TIMESTAMP:
		conv = timestampConverter(src)
	}
	if conv == nil {
		return nil, fmt.Errorf("no exact conversion from %s to canonical %s", src, c.Type)
	}
	return conv, nil
}

func allNull(typ arrow.DataType) converter {
	return func(mem memory.Allocator, src arrow.Array, _ reportFunc) arrow.Array {
		return array.MakeArrayOfNull(mem, typ, src.Len())
	}
}

// decodeDictionary converts a dictionary-encoded column (pandas
// categoricals) by converting its values once and expanding per row, so that
// problems are still reported against the rows that hold them.
func decodeDictionary(inner converter) converter {
	return func(mem memory.Allocator, src arrow.Array, report reportFunc) arrow.Array {
		dict := src.(*array.Dictionary)
		bad := map[int]string{}
		values := inner(mem, dict.Dictionary(), func(j int, _, why string) { bad[j] = why })
		defer values.Release()
		b := array.NewBuilder(mem, values.DataType())
		defer b.Release()
		b.Reserve(dict.Len())
		for i := 0; i < dict.Len(); i++ {
			if dict.IsNull(i) {
				b.AppendNull()
				continue
			}
			j := dict.GetValueIndex(i)
			if why, ok := bad[j]; ok {
				report(i, dict.Dictionary().ValueStr(j), why)
			}
			appendFrom(b, values, j)
		}
		return b.NewArray()
	}
}

// appendFrom appends value j of a canonical-typed array to b.
func appendFrom(b array.Builder, a arrow.Array, j int) {
	if a.IsNull(j) {
		b.AppendNull()
		return
	}
	switch a := a.(type) {
	case *array.Int32:
		b.(*array.Int32Builder).Append(a.Value(j))
	case *array.Int64:
		b.(*array.Int64Builder).Append(a.Value(j))
	case *array.Float64:
		b.(*array.Float64Builder).Append(a.Value(j))
	case *array.String:
		b.(*array.StringBuilder).Append(a.Value(j))
	case *array.Timestamp:
		b.(*array.TimestampBuilder).Append(a.Value(j))
	default:
		panic("tlc: unexpected canonical type " + a.DataType().String())
	}
}

// textOf renders a source value for a problem report.
func textOf(a arrow.Array, i int) string {
	return a.ValueStr(i)
}

// forEachString calls f for every non-null value of a string-like array.
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

// floatValues exposes float and integer arrays as float64 getters.
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

// intValues exposes every signed and unsigned integer array as an int64 getter.
// uint64 values above MaxInt64 wrap negative and are then rejected as out of
// range by the caller, which is the right outcome for TLC columns.
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
	case *array.Uint64:
		return func(i int) int64 { return int64(a.Value(i)) }, true
	}
	return nil, false
}

// parseNumber parses decimal text as TLC CSVs spell numbers: plain integers,
// decimals, exponents, surrounding blanks. "" means null.
func parseNumber(s string) (float64, error) {
	return strconv.ParseFloat(strings.TrimSpace(s), 64)
}

func intConverter(src arrow.DataType, bits int, codes *valueCodes) converter {
	lo, hi := int64(math.MinInt32), int64(math.MaxInt32)
	if bits == 64 {
		lo, hi = math.MinInt64, math.MaxInt64
	}
	// Same-width source: share the buffers, no copy.
	if (bits == 32 && src.ID() == arrow.INT32) || (bits == 64 && src.ID() == arrow.INT64) {
		return func(_ memory.Allocator, a arrow.Array, _ reportFunc) arrow.Array {
			a.Retain()
			return a
		}
	}
	appendInt := func(b array.Builder, v int64) {
		if bits == 32 {
			b.(*array.Int32Builder).Append(int32(v))
		} else {
			b.(*array.Int64Builder).Append(v)
		}
	}
	typ := arrow.DataType(arrow.PrimitiveTypes.Int32)
	if bits == 64 {
		typ = arrow.PrimitiveTypes.Int64
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
				appendInt(b, v)
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
	f, err := parseNumber(s)
	if err != nil {
		return 0, "not a number"
	}
	return exactInt(f, lo, hi)
}

// exactInt accepts a float only when it is a whole number in range; NaN is
// how pandas spells null in float columns, so it becomes null silently.
func exactInt(f float64, lo, hi int64) (int64, string) {
	switch {
	case math.IsNaN(f):
		return 0, "null"
	case f != math.Trunc(f):
		return 0, "not a whole number"
	case f < float64(lo) || f > float64(hi):
		return 0, "out of range"
	}
	return int64(f), ""
}

func isInteger(t arrow.DataType) bool {
	switch t.ID() {
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64,
		arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64:
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

func floatConverter(src arrow.DataType) converter {
	if src.ID() == arrow.FLOAT64 {
		return func(_ memory.Allocator, a arrow.Array, _ reportFunc) arrow.Array {
			a.Retain()
			return a
		}
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
		str, _ := stringValues(a)
		for i := 0; i < a.Len(); i++ {
			if a.IsNull(i) {
				b.AppendNull()
				continue
			}
			if numeric {
				v := num(i)
				// float64 holds integers exactly only up to 2^53.
				if integral && math.Abs(v) > 1<<53 {
					report(i, textOf(a, i), "too large for float64")
					b.AppendNull()
					continue
				}
				b.Append(v)
				continue
			}
			s := str(i)
			if strings.TrimSpace(s) == "" {
				b.AppendNull()
				continue
			}
			v, err := parseNumber(s)
			if err != nil {
				report(i, s, "not a number")
				b.AppendNull()
				continue
			}
			b.Append(v)
		}
		return b.NewArray()
	}
}

// stringConverter keeps text as it is. For store_and_fwd_flag the 2009 files
// use 0/1 numbers, which map to the later N/Y letters.
func stringConverter(src arrow.DataType, yesNo bool) converter {
	if src.ID() == arrow.STRING && !yesNo {
		return func(_ memory.Allocator, a arrow.Array, _ reportFunc) arrow.Array {
			a.Retain()
			return a
		}
	}
	numeric := isInteger(src) || src.ID() == arrow.FLOAT64 || src.ID() == arrow.FLOAT32
	if !numeric && !isString(src) {
		return nil
	}
	return func(mem memory.Allocator, a arrow.Array, report reportFunc) arrow.Array {
		b := array.NewStringBuilder(mem)
		defer b.Release()
		b.Reserve(a.Len())
		str, _ := stringValues(a)
		num, _, _ := numericValues(a)
		for i := 0; i < a.Len(); i++ {
			if a.IsNull(i) {
				b.AppendNull()
				continue
			}
			if !numeric {
				v := str(i)
				if yesNo { // 2009-2010 CSVs spell the flag 0/1
					switch strings.TrimSpace(v) {
					case "0", "0.0":
						v = "N"
					case "1", "1.0":
						v = "Y"
					}
				}
				b.Append(v)
				continue
			}
			v := num(i)
			switch {
			case math.IsNaN(v):
				b.AppendNull()
			case yesNo && v == 0:
				b.Append("N")
			case yesNo && v == 1:
				b.Append("Y")
			case yesNo:
				report(i, textOf(a, i), "not a 0/1 flag")
				b.AppendNull()
			default:
				b.Append(strconv.FormatFloat(v, 'f', -1, 64))
			}
		}
		return b.NewArray()
	}
}
