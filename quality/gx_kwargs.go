package quality

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
)

// gxArgs reads an expectation's kwargs, recording which it used so that
// unknown ones (typos such as "min_val") are reported.
type gxArgs struct {
	m    map[string]any
	used map[string]bool
}

// gxRuntimeKeys are kwargs every expectation accepts: runtime options and
// domain keys that must be null here.
var gxRuntimeKeys = []string{"result_format", "catch_exceptions", "include_config", "batch_id",
	"row_condition", "condition_parser", "windows", "table", "meta"}

func newGXArgs(m map[string]any) (*gxArgs, error) {
	a := &gxArgs{m: m, used: map[string]bool{}}
	for _, k := range gxRuntimeKeys {
		a.used[k] = true
	}
	for _, k := range []string{"row_condition", "condition_parser", "windows"} {
		if v, ok := m[k]; ok && v != nil && v != "" {
			return nil, fmt.Errorf("%s is not supported", k)
		}
	}
	if v, ok := m["result_format"]; ok && v != nil {
		if _, err := ParseResultFormat(v); err != nil {
			return nil, err
		}
	}
	if v, ok := m["parse_strings_as_datetimes"]; ok {
		a.used["parse_strings_as_datetimes"] = true
		if b, _ := v.(bool); b {
			return nil, fmt.Errorf("parse_strings_as_datetimes is not supported (removed in GX 1.0): store date-times as Arrow timestamps")
		}
	}
	return a, nil
}

// done reports kwargs no reader asked for.
func (a *gxArgs) done() error {
	var unknown []string
	for k := range a.m {
		if !a.used[k] {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		slices.Sort(unknown)
		return fmt.Errorf("unknown kwargs %s", strings.Join(unknown, ", "))
	}
	return nil
}

func (a *gxArgs) get(name string) (any, bool) {
	a.used[name] = true
	v, ok := a.m[name]
	if !ok || v == nil {
		return nil, false
	}
	if p, ok := v.(map[string]any); ok {
		if _, ok := p["$PARAMETER"]; ok {
			return nil, false
		}
	}
	return v, true
}

// param reports a kwarg given as a suite parameter, which this package
// cannot resolve.
func (a *gxArgs) param(name string) error {
	if p, ok := a.m[name].(map[string]any); ok {
		if ref, ok := p["$PARAMETER"]; ok {
			return fmt.Errorf("%s is the suite parameter %v; suite parameters are not supported", name, ref)
		}
	}
	return nil
}

func (a *gxArgs) str(name string, required bool) (string, error) {
	if err := a.param(name); err != nil {
		return "", err
	}
	v, ok := a.get(name)
	if !ok {
		if required {
			return "", fmt.Errorf("missing kwarg %s", name)
		}
		return "", nil
	}
	s, ok := v.(string)
	if !ok || (required && s == "") {
		return "", fmt.Errorf("%s must be a non-empty string, got %v", name, v)
	}
	return s, nil
}

// num reads an optional number; ok is false when absent or null.
func (a *gxArgs) num(name string) (float64, bool, error) {
	if err := a.param(name); err != nil {
		return 0, false, err
	}
	v, ok := a.get(name)
	if !ok {
		return 0, false, nil
	}
	f, ok := gxNumber(v)
	if !ok {
		return 0, false, fmt.Errorf("%s must be a number, got %v", name, v)
	}
	return f, true, nil
}

func (a *gxArgs) boolean(name string, def bool) (bool, error) {
	v, ok := a.get(name)
	if !ok {
		return def, nil
	}
	b, ok := v.(bool)
	if !ok {
		return false, fmt.Errorf("%s must be true or false, got %v", name, v)
	}
	return b, nil
}

func (a *gxArgs) list(name string, required bool) ([]any, error) {
	if err := a.param(name); err != nil {
		return nil, err
	}
	v, ok := a.get(name)
	if !ok {
		if required {
			return nil, fmt.Errorf("missing kwarg %s", name)
		}
		return nil, nil
	}
	l, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("%s must be a list, got %v", name, v)
	}
	return l, nil
}

func (a *gxArgs) strList(name string, required bool) ([]string, error) {
	l, err := a.list(name, required)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(l))
	for i, v := range l {
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("%s[%d] must be a string, got %v", name, i, v)
		}
		out[i] = s
	}
	return out, nil
}

// mostly reads "mostly" (default 1), which GX requires in [0, 1].
func (a *gxArgs) mostly() (float64, error) {
	m, ok, err := a.num("mostly")
	if err != nil {
		return 0, err
	}
	if !ok {
		return 1, nil
	}
	if m < 0 || m > 1 || m != m {
		return 0, fmt.Errorf("mostly must be between 0 and 1, got %v", m)
	}
	return m, nil
}

// gxBound is a min_value or max_value: a number, or text (a date-time for
// time columns, a string for text columns).
type gxBound struct {
	set   bool
	isStr bool
	num   float64
	str   string
	raw   any
}

func (a *gxArgs) bound(name string) (gxBound, error) {
	if err := a.param(name); err != nil {
		return gxBound{}, err
	}
	v, ok := a.get(name)
	if !ok {
		return gxBound{}, nil
	}
	if s, ok := v.(string); ok {
		return gxBound{set: true, isStr: true, str: s, raw: v}, nil
	}
	f, ok := gxNumber(v)
	if !ok {
		return gxBound{}, fmt.Errorf("%s must be a number or a string, got %v", name, v)
	}
	return gxBound{set: true, num: f, raw: v}, nil
}

// gxRange is a [min, max] interval with GX's strict_min and strict_max.
type gxRange struct {
	min, max             gxBound
	strictMin, strictMax bool
}

// rangeArgs reads min_value, max_value, strict_min and strict_max. With
// needOne, both bounds null is a configuration error, as in GX.
func (a *gxArgs) rangeArgs(needOne bool) (gxRange, error) {
	var r gxRange
	var err error
	if r.min, err = a.bound("min_value"); err != nil {
		return r, err
	}
	if r.max, err = a.bound("max_value"); err != nil {
		return r, err
	}
	if r.strictMin, err = a.boolean("strict_min", false); err != nil {
		return r, err
	}
	if r.strictMax, err = a.boolean("strict_max", false); err != nil {
		return r, err
	}
	if needOne && !r.min.set && !r.max.set {
		return r, fmt.Errorf("min_value and max_value cannot both be None")
	}
	if r.min.set && r.max.set && r.min.isStr == r.max.isStr {
		if (!r.min.isStr && r.min.num > r.max.num) || (r.min.isStr && r.min.str > r.max.str) {
			return r, fmt.Errorf("min_value cannot be greater than max_value")
		}
	}
	return r, nil
}

// inFloat reports whether v lies in the range (numeric bounds only).
func (r gxRange) inFloat(v float64, lo, hi float64) bool {
	if r.min.set {
		if r.strictMin && !(v > lo) || !r.strictMin && !(v >= lo) {
			return false
		}
	}
	if r.max.set {
		if r.strictMax && !(v < hi) || !r.strictMax && !(v <= hi) {
			return false
		}
	}
	return true
}

// inString reports whether s lies in the range (text bounds).
func (r gxRange) inString(s string) bool {
	if r.min.set {
		if r.strictMin && !(s > r.min.str) || !r.strictMin && !(s >= r.min.str) {
			return false
		}
	}
	if r.max.set {
		if r.strictMax && !(s < r.max.str) || !r.strictMax && !(s <= r.max.str) {
			return false
		}
	}
	return true
}

// gxNumber converts a JSON or Go number to float64.
func gxNumber(v any) (float64, bool) {
	switch v := v.(type) {
	case json.Number:
		f, err := v.Float64()
		return f, err == nil
	case float64:
		return v, true
	case float32:
		return float64(v), true
	case int:
		return float64(v), true
	case int64:
		return float64(v), true
	case int32:
		return float64(v), true
	case uint64:
		return float64(v), true
	case uint32:
		return float64(v), true
	}
	return 0, false
}

// gxInt converts a whole JSON or Go number to int.
func gxInt(v any) (int, bool) {
	f, ok := gxNumber(v)
	if !ok || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
		return 0, false
	}
	return int(f), true
}
