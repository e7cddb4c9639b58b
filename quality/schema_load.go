package quality

import (
	"fmt"
	"strings"
)

// schemaAliases maps Pandera's short check names to their full names.
var schemaAliases = map[string]string{
	"eq": "equal_to", "ne": "not_equal_to", "gt": "greater_than", "ge": "greater_than_or_equal_to",
	"lt": "less_than", "le": "less_than_or_equal_to", "between": "in_range",
}

// schemaFromDoc builds and compiles a schema from its decoded document.
func schemaFromDoc(v any) (*Schema, error) {
	doc, ok := v.(schemaOMap)
	if !ok {
		return nil, fmt.Errorf("quality: a schema must be a mapping")
	}
	if st, ok := doc.get("schema_type"); ok && st != nil && st != "dataframe" {
		return nil, fmt.Errorf("quality: schema_type %v is not dataframe", st)
	}
	s := &Schema{}
	var errs []string
	str := func(m schemaOMap, k string) string {
		x, _ := m.get(k)
		s, _ := x.(string)
		return s
	}
	flag := func(m schemaOMap, k string, def bool) bool {
		if x, ok := m.get(k); ok {
			if b, ok := x.(bool); ok {
				return b
			}
		}
		return def
	}
	s.Name, s.Title, s.Description = str(doc, "name"), str(doc, "title"), str(doc, "description")
	if v, ok := doc.get("strict"); ok && v != nil && v != true && v != false {
		errs = append(errs, fmt.Sprintf("strict: %v is not supported (only true or false)", v))
	}
	s.Coerce, s.Strict, s.Ordered = flag(doc, "coerce", false), flag(doc, "strict", false), flag(doc, "ordered", false)
	if rd := ReportDuplicates(str(doc, "report_duplicates")); rd != ReportAll {
		s.ReportDuplicates = rd // "all", the default, reads as ""
	}
	switch u, _ := doc.get("unique"); u := u.(type) {
	case string:
		s.Unique = []string{u}
	case []any:
		for _, x := range u {
			s.Unique = append(s.Unique, fmt.Sprint(x))
		}
	}
	cols, _ := doc.get("columns")
	colMap, _ := cols.(schemaOMap)
	for _, kv := range colMap {
		m, _ := kv.v.(schemaOMap)
		cs := ColumnSchema{Name: kv.k, Title: str(m, "title"), Description: str(m, "description"),
			Nullable: flag(m, "nullable", false), Unique: flag(m, "unique", false),
			Coerce: flag(m, "coerce", false), Optional: !flag(m, "required", true),
			ReportDuplicates: ReportDuplicates(str(m, "report_duplicates"))}
		if d, err := ParseDType(str(m, "dtype")); err != nil {
			errs = append(errs, fmt.Sprintf("column %q: %v", kv.k, err))
		} else {
			cs.DType = d
		}
		raw, _ := m.get("checks")
		checks, err := schemaChecksFromDoc(raw)
		if err != nil {
			errs = append(errs, fmt.Sprintf("column %q: %v", kv.k, err))
		}
		cs.Checks = checks
		s.Columns = append(s.Columns, cs)
	}
	raw, _ := doc.get("checks")
	checks, err := schemaChecksFromDoc(raw)
	if err != nil {
		errs = append(errs, fmt.Sprintf("table checks: %v", err))
	}
	s.Checks = checks
	if len(errs) > 0 {
		return nil, fmt.Errorf("quality: schema %s: %s", s.displayName(), strings.Join(errs, "; "))
	}
	if err := s.Compile(); err != nil {
		return nil, err
	}
	return s, nil
}

// schemaChecksFromDoc reads checks in Pandera's mapping form
// ({name: stats}) or list form ([{stats..., options: {check_name}}]).
func schemaChecksFromDoc(raw any) ([]Check, error) {
	var out []Check
	var errs []string
	add := func(name string, stats any) {
		c, err := schemaCheckFromStats(name, stats)
		if err != nil {
			errs = append(errs, fmt.Sprintf("check %s: %v", name, err))
			return
		}
		out = append(out, c)
	}
	switch raw := raw.(type) {
	case nil:
	case schemaOMap:
		for _, kv := range raw {
			add(kv.k, kv.v)
		}
	case []any:
		for i, item := range raw {
			m, ok := item.(schemaOMap)
			opts, _ := m.get("options")
			om, _ := opts.(schemaOMap)
			name, _ := om.get("check_name")
			if !ok || name == nil {
				errs = append(errs, fmt.Sprintf("check %d has no options.check_name", i))
				continue
			}
			add(fmt.Sprint(name), m)
		}
	default:
		return nil, fmt.Errorf("checks must be a mapping or a list")
	}
	if len(errs) > 0 {
		return out, fmt.Errorf("%s", strings.Join(errs, "; "))
	}
	return out, nil
}

// schemaCheckFromStats builds a check from its name and statistics: a
// scalar (the one argument) or a mapping of arguments and options.
func schemaCheckFromStats(name string, stats any) (Check, error) {
	if full, ok := schemaAliases[name]; ok {
		name = full
	}
	args := map[string]any{}
	var opts schemaOMap
	if m, ok := stats.(schemaOMap); ok {
		for _, kv := range m {
			if kv.k == "options" {
				opts, _ = kv.v.(schemaOMap)
			} else {
				args[kv.k] = kv.v
			}
		}
	} else {
		args["value"] = stats
	}
	c, err := schemaBuildCheck(name, args)
	if err != nil {
		return Check{}, err
	}
	for _, kv := range opts {
		switch kv.k {
		case "ignore_na":
			if b, ok := kv.v.(bool); ok {
				c = c.WithIgnoreNA(b)
			}
		case "mostly":
			f, err := checkFloatArg(kv.v)
			if err != nil {
				return Check{}, fmt.Errorf("mostly: %v", err)
			}
			c = c.WithMostly(f)
		case "error":
			if e, ok := kv.v.(string); ok {
				c = c.WithError(e)
			}
		case "raise_warning":
			if b, ok := kv.v.(bool); ok {
				c = c.WithWarning(b)
			}
		case "check_name", "name", "n_failure_cases":
		default:
			return Check{}, fmt.Errorf("unknown option %q", kv.k)
		}
	}
	return c, nil
}

// schemaBuildCheck builds a built-in or registered check from arguments
// named as Pandera names them; "value" stands for a one-argument check's
// argument.
func schemaBuildCheck(name string, args map[string]any) (Check, error) {
	used := map[string]bool{}
	get := func(keys ...string) (any, bool) {
		for _, k := range keys {
			if v, ok := args[k]; ok {
				used[k] = true
				return v, true
			}
		}
		return nil, false
	}
	need := func(keys ...string) any {
		v, _ := get(keys...)
		return v
	}
	boolOr := func(key string, def bool) bool {
		if v, ok := get(key); ok {
			if b, ok := v.(bool); ok {
				return b
			}
		}
		return def
	}
	intOr := func(key string) int {
		if v, ok := get(key); ok && v != nil {
			if n, ok := v.(int64); ok {
				return int(n)
			}
			if f, ok := v.(float64); ok {
				return int(f)
			}
		}
		return -1
	}
	var c Check
	switch name {
	case "equal_to":
		c = Eq(need("value"))
	case "not_equal_to":
		c = Ne(need("value"))
	case "greater_than":
		c = Gt(need("min_value", "value"))
	case "greater_than_or_equal_to":
		c = Ge(need("min_value", "value"))
	case "less_than":
		c = Lt(need("max_value", "value"))
	case "less_than_or_equal_to":
		c = Le(need("max_value", "value"))
	case "in_range":
		c = InRangeWith(need("min_value"), need("max_value"), boolOr("include_min", true), boolOr("include_max", true))
	case "isin":
		c = IsIn(checkList([]any{need("allowed_values", "value")}))
	case "notin":
		c = NotIn(checkList([]any{need("forbidden_values", "value")}))
	case "unique_values_eq":
		c = UniqueValuesEq(checkList([]any{need("values", "value")}))
	case "str_matches", "str_contains":
		p, _ := need("pattern", "value").(string)
		if name == "str_matches" {
			c = StrMatches(p)
		} else {
			c = StrContains(p)
		}
	case "str_startswith":
		p, _ := need("string", "value").(string)
		c = StrStartsWith(p)
	case "str_endswith":
		p, _ := need("string", "value").(string)
		c = StrEndsWith(p)
	case "str_length":
		c = StrLength(intOr("min_value"), intOr("max_value"))
	case "column_compare":
		l, _ := need("left").(string)
		op, _ := need("op").(string)
		r, _ := need("right").(string)
		c = ColumnCompare(l, op, r)
	case "sum_equals":
		total, _ := need("total").(string)
		var parts []string
		if l, ok := need("parts").([]any); ok {
			for _, p := range l {
				parts = append(parts, fmt.Sprint(p))
			}
		}
		tol, err := checkFloatArg(need("tolerance"))
		if err != nil {
			return Check{}, fmt.Errorf("tolerance: %v", err)
		}
		c = SumEquals(total, parts, tol)
	default:
		if _, ok := schemaRegistry.Load(name); ok {
			if v, ok := args["value"]; ok && len(args) == 1 {
				args = map[string]any{"value": v}
			}
			return NewRegisteredCheck(name, args)
		}
		return Check{}, fmt.Errorf("unknown check (not built in, not registered with RegisterCheck)")
	}
	for k := range args {
		if !used[k] {
			return Check{}, fmt.Errorf("unexpected argument %q", k)
		}
	}
	return c, nil
}
