package quality

import (
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
)

// gxTypeInfo describes an Arrow type as the pandas dtype GX would see.
type gxTypeInfo struct {
	// observed is GX's observed_value: the numpy type name of the dtype
	// ("int64", "float64", "bool", "datetime64", "object_").
	observed string
	// object types are held by pandas as object dtype; GX then checks the
	// type of each value (a map expectation) unless the expected type is
	// object itself.
	object bool
	// accepted are the type names that match the column as a whole.
	accepted map[string]bool
	// valueTypes (object types) are the names matching each value.
	valueTypes map[string]bool
}

var gxObjectNames = []string{"object", "object_", "O"}

func gxSet(names ...string) map[string]bool {
	m := map[string]bool{}
	for _, n := range names {
		m[n] = true
	}
	return m
}

// gxDtype returns the pandas dtype name of an Arrow type and its type
// information. The accepted names are the numpy/pandas spellings GX
// resolves (np.dtype(name), pandas extension types, Python builtins) plus
// the Arrow names.
func gxDtype(t arrow.DataType) (string, gxTypeInfo) {
	arrowNames := []string{t.String(), t.Name()}
	info := func(dtype, observed string, names ...string) (string, gxTypeInfo) {
		return dtype, gxTypeInfo{observed: observed, accepted: gxSet(append(names, arrowNames...)...)}
	}
	switch t.ID() {
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64, arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64:
		n := strings.ToLower(t.ID().String())
		names := []string{n, strings.ToUpper(n[:1]) + n[1:], n + "[pyarrow]"}
		if strings.HasPrefix(n, "uint") {
			names[1] = "UInt" + n[4:]
		}
		if n == "int64" {
			names = append(names, "int", "long", "int_", "i8", "<i8")
		}
		return info(n, n, names...)
	case arrow.FLOAT64:
		return info("float64", "float64", "float64", "float", "double", "float_", "Float64", "float64[pyarrow]", "double[pyarrow]", "f8", "<f8")
	case arrow.FLOAT32:
		return info("float32", "float32", "float32", "single", "Float32", "float32[pyarrow]", "float[pyarrow]", "f4", "<f4")
	case arrow.FLOAT16:
		return info("float16", "float16", "float16", "half", "f2")
	case arrow.BOOL:
		return info("bool", "bool", "bool", "bool_", "boolean", "bool[pyarrow]", "?")
	case arrow.TIMESTAMP:
		ts := t.(*arrow.TimestampType)
		if ts.TimeZone != "" {
			return info(fmt.Sprintf("datetime64[%s, %s]", ts.Unit, ts.TimeZone), "Timestamp",
				"DatetimeTZDtype", "Timestamp", fmt.Sprintf("datetime64[%s, %s]", ts.Unit, ts.TimeZone))
		}
		names := []string{"datetime64", "M8", "<M8", "datetime"}
		for _, u := range []string{"s", "ms", "us", "ns"} {
			names = append(names, "datetime64["+u+"]", "M8["+u+"]", "<M8["+u+"]", "timestamp["+u+"][pyarrow]")
		}
		return info("datetime64["+ts.Unit.String()+"]", "datetime64", names...)
	case arrow.STRING, arrow.LARGE_STRING, arrow.STRING_VIEW:
		return "object", gxTypeInfo{observed: "object_", object: true, accepted: gxSet(gxObjectNames...),
			valueTypes: gxSet(append([]string{"str", "string", "string_types", "StringDtype", "string[python]", "string[pyarrow]"}, arrowNames...)...)}
	case arrow.BINARY, arrow.LARGE_BINARY:
		return "object", gxTypeInfo{observed: "object_", object: true, accepted: gxSet(gxObjectNames...),
			valueTypes: gxSet(append([]string{"bytes"}, arrowNames...)...)}
	case arrow.DATE32, arrow.DATE64:
		return "object", gxTypeInfo{observed: "object_", object: true, accepted: gxSet(gxObjectNames...),
			valueTypes: gxSet(append([]string{"date", "datetime.date"}, arrowNames...)...)}
	}
	return t.String(), gxTypeInfo{observed: t.Name(), object: true, accepted: gxSet(append(gxObjectNames, arrowNames...)...)}
}

// gxTypeCheck is expect_column_values_to_be_of_type (one name) or
// _to_be_in_type_list (several). On a column pandas holds as numbers,
// booleans or date-times it is an aggregate (observed_value is the dtype);
// on an object column (text, bytes, dates) it checks each value's type as
// a map expectation, unless object itself is expected.
type gxTypeCheck struct {
	m     *gxColumnMap
	types []string // nil: any type (type_list null)
}

func gxBuildOfType(a *gxArgs) (gxImpl, error) {
	m, err := gxColumnArgs(a)
	if err != nil {
		return nil, err
	}
	t, err := a.str("type_", true)
	if err != nil {
		return nil, err
	}
	return &gxTypeCheck{m: m, types: []string{t}}, nil
}

func gxBuildInTypeList(a *gxArgs) (gxImpl, error) {
	m, err := gxColumnArgs(a)
	if err != nil {
		return nil, err
	}
	ts, err := a.strList("type_list", false)
	if err != nil {
		return nil, err
	}
	return &gxTypeCheck{m: m, types: ts}, nil
}

func (tc *gxTypeCheck) columns() []string { return []string{tc.m.column} }

func (tc *gxTypeCheck) eval(c *gxCtx) (gxOutcome, error) {
	col, err := c.column(tc.m.column)
	if err != nil {
		return gxOutcome{}, err
	}
	_, info := gxDtype(col.Type)
	aggregate := !info.object || tc.types == nil
	for _, t := range tc.types {
		if info.object && info.accepted[t] {
			aggregate = true
		}
	}
	if aggregate {
		success := tc.types == nil
		for _, t := range tc.types {
			if info.accepted[t] {
				success = true
			}
		}
		res := ExpectationResult{ObservedValue: info.observed, Keys: KeyObservedValue}
		return gxOutcome{success: success, result: res}, nil
	}
	match := false
	for _, t := range tc.types {
		if info.valueTypes[t] {
			match = true
		}
	}
	m := *tc.m
	m.find = func(col *Column) (*RowSet, error) {
		if !match {
			return gxPresentRows(col), nil
		}
		return NewRowSet(col.Len()), nil
	}
	return m.eval(c)
}
