package quality

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// CheckFunc is a custom vectorized column check: fn reads the column's
// Arrow chunks (Column.Chunks, or the typed Each* loops) and returns the
// failing rows. Unless WithIgnoreNA(false), failing null and NaN rows are
// dropped from fn's result.
func CheckFunc(name string, fn func(col *Column) (*RowSet, error)) Check {
	return Check{name: name, vec: fn}
}

// CheckBools is a custom vectorized column check that returns one result
// per row, true for pass (a Pandera check returning a boolean Series).
func CheckBools(name string, fn func(col *Column) ([]bool, error)) Check {
	return Check{name: name, bools: fn}
}

// CheckElement is a custom element-wise column check (Pandera
// element_wise=True): fn gets each value as Column.Value renders it (int64,
// float64, string, bool or time text) and returns whether it passes. It
// boxes every value; CheckFloat, CheckString and CheckTime do not.
func CheckElement(name string, fn func(v any) bool) Check {
	return Check{name: name, elem: fn}
}

// CheckFloat is a custom element-wise check of numeric columns.
func CheckFloat(name string, fn func(v float64) bool) Check {
	return Check{name: name, floatFn: fn}
}

// CheckString is a custom element-wise check of text columns.
func CheckString(name string, fn func(v string) bool) Check {
	return Check{name: name, strFn: fn}
}

// CheckTime is a custom element-wise check of time columns, given
// microseconds since the epoch.
func CheckTime(name string, fn func(us int64) bool) Check {
	return Check{name: name, timeFn: fn}
}

// ColumnCompare is a table-wide check that left op right holds on every
// row, op one of < <= > >= == !=, for two numeric, two time or two text
// columns: ColumnCompare("dropoff", ">", "pickup"). Rows where either side
// is null are skipped unless WithIgnoreNA(false).
func ColumnCompare(left, op, right string) Check {
	c := builtin("column_compare", "left", left, "op", op, "right", right)
	c.table, c.columns = true, []string{left, right}
	if checkOp(op) == nil {
		c.err = fmt.Errorf("column_compare: unknown operator %q", op)
	}
	return c
}

// SumEquals is a table-wide check that numeric column total equals the sum
// of the parts columns within tolerance on every row:
// SumEquals("total_amount", []string{"fare_amount", "tip_amount"}, 0.01).
// Rows with a null among them are skipped unless WithIgnoreNA(false).
func SumEquals(total string, parts []string, tolerance float64) Check {
	ps := make([]any, len(parts))
	for i, p := range parts {
		ps[i] = p
	}
	c := builtin("sum_equals", "total", total, "parts", ps, "tolerance", tolerance)
	c.table, c.columns = true, append([]string{total}, parts...)
	if len(parts) == 0 || tolerance < 0 {
		c.err = fmt.Errorf("sum_equals needs parts and a tolerance >= 0")
	}
	return c
}

// TableCheckFunc is a custom vectorized table-wide check: fn returns the
// failing rows. columns name the columns fn reads; failure cases show their
// values (Pandera's long format, one case per row and column).
func TableCheckFunc(name string, columns []string, fn func(t *Table) (*RowSet, error)) Check {
	return Check{name: name, table: true, columns: columns, tableFn: fn}
}

// RowCheck is a custom row-wise table check: fn gets the values of columns
// on one row (as Column.Value renders them, nil for null) and returns
// whether the row passes. It boxes values; prefer TableCheckFunc for speed.
func RowCheck(name string, columns []string, fn func(vals []any) bool) Check {
	return Check{name: name, table: true, columns: columns, rowFn: fn}
}

// checkOp returns the comparison of op, nil if op is unknown.
func checkOp(op string) func(c int) bool {
	switch op {
	case "<":
		return func(c int) bool { return c < 0 }
	case "<=":
		return func(c int) bool { return c <= 0 }
	case ">":
		return func(c int) bool { return c > 0 }
	case ">=":
		return func(c int) bool { return c >= 0 }
	case "==":
		return func(c int) bool { return c == 0 }
	case "!=":
		return func(c int) bool { return c != 0 }
	}
	return nil
}

// checkPyStr renders a value as Python's str() does, the way Pandera
// formats check statistics into check names.
func checkPyStr(v any) string {
	switch x := v.(type) {
	case nil:
		return "None"
	case bool:
		if x {
			return "True"
		}
		return "False"
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return checkPyFloat(x)
	case string:
		return x
	case time.Time:
		return x.UTC().Format("2006-01-02 15:04:05")
	case []any:
		return checkPyRepr(x)
	}
	return fmt.Sprint(v)
}

// checkPyRepr renders a value as Python's repr() does: text quoted, lists
// bracketed.
func checkPyRepr(v any) string {
	switch x := v.(type) {
	case string:
		return "'" + strings.ReplaceAll(x, "'", `\'`) + "'"
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = checkPyRepr(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	return checkPyStr(v)
}

func checkPyFloat(f float64) string {
	switch {
	case math.IsNaN(f):
		return "nan"
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	a := math.Abs(f)
	if a != 0 && (a >= 1e16 || a < 1e-4) {
		return strconv.FormatFloat(f, 'g', -1, 64)
	}
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if !strings.Contains(s, ".") {
		s += ".0"
	}
	return s
}
