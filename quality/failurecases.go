package quality

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Pandera's reason codes (SchemaErrorReason names), the keys of error
// counts and of the second level of SchemaReport.Summary.
const (
	ReasonColumnNotInDataFrame     = "COLUMN_NOT_IN_DATAFRAME"
	ReasonColumnNotInSchema        = "COLUMN_NOT_IN_SCHEMA"
	ReasonColumnNotOrdered         = "COLUMN_NOT_ORDERED"
	ReasonWrongDatatype            = "WRONG_DATATYPE"
	ReasonDatatypeCoercion         = "DATATYPE_COERCION"
	ReasonSeriesContainsNulls      = "SERIES_CONTAINS_NULLS"
	ReasonSeriesContainsDuplicates = "SERIES_CONTAINS_DUPLICATES"
	ReasonDuplicates               = "DUPLICATES"
	ReasonDataFrameCheck           = "DATAFRAME_CHECK"
	ReasonCheckError               = "CHECK_ERROR"
)

// The error categories of Pandera's error reports.
const (
	CategorySchema = "SCHEMA"
	CategoryData   = "DATA"
)

// ReasonCategory returns Pandera's category of a reason code: SCHEMA for
// structural problems (missing, extra or misordered columns, wrong types,
// and, as in Pandera, nulls in a non-nullable column), DATA otherwise.
func ReasonCategory(reason string) string {
	switch reason {
	case ReasonColumnNotInDataFrame, ReasonColumnNotInSchema, ReasonColumnNotOrdered,
		ReasonWrongDatatype, ReasonSeriesContainsNulls:
		return CategorySchema
	}
	return CategoryData
}

// Pandera's schema_context values.
const (
	ContextColumn    = "Column"
	ContextDataFrame = "DataFrameSchema"
)

// FailureCase is one row of Pandera's failure-cases table: one failing
// value, or one structural failure.
type FailureCase struct {
	SchemaContext string `json:"schema_context"` // "Column" or "DataFrameSchema"
	Column        string `json:"column"`         // the column, or the schema's name for table-level cases
	Check         string `json:"check"`          // the rendered check, such as "in_range(1, 265)" or "not_nullable"
	CheckNumber   int    `json:"check_number"`   // index of the check in its list; -1 for none (Pandera's None)
	FailureCase   any    `json:"failure_case"`   // the failing value as Column.Value gives it; nil for null
	Index         int64  `json:"index"`          // the failing row; -1 for none (Pandera's None)
}

// MarshalJSON writes the case as a record of Pandera's failure-cases
// table: check_number and index null when absent, a NaN failure case as
// the text "nan".
func (c FailureCase) MarshalJSON() ([]byte, error) {
	var num, idx, fc any
	if c.CheckNumber >= 0 {
		num = c.CheckNumber
	}
	if c.Index >= 0 {
		idx = c.Index
	}
	fc = c.FailureCase
	if f, ok := fc.(float64); ok && (math.IsNaN(f) || math.IsInf(f, 0)) {
		fc = FailureCaseText(f)
	}
	return json.Marshal(struct {
		SchemaContext string `json:"schema_context"`
		Column        string `json:"column"`
		Check         string `json:"check"`
		CheckNumber   any    `json:"check_number"`
		FailureCase   any    `json:"failure_case"`
		Index         any    `json:"index"`
	}{c.SchemaContext, c.Column, c.Check, num, fc, idx})
}

// SchemaError is one failed check, Pandera's SchemaError. Eager validation
// returns the first as its error; lazy validation collects all of them.
type SchemaError struct {
	Category      string        `json:"category"`            // CategorySchema or CategoryData
	Reason        string        `json:"reason_code"`         // a Reason* code
	SchemaContext string        `json:"schema_context"`      // ContextColumn or ContextDataFrame
	Column        string        `json:"column"`              // the column, or the schema's name
	Check         string        `json:"check"`               // the rendered check
	CheckNumber   int           `json:"check_number"`        // -1 for none
	Message       string        `json:"error"`               // Pandera-style message with the first cases
	FailureCount  int64         `json:"failure_cases_count"` // failing values (rows, for row checks)
	FailureCases  []FailureCase `json:"-"`                   // this error's cases
}

// Error returns the message.
func (e *SchemaError) Error() string { return "quality: " + e.Message }

// SchemaReport is the outcome of validating a table against a schema.
type SchemaReport struct {
	// Schema is the schema's name.
	Schema string
	// Table is the validated table: the input, or its coerced copy when
	// coercion changed a column (see Release and Records).
	Table *Table
	// Errors are the failed checks in validation order.
	Errors []SchemaError
	// Warnings are the failed checks that only warn (WithWarning,
	// Pandera's raise_warning=True), with their failure cases; they are
	// not in FailureCases or RowFailures and do not fail validation.
	Warnings []SchemaError
	// FailureCases are Pandera's failure cases of all errors.
	FailureCases []FailureCase
	// RowFailures name the failing rows of every failed row-level check
	// (checks, not_nullable, field_uniqueness, coerce_dtype, multi-column
	// uniqueness), for Quarantine. Structural failures have no rows.
	RowFailures []RowFailure
	ownTable    bool
}

// Valid reports whether nothing failed.
func (r *SchemaReport) Valid() bool { return len(r.Errors) == 0 }

// Release releases the coerced table, if validation made one.
func (r *SchemaReport) Release() {
	if r.ownTable && r.Table != nil {
		r.Table.Release()
		r.Table = nil
	}
}

// ErrorCounts counts failed checks by reason code, Pandera's
// SchemaErrors.error_counts.
func (r *SchemaReport) ErrorCounts() map[string]int {
	out := map[string]int{}
	for _, e := range r.Errors {
		out[e.Reason]++
	}
	return out
}

// ErrorSummary is one entry of Pandera's error report.
type ErrorSummary struct {
	Schema string `json:"schema"` // the schema's name
	Column string `json:"column"` // the column, or the schema's name
	Check  string `json:"check"`  // the rendered check
	Error  string `json:"error"`  // the message
}

// Summary groups the errors as Pandera's error report (SchemaErrors
// message): category ("SCHEMA", "DATA") to reason code to errors.
func (r *SchemaReport) Summary() map[string]map[string][]ErrorSummary {
	out := map[string]map[string][]ErrorSummary{}
	for _, e := range r.Errors {
		if out[e.Category] == nil {
			out[e.Category] = map[string][]ErrorSummary{}
		}
		out[e.Category][e.Reason] = append(out[e.Category][e.Reason],
			ErrorSummary{Schema: r.Schema, Column: e.Column, Check: e.Check, Error: e.Message})
	}
	return out
}

// FailureCasesSchema is the Arrow schema of the failure-cases table:
// Pandera's columns, failure_case as text (null for null values).
var FailureCasesSchema = arrow.NewSchema([]arrow.Field{
	{Name: "schema_context", Type: arrow.BinaryTypes.String},
	{Name: "column", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "check", Type: arrow.BinaryTypes.String},
	{Name: "check_number", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
	{Name: "failure_case", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "index", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
}, nil)

// FailureCasesRecord returns the failure cases as an Arrow record batch
// of FailureCasesSchema; the caller releases it. A nil mem uses the default
// allocator.
func (r *SchemaReport) FailureCasesRecord(mem memory.Allocator) arrow.RecordBatch {
	return FailureCasesRecord(mem, r.FailureCases)
}

// FailureCasesRecord builds the Arrow failure-cases table of cases.
func FailureCasesRecord(mem memory.Allocator, cases []FailureCase) arrow.RecordBatch {
	if mem == nil {
		mem = memory.DefaultAllocator
	}
	b := array.NewRecordBuilder(mem, FailureCasesSchema)
	defer b.Release()
	ctx := b.Field(0).(*array.StringBuilder)
	col := b.Field(1).(*array.StringBuilder)
	chk := b.Field(2).(*array.StringBuilder)
	num := b.Field(3).(*array.Int32Builder)
	fc := b.Field(4).(*array.StringBuilder)
	idx := b.Field(5).(*array.Int64Builder)
	for _, c := range cases {
		ctx.Append(c.SchemaContext)
		if c.Column == "" {
			col.AppendNull()
		} else {
			col.Append(c.Column)
		}
		chk.Append(c.Check)
		if c.CheckNumber < 0 {
			num.AppendNull()
		} else {
			num.Append(int32(c.CheckNumber))
		}
		if c.FailureCase == nil {
			fc.AppendNull()
		} else {
			fc.Append(FailureCaseText(c.FailureCase))
		}
		if c.Index < 0 {
			idx.AppendNull()
		} else {
			idx.Append(c.Index)
		}
	}
	return b.NewRecordBatch()
}

// FailureCaseText renders a failure case as text, as Python's str() would.
func FailureCaseText(v any) string {
	switch x := v.(type) {
	case float64:
		return checkPyFloat(x)
	case int64:
		return strconv.FormatInt(x, 10)
	}
	return checkPyStr(v)
}

// SchemaErrors is the error of lazy validation, Pandera's SchemaErrors: it
// holds the report with every failure.
type SchemaErrors struct {
	Report *SchemaReport // every failure of the run
}

// Error returns Pandera's error report as indented JSON.
func (e *SchemaErrors) Error() string {
	b, _ := json.MarshalIndent(e.Report.Summary(), "", "    ")
	return "quality: schema " + e.Report.Schema + " failed validation:\n" + string(b)
}

// ErrorCounts counts failed checks by reason code.
func (e *SchemaErrors) ErrorCounts() map[string]int { return e.Report.ErrorCounts() }

// FailureCases returns all failure cases.
func (e *SchemaErrors) FailureCases() []FailureCase { return e.Report.FailureCases }

// schemaCasesText abbreviates failure cases for messages.
func schemaCasesText(cases []FailureCase) string {
	var parts []string
	for i, c := range cases {
		if i == 10 {
			parts = append(parts, fmt.Sprintf("... (%d more)", len(cases)-10))
			break
		}
		if c.FailureCase == nil {
			parts = append(parts, "None")
		} else {
			parts = append(parts, FailureCaseText(c.FailureCase))
		}
	}
	return strings.Join(parts, ", ")
}
