package quality

import (
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
)

// Schema is a Pandera DataFrameSchema for Arrow tables: the columns a table
// must have, with their types, nullability, uniqueness and checks, plus
// table-wide checks and options. Build it as a literal, then Compile it (or
// let Validate do so) to learn of definition errors such as a regular
// expression Go cannot run.
type Schema struct {
	// Name names the schema in reports (the column of table-wide failures).
	Name string
	// Columns are the expected columns.
	Columns []ColumnSchema
	// Checks are table-wide checks (ColumnCompare, SumEquals,
	// TableCheckFunc, RowCheck), Pandera's DataFrameSchema checks.
	Checks []Check
	// Unique lists columns whose combined values must be unique per row
	// (Pandera's unique=[a, b]).
	Unique []string
	// ReportDuplicates chooses which duplicate rows Unique reports.
	ReportDuplicates ReportDuplicates
	// Coerce converts every column to its DType before validating.
	Coerce bool
	// Strict rejects columns the schema does not name.
	Strict bool
	// Ordered requires the schema's columns in the table to come in the
	// schema's order.
	Ordered bool
	// Title and Description document the schema.
	Title, Description string
}

// ColumnSchema is a Pandera Column: the expectations on one column.
type ColumnSchema struct {
	// Name is the column's name in the table.
	Name string
	// DType is the expected Arrow type or family; the zero DType accepts
	// any type.
	DType DType
	// Nullable allows null values (and NaN in float columns, which count
	// as null here as in pandas). False by default, as in Pandera: nulls
	// fail the not_nullable check.
	Nullable bool
	// Unique requires distinct non-null values (check field_uniqueness).
	Unique bool
	// ReportDuplicates chooses which duplicates Unique reports.
	ReportDuplicates ReportDuplicates
	// Coerce converts the column to DType before validating; values that
	// do not convert are failures of check coerce_dtype('type') and become
	// null in the coerced column.
	Coerce bool
	// Optional lets the column be absent: Pandera's required=False.
	Optional bool
	// Checks are the column's checks, numbered from 0 in reports.
	Checks []Check
	// Title and Description document the column.
	Title, Description string
}

// ReportDuplicates is Pandera's report_duplicates: which rows of a group
// of equal values a uniqueness check reports.
type ReportDuplicates string

// The report modes; "" means ReportAll.
const (
	ReportAll          ReportDuplicates = "all"           // every row of the group
	ReportExcludeFirst ReportDuplicates = "exclude_first" // all but the first row
	ReportExcludeLast  ReportDuplicates = "exclude_last"  // all but the last row
)

func (r ReportDuplicates) valid() bool {
	return r == "" || r == ReportAll || r == ReportExcludeFirst || r == ReportExcludeLast
}

// DType is the type a column must have: one Arrow type, or any type of a
// family. The zero DType accepts any type.
type DType struct {
	// Type is the exact Arrow type; nil for a family or any type.
	Type arrow.DataType
	// Family is the accepted family when Type is nil.
	Family Family
}

// DTypeOf returns the DType of exactly t.
func DTypeOf(t arrow.DataType) DType { return DType{Type: t} }

// The family DTypes, for columns whose exact width or unit is free.
var (
	AnyNumeric = DType{Family: FamilyNumeric} // "any_numeric"
	AnyTime    = DType{Family: FamilyTime}    // "any_time"
	AnyString  = DType{Family: FamilyString}  // "any_string"
)

// IsZero reports whether d accepts any type.
func (d DType) IsZero() bool { return d.Type == nil && d.Family == FamilyOther }

// Matches reports whether type t satisfies d.
func (d DType) Matches(t arrow.DataType) bool {
	switch {
	case d.Type != nil:
		return arrow.TypeEqual(d.Type, t)
	case d.Family != FamilyOther:
		return FamilyOf(t) == d.Family
	}
	return true
}

// FamilyOf returns the family of the types d accepts.
func (d DType) FamilyOf() Family {
	if d.Type != nil {
		return FamilyOf(d.Type)
	}
	return d.Family
}

var schemaFamilyNames = map[Family]string{
	FamilyNumeric: "any_numeric", FamilyTime: "any_time", FamilyString: "any_string", FamilyBool: "bool",
}

// String names d as ParseDType reads it: the Arrow type's name ("int64",
// "utf8", "timestamp[us, tz=UTC]"), a family ("any_numeric", "any_time",
// "any_string"), or "" for any type.
func (d DType) String() string {
	if d.Type != nil {
		return d.Type.String()
	}
	return schemaFamilyNames[d.Family]
}

// ParseDType reads a DType from its name: an Arrow type name (int8 ...
// uint64, float16/32/64, utf8, large_utf8, binary, bool, date32, date64,
// timestamp[unit] or timestamp[unit, tz=zone]), a family (any_numeric,
// any_time, any_string), or a Pandera/pandas alias (int, float, str,
// string, boolean, datetime64[ns], datetime). "" is any type.
func ParseDType(s string) (DType, error) {
	s = strings.TrimSpace(s)
	switch s {
	case "":
		return DType{}, nil
	case "any_numeric":
		return AnyNumeric, nil
	case "any_time":
		return AnyTime, nil
	case "any_string":
		return AnyString, nil
	case "int":
		s = "int64"
	case "float", "double":
		s = "float64"
	case "str", "string":
		s = "utf8"
	case "large_string":
		s = "large_utf8"
	case "boolean":
		s = "bool"
	case "datetime":
		s = "timestamp[us]"
	}
	if strings.HasPrefix(s, "datetime64[") {
		s = "timestamp[" + strings.TrimPrefix(s, "datetime64[")
	}
	for _, t := range []arrow.DataType{
		arrow.PrimitiveTypes.Int8, arrow.PrimitiveTypes.Int16, arrow.PrimitiveTypes.Int32, arrow.PrimitiveTypes.Int64,
		arrow.PrimitiveTypes.Uint8, arrow.PrimitiveTypes.Uint16, arrow.PrimitiveTypes.Uint32, arrow.PrimitiveTypes.Uint64,
		arrow.FixedWidthTypes.Float16, arrow.PrimitiveTypes.Float32, arrow.PrimitiveTypes.Float64,
		arrow.BinaryTypes.String, arrow.BinaryTypes.LargeString, arrow.BinaryTypes.StringView,
		arrow.BinaryTypes.Binary, arrow.BinaryTypes.LargeBinary, arrow.FixedWidthTypes.Boolean,
		arrow.FixedWidthTypes.Date32, arrow.FixedWidthTypes.Date64,
	} {
		if t.String() == s {
			return DType{Type: t}, nil
		}
	}
	if rest, ok := strings.CutPrefix(s, "timestamp["); ok && strings.HasSuffix(rest, "]") {
		unit, tz, _ := strings.Cut(strings.TrimSuffix(rest, "]"), ",")
		tz = strings.TrimPrefix(strings.TrimSpace(tz), "tz=")
		for _, u := range []arrow.TimeUnit{arrow.Second, arrow.Millisecond, arrow.Microsecond, arrow.Nanosecond} {
			if u.String() == strings.TrimSpace(unit) {
				return DType{Type: &arrow.TimestampType{Unit: u, TimeZone: tz}}, nil
			}
		}
	}
	return DType{}, fmt.Errorf("quality: unknown dtype %q", s)
}

// Compile checks the schema's definition: column names unique, every check
// well formed (a regular expression Go cannot run is an error naming the
// check and column), column checks applicable to the column's DType, and
// table-wide checks only among the table checks. Validate calls it.
func (s *Schema) Compile() error {
	var errs []string
	bad := func(format string, a ...any) { errs = append(errs, fmt.Sprintf(format, a...)) }
	seen := map[string]bool{}
	for _, cs := range s.Columns {
		if seen[cs.Name] {
			bad("column %q is defined twice", cs.Name)
		}
		seen[cs.Name] = true
		if !cs.ReportDuplicates.valid() {
			bad("column %q: report_duplicates %q is not all, exclude_first or exclude_last", cs.Name, cs.ReportDuplicates)
		}
		for i, c := range cs.Checks {
			switch {
			case c.name == "":
				bad("column %q: check %d is empty", cs.Name, i)
			case c.err != nil:
				bad("column %q: check %d %s: %v", cs.Name, i, c, c.err)
			case c.table:
				bad("column %q: check %d %s is a table-wide check; put it in Schema.Checks", cs.Name, i, c)
			case !c.IsCustom() && cs.DType.FamilyOf() != FamilyOther:
				if err := checkApplies(c, cs.DType.FamilyOf()); err != nil {
					bad("column %q (%s): check %d %s: %v", cs.Name, cs.DType, i, c, err)
				}
			}
		}
	}
	for i, c := range s.Checks {
		switch {
		case c.name == "":
			bad("table check %d is empty", i)
		case c.err != nil:
			bad("table check %d %s: %v", i, c, c.err)
		case !c.table:
			bad("table check %d %s is a column check; put it in a ColumnSchema", i, c)
		}
	}
	if !s.ReportDuplicates.valid() {
		bad("report_duplicates %q is not all, exclude_first or exclude_last", s.ReportDuplicates)
	}
	if len(errs) > 0 {
		return fmt.Errorf("quality: schema %s: %s", s.displayName(), strings.Join(errs, "; "))
	}
	return nil
}

func (s *Schema) displayName() string {
	if s.Name == "" {
		return "DataFrameSchema"
	}
	return s.Name
}

// Column returns the schema of the named column.
func (s *Schema) Column(name string) (*ColumnSchema, bool) {
	for i := range s.Columns {
		if s.Columns[i].Name == name {
			return &s.Columns[i], true
		}
	}
	return nil, false
}
