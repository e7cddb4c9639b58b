package quality

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
)

// SchemaOptions tune Schema.Validate.
type SchemaOptions struct {
	// Lazy runs every check and reports all failures in a *SchemaErrors,
	// Pandera's lazy=True. Otherwise validation stops at the first failed
	// check and returns it as a *SchemaError.
	Lazy bool
	// MaxFailureCases caps the failure cases kept per failed check (Pandera's
	// n_failure_cases); 0 keeps all. RowFailures always hold every row.
	MaxFailureCases int
}

// schemaFailure is one failed check found by a validation task.
type schemaFailure struct {
	err  SchemaError
	rows *RowSet   // failing rows; nil for structural failures
	cols []*Column // columns whose values the cases show
	agg  any       // the single failure case of a row-less failure
	warn bool      // a check with raise_warning: a warning, not an error
}

// Validate validates t against the schema. It returns the report and nil
// when t passes; the report and a *SchemaErrors (lazy) or *SchemaError
// (eager) when it fails; nil and an error when the schema is ill-defined.
// Columns are checked in parallel, at most GOMAXPROCS at a time. With
// coercion the report's Table is the coerced copy: Release the report.
func (s *Schema) Validate(t *Table, opts SchemaOptions) (*SchemaReport, error) {
	if err := s.Compile(); err != nil {
		return nil, err
	}
	rep := &SchemaReport{Schema: s.displayName(), Table: t}
	var found [][]schemaFailure
	stop := func() bool {
		if opts.Lazy {
			return false
		}
		for _, f := range found {
			if schemaHasError(f) {
				return true
			}
		}
		return false
	}
	found = append(found, s.structure(t))
	if !stop() {
		cols := make([]*Column, len(s.Columns))
		colFails := make([][]schemaFailure, len(s.Columns))
		schemaParallel(len(s.Columns), !opts.Lazy, func(i int) bool {
			cols[i], colFails[i] = s.validateColumn(t, i, !opts.Lazy)
			return schemaHasError(colFails[i])
		})
		found = append(found, colFails...)
		if tt := schemaReplace(t, cols); tt != t {
			rep.Table, rep.ownTable = tt, true
		}
	}
	if !stop() {
		tableFails := make([][]schemaFailure, len(s.Checks)+1)
		schemaParallel(len(tableFails), !opts.Lazy, func(i int) bool {
			if i == len(s.Checks) {
				tableFails[i] = s.multiUnique(rep.Table)
			} else {
				tableFails[i] = s.tableCheck(rep.Table, i)
			}
			return schemaHasError(tableFails[i])
		})
		found = append(found, tableFails...)
	}
	for _, fs := range found {
		for _, f := range fs {
			rep.add(f, opts.MaxFailureCases)
			if !opts.Lazy && !f.warn {
				e := rep.Errors[0]
				return rep, &e
			}
		}
	}
	if len(rep.Errors) > 0 {
		return rep, &SchemaErrors{Report: rep}
	}
	return rep, nil
}

// structure checks column presence, strictness and order.
func (s *Schema) structure(t *Table) []schemaFailure {
	var out []schemaFailure
	name := s.displayName()
	fail := func(reason, check, col, msg string) {
		out = append(out, schemaFailure{err: SchemaError{Reason: reason, SchemaContext: ContextDataFrame,
			Column: s.Name, Check: check, CheckNumber: -1, Message: msg}, agg: col})
	}
	for _, cs := range s.Columns {
		if _, ok := t.Column(cs.Name); !ok && !cs.Optional {
			fail(ReasonColumnNotInDataFrame, "column_in_dataframe", cs.Name,
				fmt.Sprintf("column %q not in dataframe. Columns in dataframe: %q", cs.Name, t.ColumnNames()))
		}
	}
	last := -1
	for _, name2 := range t.ColumnNames() {
		pos := -1
		for i, cs := range s.Columns {
			if cs.Name == name2 {
				pos = i
			}
		}
		switch {
		case pos < 0 && s.Strict:
			fail(ReasonColumnNotInSchema, "column_in_schema", name2,
				fmt.Sprintf("column %q not in DataFrameSchema %s", name2, name))
		case pos >= 0 && s.Ordered && pos < last:
			fail(ReasonColumnNotOrdered, "column_ordered", name2,
				fmt.Sprintf("column %q out-of-order", name2))
		case pos >= 0:
			last = max(last, pos)
		}
	}
	return out
}

// validateColumn coerces and checks schema column i, returning the column
// validated (coerced or not; nil when absent) and its failures. When eager
// it stops at the first failure.
func (s *Schema) validateColumn(t *Table, i int, eager bool) (*Column, []schemaFailure) {
	cs := &s.Columns[i]
	col, ok := t.Column(cs.Name)
	if !ok {
		return nil, nil
	}
	var out []schemaFailure
	colErr := func(reason, check string, num int) SchemaError {
		return SchemaError{Reason: reason, SchemaContext: ContextColumn, Column: cs.Name, Check: check, CheckNumber: num}
	}
	var coerceFailed *RowSet
	if (cs.Coerce || s.Coerce) && !cs.DType.IsZero() && !cs.DType.Matches(col.Type) {
		to := schemaCoerceTarget(cs.DType, col.Type)
		nc, bad, err := schemaCoerce(col, to)
		if err != nil {
			e := colErr(ReasonDatatypeCoercion, fmt.Sprintf("coerce_dtype('%s')", to), -1)
			e.Message = err.Error()
			return col, []schemaFailure{{err: e, agg: col.Type.String()}}
		}
		if bad != nil && bad.Count() > 0 {
			e := colErr(ReasonDatatypeCoercion, fmt.Sprintf("coerce_dtype('%s')", to), -1)
			e.Message = fmt.Sprintf("could not coerce column %q (%s) to %s:", cs.Name, col.Type, to)
			out = append(out, schemaFailure{err: e, rows: bad, cols: []*Column{col}})
			coerceFailed = bad
			if eager {
				return nc, out
			}
		}
		col = nc
	}
	if !cs.DType.Matches(col.Type) {
		e := colErr(ReasonWrongDatatype, fmt.Sprintf("dtype('%s')", cs.DType), -1)
		e.Message = fmt.Sprintf("expected series %q to have type %s, got %s", cs.Name, cs.DType, col.Type)
		out = append(out, schemaFailure{err: e, agg: col.Type.String()})
		if eager {
			return col, out
		}
	}
	na, naN := schemaNARows(col)
	if !cs.Nullable && naN > 0 {
		rows := NewRowSet(col.Len())
		rows.Union(na)
		checkRemove(rows, coerceFailed)
		if rows.Count() > 0 {
			e := colErr(ReasonSeriesContainsNulls, "not_nullable", -1)
			e.Message = fmt.Sprintf("non-nullable series %q contains null values:", cs.Name)
			out = append(out, schemaFailure{err: e, rows: rows, cols: []*Column{col}})
			if eager {
				return col, out
			}
		}
	}
	if cs.Unique {
		if rows := schemaDuplicates([]*Column{col}, cs.ReportDuplicates, na); rows.Count() > 0 {
			e := colErr(ReasonSeriesContainsDuplicates, "field_uniqueness", -1)
			e.Message = fmt.Sprintf("series %q contains duplicate values:", cs.Name)
			out = append(out, schemaFailure{err: e, rows: rows, cols: []*Column{col}})
			if eager {
				return col, out
			}
		}
	}
	for k, c := range cs.Checks {
		res := c.runOnColumn(col, na, naN)
		if !res.failed() {
			continue
		}
		e := colErr(ReasonDataFrameCheck, c.String(), k)
		f := schemaFailure{err: e, rows: res.fail, cols: []*Column{col}, warn: c.warn}
		switch {
		case res.err != nil:
			f.err.Reason = ReasonCheckError
			f.err.Message = fmt.Sprintf("error in check %s on column %q: %v", c, cs.Name, res.err)
			f.rows, f.agg = nil, res.err.Error()
		case res.agg:
			f.rows, f.agg = nil, false
		}
		out = append(out, f)
		if eager && !c.warn {
			return col, out
		}
	}
	return col, out
}

// schemaNARows returns the rows of a column that are null or NaN, nil when
// there are none, and how many there are.
func schemaNARows(col *Column) (*RowSet, int64) {
	st := col.Stats()
	if st.Nulls == 0 && st.NaNs == 0 {
		return nil, 0
	}
	na := NewRowSet(col.Len())
	col.EachNull(na.Add)
	if st.NaNs > 0 {
		col.EachFloat(func(row int64, v float64) {
			if v != v {
				na.Add(row)
			}
		})
	}
	return na, st.Nulls + st.NaNs
}

// tableCheck runs table check i.
func (s *Schema) tableCheck(t *Table, i int) []schemaFailure {
	c := s.Checks[i]
	res := c.runOnTable(t)
	if !res.failed() {
		return nil
	}
	e := SchemaError{Reason: ReasonDataFrameCheck, SchemaContext: ContextDataFrame, Column: s.Name,
		Check: c.String(), CheckNumber: i}
	if res.err != nil {
		e.Reason = ReasonCheckError
		e.Message = fmt.Sprintf("error in check %s: %v", c, res.err)
		return []schemaFailure{{err: e, agg: res.err.Error(), warn: c.warn}}
	}
	var cols []*Column
	for _, name := range c.columns {
		col, _ := t.Column(name)
		cols = append(cols, col)
	}
	return []schemaFailure{{err: e, rows: res.fail, cols: cols, warn: c.warn}}
}

// multiUnique checks the uniqueness of Schema.Unique's combined columns.
func (s *Schema) multiUnique(t *Table) []schemaFailure {
	if len(s.Unique) == 0 {
		return nil
	}
	e := SchemaError{Reason: ReasonDuplicates, SchemaContext: ContextDataFrame, Column: s.Name,
		Check: "multiple_fields_uniqueness", CheckNumber: -1}
	var cols []*Column
	for _, name := range s.Unique {
		col, ok := t.Column(name)
		if !ok {
			return nil // reported as a missing column, or optional
		}
		cols = append(cols, col)
	}
	rows := schemaDuplicates(cols, s.ReportDuplicates, nil)
	if rows.Count() == 0 {
		return nil
	}
	e.Message = fmt.Sprintf("columns %q not unique:", s.Unique)
	return []schemaFailure{{err: e, rows: rows, cols: cols}}
}

// schemaReplace returns t with the columns of cols that differ from t's,
// or t itself when none does.
func schemaReplace(t *Table, cols []*Column) *Table {
	repl := map[string]*Column{}
	for _, c := range cols {
		if c == nil {
			continue
		}
		if orig, ok := t.Column(c.Name); ok && c != orig {
			repl[c.Name] = c
		}
	}
	if len(repl) == 0 {
		return t
	}
	nt := &Table{index: map[string]int{}, rows: t.rows}
	fields := make([]arrow.Field, 0, len(t.cols))
	for i, orig := range t.cols {
		c, ok := repl[orig.Name]
		if !ok {
			c = &Column{Name: orig.Name, Type: orig.Type, len: orig.len}
			for _, ch := range orig.chunks {
				ch.Array.Retain()
				c.chunks = append(c.chunks, ch)
			}
		}
		f := t.schema.Field(i)
		f.Type = c.Type
		fields = append(fields, f)
		nt.cols = append(nt.cols, c)
		nt.index[c.Name] = i
	}
	md := t.schema.Metadata()
	nt.schema = arrow.NewSchema(fields, &md)
	return nt
}
