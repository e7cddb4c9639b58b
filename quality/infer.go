package quality

import "slices"

// InferOptions tune InferSchemaWith.
type InferOptions struct {
	// MaxCategories is the most distinct values a text column may have to
	// get an isin check; 0 means 20, negative disables isin.
	MaxCategories int
	// MinRowsPerCategory requires at least this many non-null values per
	// distinct value before isin is inferred (0 means 2), so that a column
	// of mostly distinct values is not taken for categories.
	MinRowsPerCategory int
}

// InferSchema infers a schema from data, as pandera.infer_schema: each
// column's exact Arrow type, nullable when it holds a null (or NaN), an
// in_range check from the minimum and maximum of numeric and time columns
// (time bounds as text), an isin check for text columns of few distinct
// values, and coerce set as Pandera sets it. The schema is a starting
// point to edit, not a specification.
func InferSchema(t *Table) *Schema {
	return InferSchemaWith(t, InferOptions{})
}

// InferSchemaWith is InferSchema with options.
func InferSchemaWith(t *Table, o InferOptions) *Schema {
	if o.MaxCategories == 0 {
		o.MaxCategories = 20
	}
	if o.MinRowsPerCategory <= 0 {
		o.MinRowsPerCategory = 2
	}
	s := &Schema{Coerce: true}
	for _, col := range t.Columns() {
		st := col.Stats()
		cs := ColumnSchema{Name: col.Name, DType: DTypeOf(col.Type), Nullable: st.Nulls > 0 || st.NaNs > 0}
		switch col.Family() {
		case FamilyNumeric:
			if st.values() > 0 {
				if schemaIsInt(col.Type) {
					cs.Checks = append(cs.Checks, InRange(int64(st.Min), int64(st.Max)))
				} else {
					cs.Checks = append(cs.Checks, InRange(st.Min, st.Max))
				}
			}
		case FamilyTime:
			if st.values() > 0 {
				cs.Checks = append(cs.Checks, InRange(FormatMicros(int64(st.Min)), FormatMicros(int64(st.Max))))
			}
		case FamilyString:
			if vals := inferCategories(col, o); vals != nil {
				cs.Checks = append(cs.Checks, IsIn(vals))
			}
		}
		s.Columns = append(s.Columns, cs)
	}
	return s
}

// inferCategories returns the sorted distinct values of a text column when
// there are few enough, else nil.
func inferCategories(col *Column, o InferOptions) []string {
	nonNull := col.Stats().NonNull
	if o.MaxCategories < 0 || nonNull == 0 {
		return nil
	}
	seen := map[string]struct{}{}
	limit := min(int64(o.MaxCategories), nonNull/int64(o.MinRowsPerCategory))
	over := false
	col.EachString(func(_ int64, v string) {
		if over {
			return
		}
		if _, ok := seen[v]; !ok {
			seen[v] = struct{}{}
			over = int64(len(seen)) > limit
		}
	})
	if over || len(seen) == 0 {
		return nil
	}
	out := make([]string, 0, len(seen))
	for v := range seen {
		out = append(out, v)
	}
	slices.Sort(out)
	return out
}
