package quality

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
)

// SchemaFormatVersion is written as the version of serialized schemas.
const SchemaFormatVersion = "opus-quality/1"

// ToYAML serializes the schema in Pandera's YAML layout: schema_type,
// columns (name: dtype, nullable, checks, unique, coerce, required), checks,
// and the schema options. Checks are written as Pandera does,
// "check_name: statistics" (in_range: {min_value: 1, max_value: 265}), with
// options (ignore_na, mostly, error) under "options"; a column repeating a
// check name uses Pandera's list form. Custom Go checks cannot be written:
// ToYAML returns an error naming them unless they were made by
// NewRegisteredCheck.
func (s *Schema) ToYAML() ([]byte, error) {
	doc, err := s.schemaDoc()
	if err != nil {
		return nil, err
	}
	return schemaEncodeYAML(doc)
}

// ToJSON serializes the schema as ToYAML does, in JSON.
func (s *Schema) ToJSON() ([]byte, error) {
	doc, err := s.schemaDoc()
	if err != nil {
		return nil, err
	}
	return schemaEncodeJSON(doc)
}

// SchemaFromYAML reads a schema written by ToYAML or by Pandera
// (to_yaml) and compiles it: a regular expression Go cannot run is an
// error naming its check and column.
func SchemaFromYAML(data []byte) (*Schema, error) {
	v, err := schemaDecodeYAML(data)
	if err != nil {
		return nil, fmt.Errorf("quality: reading YAML schema: %w", err)
	}
	return schemaFromDoc(v)
}

// SchemaFromJSON reads a schema written by ToJSON or by Pandera (to_json).
func SchemaFromJSON(data []byte) (*Schema, error) {
	v, err := schemaDecodeJSON(data)
	if err != nil {
		return nil, fmt.Errorf("quality: reading JSON schema: %w", err)
	}
	return schemaFromDoc(v)
}

var schemaRegistry sync.Map // name -> func(map[string]any) (Check, error)

// RegisterCheck registers a custom check under a name, as Pandera's
// register_check_method, so that schemas using it serialize: build turns
// the check's arguments into the check. Arguments arrive normalized as
// YAML and JSON give them: int64, float64, string, bool, nil or []any.
func RegisterCheck(name string, build func(args map[string]any) (Check, error)) {
	schemaRegistry.Store(name, build)
}

// NewRegisteredCheck builds a check registered with RegisterCheck; it
// serializes as name with args.
func NewRegisteredCheck(name string, args map[string]any) (Check, error) {
	f, ok := schemaRegistry.Load(name)
	if !ok {
		return Check{}, fmt.Errorf("quality: no check registered as %q", name)
	}
	norm := make(map[string]any, len(args))
	keys := make([]string, 0, len(args))
	for k, v := range args {
		n, err := checkNormalize(v)
		if err != nil {
			return Check{}, fmt.Errorf("quality: check %s: %w", name, err)
		}
		norm[k] = n
		keys = append(keys, k)
	}
	c, err := f.(func(map[string]any) (Check, error))(norm)
	if err != nil {
		return Check{}, fmt.Errorf("quality: check %s: %w", name, err)
	}
	c.name, c.args, c.registered = name, nil, true
	slices.Sort(keys)
	for _, k := range keys {
		c.args = append(c.args, checkArg{k, norm[k]})
	}
	return c, nil
}

func (s *Schema) schemaDoc() (schemaOMap, error) {
	var custom []string
	checksDoc := func(where string, cs []Check) any {
		if len(cs) == 0 {
			return nil
		}
		seen := map[string]bool{}
		dup := false
		var items []schemaKV
		for _, c := range cs {
			if c.IsCustom() && !c.registered {
				custom = append(custom, fmt.Sprintf("%s check %s", where, c))
				continue
			}
			dup = dup || seen[c.name]
			seen[c.name] = true
			items = append(items, schemaKV{c.name, schemaCheckStats(c)})
		}
		if !dup {
			return schemaOMap(items)
		}
		list := []any{}
		for _, kv := range items {
			m, ok := kv.v.(schemaOMap)
			if !ok {
				m = schemaOMap{{"value", kv.v}}
			}
			opts, _ := m.get("options")
			om, _ := opts.(schemaOMap)
			m = append(slices.DeleteFunc(slices.Clone(m), func(x schemaKV) bool { return x.k == "options" }),
				schemaKV{"options", append(schemaOMap{{"check_name", kv.k}}, om...)})
			list = append(list, m)
		}
		return list
	}
	str := func(x string) any {
		if x == "" {
			return nil
		}
		return x
	}
	var cols schemaOMap
	for _, cs := range s.Columns {
		var dt any
		if !cs.DType.IsZero() {
			dt = cs.DType.String()
		}
		col := schemaOMap{{"title", str(cs.Title)}, {"description", str(cs.Description)}, {"dtype", dt},
			{"nullable", cs.Nullable}, {"checks", checksDoc("column "+cs.Name, cs.Checks)},
			{"unique", cs.Unique}, {"coerce", cs.Coerce}, {"required", !cs.Optional}}
		if cs.ReportDuplicates != "" && cs.ReportDuplicates != ReportAll {
			col = append(col, schemaKV{"report_duplicates", string(cs.ReportDuplicates)})
		}
		cols = append(cols, schemaKV{cs.Name, col})
	}
	var unique any
	if len(s.Unique) > 0 {
		u := []any{}
		for _, c := range s.Unique {
			u = append(u, c)
		}
		unique = u
	}
	rd := string(s.ReportDuplicates)
	if rd == "" {
		rd = string(ReportAll)
	}
	doc := schemaOMap{{"schema_type", "dataframe"}, {"version", SchemaFormatVersion},
		{"columns", cols}, {"checks", checksDoc("table", s.Checks)}, {"index", nil}, {"dtype", nil},
		{"coerce", s.Coerce}, {"strict", s.Strict}, {"name", str(s.Name)}, {"ordered", s.Ordered},
		{"unique", unique}, {"report_duplicates", rd}, {"unique_column_names", false},
		{"add_missing_columns", false}, {"title", str(s.Title)}, {"description", str(s.Description)}}
	if len(custom) > 0 {
		return nil, fmt.Errorf("quality: schema %s: custom Go checks cannot be serialized (register them with RegisterCheck): %s",
			s.displayName(), strings.Join(custom, ", "))
	}
	return doc, nil
}

// schemaCheckStats writes a check's statistics: a scalar for one-argument
// checks without options, else a mapping of arguments and options.
func schemaCheckStats(c Check) any {
	var opts schemaOMap
	if c.keepNA {
		opts = append(opts, schemaKV{"ignore_na", false})
	}
	if c.mostly > 0 && c.mostly < 1 {
		opts = append(opts, schemaKV{"mostly", c.mostly})
	}
	if c.label != "" {
		opts = append(opts, schemaKV{"error", c.label})
	}
	if c.warn {
		opts = append(opts, schemaKV{"raise_warning", true})
	}
	args := schemaOMap{}
	for _, a := range c.args {
		v := a.val
		if t, ok := v.(time.Time); ok {
			v = t.UTC().Format("2006-01-02 15:04:05")
		}
		if l, ok := v.([]any); ok {
			l2 := make([]any, len(l))
			for i, e := range l {
				if t, ok := e.(time.Time); ok {
					e = t.UTC().Format("2006-01-02 15:04:05")
				}
				l2[i] = e
			}
			v = l2
		}
		args = append(args, schemaKV{a.key, v})
	}
	if len(args) == 1 && len(opts) == 0 && !c.registered {
		return args[0].v
	}
	if len(opts) > 0 {
		args = append(args, schemaKV{"options", opts})
	}
	return args
}
