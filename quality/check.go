package quality

import (
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"time"
)

// Check is one Pandera check: a built-in such as in_range or str_matches,
// a table-wide check such as column_compare, or a custom check written in
// Go. Build checks with the constructors (InRange, IsIn, StrMatches, ...,
// CheckFunc, ColumnCompare, SumEquals, ...) and refine them with the With*
// methods, which return a modified copy:
//
//	quality.InRange(1, 265).WithMostly(0.99)
//
// The zero Check is not valid.
type Check struct {
	name   string     // Pandera's check name: "in_range", "greater_than", or a custom name
	args   []checkArg // the check's statistics, in Pandera's argument order
	label  string     // Pandera's error=: replaces the rendered name in reports
	keepNA bool       // Pandera's ignore_na=False
	warn   bool       // Pandera's raise_warning=True
	mostly float64    // fraction of rows that must pass; 0 means all
	err    error      // construction error, reported by Schema.Compile

	registered bool // made by NewRegisteredCheck: custom but serializable

	table   bool     // table-wide (DataFrameSchema) check
	columns []string // table checks: the columns the check reads

	re      *regexp.Regexp // str_matches, str_contains
	vec     func(*Column) (*RowSet, error)
	bools   func(*Column) ([]bool, error)
	elem    func(any) bool
	floatFn func(float64) bool
	strFn   func(string) bool
	timeFn  func(int64) bool
	tableFn func(*Table) (*RowSet, error)
	rowFn   func([]any) bool
}

type checkArg struct {
	key string
	val any
}

// Name returns Pandera's name of the check, such as "in_range" or
// "greater_than", or the name given to a custom check.
func (c Check) Name() string { return c.name }

// String renders the check as Pandera reports it, such as
// "in_range(1, 265)", "isin(['N', 'Y'])" or "str_matches('^[A-Z]')"; this is
// the check column of failure cases and RowFailure.Check.
func (c Check) String() string {
	if c.label != "" {
		return c.label
	}
	if c.IsCustom() {
		return c.name
	}
	switch c.name {
	case "str_matches", "str_contains", "str_startswith", "str_endswith":
		return fmt.Sprintf("%s('%s')", c.name, checkPyStr(c.args[0].val))
	case "isin", "notin", "unique_values_eq":
		return fmt.Sprintf("%s(%s)", c.name, checkPyRepr(c.args[0].val))
	case "in_range", "str_length":
		return fmt.Sprintf("%s(%s, %s)", c.name, checkPyStr(c.args[0].val), checkPyStr(c.args[1].val))
	case "column_compare":
		return fmt.Sprintf("column_compare(%s %s %s)", c.args[0].val, c.args[1].val, c.args[2].val)
	case "sum_equals":
		return fmt.Sprintf("sum_equals(%s, %s, %s)", c.args[0].val, checkPyRepr(c.args[1].val), checkPyStr(c.args[2].val))
	}
	parts := make([]string, len(c.args))
	for i, a := range c.args {
		parts[i] = checkPyStr(a.val)
	}
	return c.name + "(" + strings.Join(parts, ", ") + ")"
}

// IsCustom reports whether the check runs Go code given by the user; such
// checks cannot be serialized.
func (c Check) IsCustom() bool {
	return c.vec != nil || c.bools != nil || c.elem != nil || c.floatFn != nil ||
		c.strFn != nil || c.timeFn != nil || c.tableFn != nil || c.rowFn != nil
}

// IsTableCheck reports whether the check reads the whole table (a Pandera
// DataFrameSchema check) rather than one column.
func (c Check) IsTableCheck() bool { return c.table }

// IgnoresNA reports whether null (and NaN) values are skipped, Pandera's
// ignore_na (true unless WithIgnoreNA(false)).
func (c Check) IgnoresNA() bool { return !c.keepNA }

// Mostly returns the fraction of rows that must pass, 1 unless WithMostly.
func (c Check) Mostly() float64 {
	if c.mostly == 0 {
		return 1
	}
	return c.mostly
}

// Arg returns the check's argument under Pandera's name (such as
// "min_value" or "allowed_values") and whether it has one.
func (c Check) Arg(key string) (any, bool) {
	for _, a := range c.args {
		if a.key == key {
			return a.val, true
		}
	}
	return nil, false
}

// WithIgnoreNA sets Pandera's ignore_na: false makes null and NaN values
// fail the check (except ne and notin, which nulls satisfy as in pandas).
func (c Check) WithIgnoreNA(ignore bool) Check { c.keepNA = !ignore; return c }

// WithMostly lets the check pass when at least fraction f (0 < f <= 1) of
// the rows it considers pass: the non-null rows, or all rows when nulls are
// not ignored. When it passes, no failure is reported. Pandera has no such
// option; it is Great Expectations' mostly.
func (c Check) WithMostly(f float64) Check {
	if !(f > 0 && f <= 1) && c.err == nil {
		c.err = fmt.Errorf("mostly must be in (0, 1], got %v", f)
	}
	c.mostly = f
	return c
}

// Err returns the check's construction error, such as a regular
// expression Go cannot run; Schema.Compile reports it with the column.
func (c Check) Err() error { return c.err }

// WithWarning makes a failure of the check a warning (Pandera's
// raise_warning): it is reported in SchemaReport.Warnings and does not
// fail validation, stop eager validation, or reject rows.
func (c Check) WithWarning(warn bool) Check { c.warn = warn; return c }

// Warns reports whether the check only warns.
func (c Check) Warns() bool { return c.warn }

// WithError replaces the rendered check in reports, Pandera's error=.
func (c Check) WithError(label string) Check { c.label = label; return c }

// WithName renames the check (Pandera's name=). Renaming a built-in makes
// it unreadable from YAML, so only custom checks should be renamed.
func (c Check) WithName(name string) Check { c.name = name; return c }

func builtin(name string, kv ...any) Check {
	c := Check{name: name}
	for i := 0; i < len(kv); i += 2 {
		v, err := checkNormalize(kv[i+1])
		if err != nil && c.err == nil {
			c.err = err
		}
		c.args = append(c.args, checkArg{kv[i].(string), v})
	}
	return c
}

// Eq checks values equal value (Pandera equal_to, alias eq).
func Eq(value any) Check { return builtin("equal_to", "value", value) }

// Ne checks values differ from value (Pandera not_equal_to, alias ne).
func Ne(value any) Check { return builtin("not_equal_to", "value", value) }

// Gt checks values > min (Pandera greater_than, alias gt).
func Gt(min any) Check { return builtin("greater_than", "min_value", min) }

// Ge checks values >= min (Pandera greater_than_or_equal_to, alias ge).
func Ge(min any) Check { return builtin("greater_than_or_equal_to", "min_value", min) }

// Lt checks values < max (Pandera less_than, alias lt).
func Lt(max any) Check { return builtin("less_than", "max_value", max) }

// Le checks values <= max (Pandera less_than_or_equal_to, alias le).
func Le(max any) Check { return builtin("less_than_or_equal_to", "max_value", max) }

// InRange checks min <= value <= max (Pandera in_range with include_min
// and include_max true). Bounds are numbers for numeric columns, text or
// time.Time (or microseconds) for time columns, text for text columns.
func InRange(min, max any) Check {
	return InRangeWith(min, max, true, true)
}

// InRangeWith is InRange with Pandera's include_min and include_max.
func InRangeWith(min, max any, includeMin, includeMax bool) Check {
	return builtin("in_range", "min_value", min, "max_value", max,
		"include_min", includeMin, "include_max", includeMax)
}

// IsIn checks values are among allowed (Pandera isin). Pass values or
// one slice.
func IsIn(allowed ...any) Check { return builtin("isin", "allowed_values", checkList(allowed)) }

// NotIn checks values are none of forbidden (Pandera notin).
func NotIn(forbidden ...any) Check {
	return builtin("notin", "forbidden_values", checkList(forbidden))
}

// UniqueValuesEq checks the column's distinct non-null values are exactly
// values (Pandera unique_values_eq). It judges the column as a whole: a
// failure has one failure case, false, and no rows.
func UniqueValuesEq(values ...any) Check {
	return builtin("unique_values_eq", "values", checkList(values))
}

// StrMatches checks text matches the regular expression at its start, as
// Python's re.match (Pandera str_matches); the match need not reach the
// end. Patterns use Go's RE2 syntax: back-references and look-around make
// the check invalid, an error Schema.Compile reports.
func StrMatches(pattern string) Check {
	c := builtin("str_matches", "pattern", pattern)
	c.re, c.err = checkRegexp(pattern, true)
	return c
}

// StrContains checks the regular expression matches somewhere in the text
// (Python's re.search, Pandera str_contains).
func StrContains(pattern string) Check {
	c := builtin("str_contains", "pattern", pattern)
	c.re, c.err = checkRegexp(pattern, false)
	return c
}

// StrStartsWith checks text starts with prefix (Pandera str_startswith).
func StrStartsWith(prefix string) Check { return builtin("str_startswith", "string", prefix) }

// StrEndsWith checks text ends with suffix (Pandera str_endswith).
func StrEndsWith(suffix string) Check { return builtin("str_endswith", "string", suffix) }

// StrLength checks the length of text in characters is within [min, max]
// (Pandera str_length); a negative bound means none.
func StrLength(min, max int) Check {
	var lo, hi any
	if min >= 0 {
		lo = min
	}
	if max >= 0 {
		hi = max
	}
	c := builtin("str_length", "min_value", lo, "max_value", hi)
	if lo == nil && hi == nil {
		c.err = fmt.Errorf("str_length needs a minimum or a maximum")
	}
	return c
}

// checkList turns constructor arguments into one list: the arguments, or
// the elements of a single slice argument.
func checkList(vals []any) []any {
	if len(vals) == 1 {
		rv := reflect.ValueOf(vals[0])
		if rv.Kind() == reflect.Slice || rv.Kind() == reflect.Array {
			out := make([]any, rv.Len())
			for i := range out {
				out[i] = rv.Index(i).Interface()
			}
			return out
		}
	}
	return vals
}

// checkNormalize brings an argument to the forms checks compare: int64,
// float64, string, bool, time.Time, nil, or []any of those.
func checkNormalize(v any) (any, error) {
	switch x := v.(type) {
	case nil, int64, float64, string, bool, time.Time:
		return v, nil
	case int:
		return int64(x), nil
	case int8:
		return int64(x), nil
	case int16:
		return int64(x), nil
	case int32:
		return int64(x), nil
	case uint8:
		return int64(x), nil
	case uint16:
		return int64(x), nil
	case uint32:
		return int64(x), nil
	case uint:
		return int64(x), nil
	case uint64:
		return int64(x), nil
	case float32:
		return float64(x), nil
	case []string:
		return checkNormalize(checkList([]any{x}))
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			n, err := checkNormalize(e)
			if err != nil {
				return nil, err
			}
			out[i] = n
		}
		return out, nil
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Slice || rv.Kind() == reflect.Array {
		return checkNormalize(checkList([]any{v}))
	}
	return nil, fmt.Errorf("unsupported check argument %v (%T)", v, v)
}

// checkRegexp compiles a Python-style pattern with Go's RE2, anchored at
// the start for re.match semantics, explaining what RE2 cannot run.
func checkRegexp(pattern string, anchor bool) (*regexp.Regexp, error) {
	if what := checkUnsupportedRegexp(pattern); what != "" {
		return nil, fmt.Errorf("pattern %q uses %s, which Go's RE2 regular expressions cannot run", pattern, what)
	}
	p := pattern
	if anchor {
		p = `^(?:` + pattern + `)`
	}
	re, err := regexp.Compile(p)
	if err != nil {
		return nil, fmt.Errorf("pattern %q is not a Go (RE2) regular expression: %w", pattern, err)
	}
	return re, nil
}

// checkUnsupportedRegexp names the Python regular-expression feature of
// pattern that RE2 lacks, "" if none: back-references (\1, (?P=name)),
// look-around ((?=, (?!, (?<=, (?<!) and atomic groups ((?>). Escaped
// characters and character classes are skipped.
func checkUnsupportedRegexp(pattern string) string {
	inClass := false
	for i := 0; i < len(pattern); i++ {
		c := pattern[i]
		rest := pattern[i+1:]
		switch {
		case c == '\\':
			if len(rest) > 0 && rest[0] >= '1' && rest[0] <= '9' && !inClass {
				return "back-references"
			}
			i++
		case inClass:
			inClass = c != ']'
		case c == '[':
			inClass = true
			if strings.HasPrefix(rest, "]") || strings.HasPrefix(rest, "^]") {
				i += strings.Index(rest, "]") + 1 // a leading ] is literal
			}
		case c == '(' && strings.HasPrefix(rest, "?P="):
			return "named back-references"
		case c == '(' && (strings.HasPrefix(rest, "?=") || strings.HasPrefix(rest, "?!") ||
			strings.HasPrefix(rest, "?<=") || strings.HasPrefix(rest, "?<!")):
			return "look-around assertions"
		case c == '(' && strings.HasPrefix(rest, "?>"):
			return "atomic groups"
		}
	}
	return ""
}
