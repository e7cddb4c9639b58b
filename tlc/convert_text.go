package tlc

import (
	"math"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// stringConverter keeps text as it is and renders numbers exactly. For
// store_and_fwd_flag the 2009-2010 files use 0/1 numbers (or their text),
// which map to the later N/Y letters.
func stringConverter(src arrow.DataType, yesNo bool) converter {
	if src.ID() == arrow.STRING && !yesNo {
		return same
	}
	integer := isInteger(src)
	float := src.ID() == arrow.FLOAT64 || src.ID() == arrow.FLOAT32
	if !integer && !float && !isString(src) {
		return nil
	}
	return func(mem memory.Allocator, a arrow.Array, report reportFunc) arrow.Array {
		b := array.NewStringBuilder(mem)
		defer b.Release()
		b.Reserve(a.Len())
		str, _ := stringValues(a)
		num, _, _ := numericValues(a)
		iv, _ := intValues(a)
		for i := 0; i < a.Len(); i++ {
			if a.IsNull(i) {
				b.AppendNull()
				continue
			}
			var text string
			switch {
			case integer:
				text = strconv.FormatInt(iv(i), 10)
			case float:
				v := num(i)
				if v != v {
					b.AppendNull()
					continue
				}
				text = strconv.FormatFloat(v, 'f', -1, 64)
				if yesNo && v != math.Trunc(v) {
					text = "?" // never a flag
				}
			default:
				text = str(i)
			}
			if yesNo && (integer || float || isFlagNumber(text)) {
				switch strings.TrimSpace(text) {
				case "0", "0.0":
					text = "N"
				case "1", "1.0":
					text = "Y"
				default:
					report(i, textOf(a, i), "not a 0/1 flag")
					b.AppendNull()
					continue
				}
			}
			b.Append(text)
		}
		return b.NewArray()
	}
}

// isFlagNumber tells a numeric flag written as text ("0", "1.0") from the
// letters later files use.
func isFlagNumber(s string) bool {
	s = strings.TrimSpace(s)
	return s != "" && (s[0] >= '0' && s[0] <= '9' || s[0] == '-' || s[0] == '.')
}
