package quality

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
)

// stFullSchema uses every serializable feature.
func stFullSchema() *Schema {
	return &Schema{
		Name: "trips", Title: "Trips", Description: "one row per trip",
		Strict: true, Ordered: true, Coerce: false,
		Unique: []string{"vendor", "pickup"}, ReportDuplicates: ReportExcludeFirst,
		Columns: []ColumnSchema{
			{Name: "vendor", DType: DTypeOf(arrow.PrimitiveTypes.Int32), Coerce: true,
				Checks: []Check{IsIn(1, 2), NotIn(3)}},
			{Name: "pickup", DType: DTypeOf(&arrow.TimestampType{Unit: arrow.Microsecond}),
				Checks: []Check{InRange("2024-01-01", "2024-12-31 23:59:59")}},
			{Name: "dropoff", DType: DTypeOf(arrow.FixedWidthTypes.Timestamp_us), Nullable: true, Optional: true},
			{Name: "fare", DType: AnyNumeric, Title: "fare", Description: "USD",
				Checks: []Check{Ge(0.0), Le(1000), InRangeWith(-1.5, 2e6, false, true).WithMostly(0.99),
					Eq(2.5).WithIgnoreNA(false).WithError("flat fare"), Ne(-1), Gt(-1).WithWarning(true), Lt(1e7), Ge(0).WithMostly(0.5)}},
			{Name: "flag", DType: DTypeOf(arrow.BinaryTypes.String), Unique: true, ReportDuplicates: ReportExcludeLast,
				Checks: []Check{StrMatches(`^[YN]$`), StrContains(`Y|N`), StrStartsWith("Y"), StrEndsWith("N"),
					StrLength(1, 1), StrLength(-1, 3), IsIn("Y", "N"), UniqueValuesEq("Y", "N")}},
			{Name: "ok", DType: DTypeOf(arrow.FixedWidthTypes.Boolean), Checks: []Check{Eq(true)}},
			{Name: "any"},
		},
		Checks: []Check{ColumnCompare("dropoff", ">", "pickup"),
			SumEquals("total", []string{"fare", "tip"}, 0.01).WithIgnoreNA(false)},
	}
}

func TestSchemaRoundTrip(t *testing.T) {
	s := stFullSchema()
	for _, f := range []struct {
		name string
		to   func(*Schema) ([]byte, error)
		from func([]byte) (*Schema, error)
	}{
		{"yaml", (*Schema).ToYAML, SchemaFromYAML},
		{"json", (*Schema).ToJSON, SchemaFromJSON},
	} {
		data, err := f.to(s)
		if err != nil {
			t.Fatalf("%s: %v", f.name, err)
		}
		back, err := f.from(data)
		if err != nil {
			t.Fatalf("%s read: %v\n%s", f.name, err, data)
		}
		again, err := f.to(back)
		if err != nil {
			t.Fatal(err)
		}
		if string(again) != string(data) {
			t.Errorf("%s round trip differs:\n%s\n---\n%s", f.name, data, again)
		}
		if got, want := stSchemaDesc(back), stSchemaDesc(s); got != want {
			t.Errorf("%s round trip:\n got %s\nwant %s", f.name, got, want)
		}
	}
}

// stSchemaDesc renders everything a schema defines, for comparisons.
func stSchemaDesc(s *Schema) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s|%s|%s|%v|%v|%v|%v|%v|%s\n", s.Name, s.Title, s.Description, s.Strict, s.Ordered, s.Coerce, s.Unique, s.ReportDuplicates, stChecksDesc(s.Checks))
	for _, c := range s.Columns {
		fmt.Fprintf(&b, "%s|%s|%v|%v|%v|%v|%s|%s|%s|%s\n", c.Name, c.DType, c.Nullable, c.Unique, c.Coerce, c.Optional,
			c.ReportDuplicates, c.Title, c.Description, stChecksDesc(c.Checks))
	}
	return b.String()
}

func stChecksDesc(cs []Check) string {
	var parts []string
	for _, c := range cs {
		parts = append(parts, fmt.Sprintf("%s/%s/%v/%v/%v/%v", c.Name(), c, c.args, c.Mostly(), c.IgnoresNA(), c.Warns()))
	}
	return strings.Join(parts, ";")
}

func TestSchemaYAMLLayout(t *testing.T) {
	s := &Schema{Name: "z", Columns: []ColumnSchema{
		{Name: "id", DType: DTypeOf(arrow.PrimitiveTypes.Int64), Checks: []Check{InRange(1, 265), Gt(0)}},
	}}
	data, err := s.ToYAML()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"schema_type: dataframe\n",
		"columns:\n  id:\n",
		"    dtype: int64\n    nullable: false\n    checks:\n      in_range:\n        min_value: 1\n        max_value: 265\n        include_min: true\n        include_max: true\n      greater_than: 0\n",
		"    unique: false\n    coerce: false\n    required: true\n",
		"report_duplicates: all\n",
	} {
		if !strings.Contains(string(data), want) {
			t.Errorf("YAML lacks %q:\n%s", want, data)
		}
	}
}

func TestSchemaFromPanderaYAML(t *testing.T) {
	// As pandera's to_yaml writes it, plus the list form of newer versions
	// and Pandera's short check names.
	src := `
schema_type: dataframe
version: 0.20.4
columns:
  PULocationID:
    title: null
    description: null
    dtype: int32
    nullable: false
    checks:
      greater_than_or_equal_to: 1
      less_than_or_equal_to: 265
    unique: false
    coerce: true
    required: true
    regex: false
  store_and_fwd_flag:
    dtype: str
    nullable: true
    checks:
    - value: ["Y", "N"]
      options:
        check_name: isin
        raise_warning: false
        ignore_na: true
    - pattern: "[YN]"
      options: {check_name: str_matches}
  fare_amount:
    dtype: float64
    checks:
      between: {min_value: 0, max_value: 500, include_max: false}
      lt: 1000
checks: null
index: null
coerce: false
strict: false
name: null
ordered: false
unique: null
report_duplicates: all
`
	s, err := SchemaFromYAML([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range s.Columns {
		for _, ch := range c.Checks {
			names = append(names, c.Name+":"+ch.String())
		}
	}
	want := []string{
		"PULocationID:greater_than_or_equal_to(1)", "PULocationID:less_than_or_equal_to(265)",
		"store_and_fwd_flag:isin(['Y', 'N'])", "store_and_fwd_flag:str_matches('[YN]')",
		"fare_amount:in_range(0, 500)", "fare_amount:less_than(1000)",
	}
	if !slices.Equal(names, want) {
		t.Errorf("checks %q\nwant %q", names, want)
	}
	if !s.Columns[0].Coerce || s.Columns[1].DType.String() != "utf8" || !s.Columns[1].Nullable {
		t.Errorf("columns %+v", s.Columns)
	}
	if v, _ := s.Columns[2].Checks[0].Arg("include_max"); v != false {
		t.Errorf("include_max %v", v)
	}
}

func TestSchemaLoadErrors(t *testing.T) {
	for _, tc := range []struct {
		src  string
		want []string
	}{
		{"columns:\n  zone:\n    dtype: str\n    checks:\n      str_matches: '(\\w)\\1'\n",
			[]string{`column "zone"`, "str_matches", "back-references"}},
		{"columns:\n  zone:\n    checks:\n      str_contains: '(?<=a)b'\n", []string{`column "zone"`, "look-around"}},
		{"columns:\n  a:\n    checks:\n      no_such_check: 1\n", []string{`column "a"`, "no_such_check", "unknown check"}},
		{"columns:\n  a:\n    dtype: int65\n", []string{"int65"}},
		{"columns:\n  a:\n    checks:\n      in_range: {min_value: 1, max_value: 2, bogus: 3}\n", []string{"bogus"}},
		{"- not a mapping\n", []string{"mapping"}},
		{"strict: filter\ncolumns: {}\n", []string{"strict", "filter"}},
	} {
		_, err := SchemaFromYAML([]byte(tc.src))
		if err == nil {
			t.Errorf("%q: no error", tc.src)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("error %q lacks %q", err, w)
			}
		}
	}
	if _, err := SchemaFromJSON([]byte(`{"columns": {"z": {"checks": {"str_matches": "(a)\\1"}}}}`)); err == nil ||
		!strings.Contains(err.Error(), "back-references") {
		t.Errorf("JSON back-reference: %v", err)
	}
}

func TestSchemaCustomChecksSerialization(t *testing.T) {
	s := &Schema{Columns: []ColumnSchema{{Name: "a", Checks: []Check{
		CheckFloat("positive", func(v float64) bool { return v > 0 }), Gt(1)}}}}
	if _, err := s.ToYAML(); err == nil || !strings.Contains(err.Error(), "column a check positive") {
		t.Errorf("custom check serialized: %v", err)
	}
	if _, err := s.ToJSON(); err == nil {
		t.Error("custom check serialized to JSON")
	}
	RegisterCheck("divisible_by", func(args map[string]any) (Check, error) {
		n, ok := args["n"].(int64)
		if !ok || n == 0 {
			return Check{}, fmt.Errorf("n must be a non-zero integer")
		}
		return CheckFloat("divisible_by", func(v float64) bool { return int64(v)%n == 0 }), nil
	})
	div, err := NewRegisteredCheck("divisible_by", map[string]any{"n": 5})
	if err != nil {
		t.Fatal(err)
	}
	s.Columns[0].Checks[0] = div.WithMostly(0.5)
	data, err := s.ToYAML()
	if err != nil {
		t.Fatal(err)
	}
	back, err := SchemaFromYAML(data)
	if err != nil {
		t.Fatalf("%v\n%s", err, data)
	}
	tbl := stTable(t, nil, stc("a", stInt64, 5, 10, 12, 3))
	rep, _ := back.Validate(tbl, SchemaOptions{Lazy: true})
	if len(rep.Errors) != 0 {
		t.Errorf("registered check after round trip: %+v", rep.Errors)
	}
	back.Columns[0].Checks[0] = back.Columns[0].Checks[0].WithMostly(1)
	rep, _ = back.Validate(tbl, SchemaOptions{Lazy: true})
	if len(rep.RowFailures) != 1 || !slices.Equal(stRows(rep.RowFailures[0].Rows), []int64{2, 3}) {
		t.Errorf("registered check rows: %v", rep.RowFailures)
	}
	if _, err := NewRegisteredCheck("divisible_by", map[string]any{"n": 0}); err == nil {
		t.Error("factory error lost")
	}
}

func TestParseDType(t *testing.T) {
	for _, name := range []string{"int8", "int16", "int32", "int64", "uint8", "uint64", "float32", "float64",
		"utf8", "large_utf8", "binary", "bool", "date32", "date64", "timestamp[s]", "timestamp[ms]",
		"timestamp[us]", "timestamp[ns]", "timestamp[us, tz=UTC]", "timestamp[ns, tz=America/New_York]",
		"any_numeric", "any_time", "any_string"} {
		d, err := ParseDType(name)
		if err != nil || d.String() != name {
			t.Errorf("%s: %v %v", name, d, err)
		}
	}
	for alias, want := range map[string]string{"int": "int64", "str": "utf8", "string": "utf8",
		"datetime64[ns]": "timestamp[ns]", "boolean": "bool", "float": "float64", "": ""} {
		if d, err := ParseDType(alias); err != nil || d.String() != want {
			t.Errorf("%s: %v %v", alias, d, err)
		}
	}
}

func TestSchemaRoundTripTrickyValues(t *testing.T) {
	s := &Schema{Columns: []ColumnSchema{
		{Name: "s: odd \"name\"", Checks: []Check{IsIn("1", "true", "null", "", "it's", "a: b", "- x", "#"),
			Eq("0x10"), StrMatches(`^\d+(\.\d+)?$`)}},
		{Name: "n", Checks: []Check{IsIn(1, 2.5, -3, 1e300), Gt(0.1), Lt(-0.0001)}},
	}}
	for _, to := range []func(*Schema) ([]byte, error){(*Schema).ToYAML, (*Schema).ToJSON} {
		data, err := to(s)
		if err != nil {
			t.Fatal(err)
		}
		var back *Schema
		if data[0] == '{' {
			back, err = SchemaFromJSON(data)
		} else {
			back, err = SchemaFromYAML(data)
		}
		if err != nil {
			t.Fatalf("%v\n%s", err, data)
		}
		if got, want := stSchemaDesc(back), stSchemaDesc(s); got != want {
			t.Errorf("round trip:\n got %s\nwant %s\n%s", got, want, data)
		}
	}
}
