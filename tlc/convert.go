package tlc

import (
	"fmt"
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
	if src.ID() == arrow.UINT64 {
		inner, err := converterFor(c, arrow.PrimitiveTypes.Int64)
		if err != nil {
			return nil, err
		}
		return viaInt64(inner), nil
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

// same passes a source array through: its type is already canonical.
func same(_ memory.Allocator, a arrow.Array, _ reportFunc) arrow.Array {
	a.Retain()
	return a
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
