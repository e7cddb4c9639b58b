package quality

import (
	"cmp"
	"fmt"
	"slices"
)

// gxMapInput is what a map expectation found, for gxFormatMap.
type gxMapInput struct {
	success      bool
	elementCount int64
	// nonnull is the number of rows considered; -1 for not_be_null and
	// be_null, which GX reports without the missing keys.
	nonnull    int64
	unexpected *RowSet
	// value boxes the reported value of a row (column value, [A, B] pair,
	// or object of column values).
	value func(row int64) any
	// domain are the columns checked, for unexpected_index_column_names.
	domain []string
}

// gxFormatMap builds a map expectation's result as GX's
// _format_map_output does for the result format.
func gxFormatMap(t *Table, rf ResultFormat, in gxMapInput) (ExpectationResult, error) {
	var r ExpectationResult
	if rf.Format == BooleanOnly {
		return r, nil
	}
	var count int64
	if in.unexpected != nil {
		count = in.unexpected.Count()
	}
	r.ElementCount, r.UnexpectedCount = in.elementCount, count
	r.Keys = KeyElementCount | KeyUnexpectedCount | KeyUnexpectedPercent
	skipMissing := in.nonnull < 0
	if in.elementCount > 0 {
		total := float64(count) / float64(in.elementCount) * 100
		r.UnexpectedPercentTotal = &total
		if skipMissing {
			r.UnexpectedPercentNonmissing = &total
		} else {
			r.MissingPercent = gxPtr(float64(in.elementCount-in.nonnull) / float64(in.elementCount) * 100)
			if in.nonnull > 0 {
				r.UnexpectedPercentNonmissing = gxPtr(float64(count) / float64(in.nonnull) * 100)
			}
		}
	}
	r.UnexpectedPercent = r.UnexpectedPercentNonmissing

	var rows []int64
	if in.unexpected != nil {
		rows = in.unexpected.First(rf.valueLimit())
	} else {
		rows = []int64{}
	}
	partial := min(rf.PartialUnexpectedCount, len(rows))
	var values []any
	if !rf.ExcludeUnexpectedValues {
		values = make([]any, len(rows))
		for i, row := range rows {
			values[i] = in.value(row)
		}
		r.PartialUnexpectedList = values[:partial]
		r.Keys |= KeyPartialUnexpectedList
	}
	if rf.UnexpectedIndexColumnNames != nil {
		r.UnexpectedIndexColumnNames = rf.UnexpectedIndexColumnNames
		r.Keys |= KeyUnexpectedIndexColumnNames
	}
	if !skipMissing {
		r.MissingCount = in.elementCount - in.nonnull
		r.Keys |= KeyMissingCount | KeyMissingPercent | KeyUnexpectedPercentTotal | KeyUnexpectedPercentNonmissing
	}
	if rf.IncludeUnexpectedRows {
		r.Keys |= KeyUnexpectedRows
		if rf.level() >= 2 {
			r.UnexpectedRows = gxRows(t, rows)
		}
	}
	if rf.Format == Basic {
		return r, nil
	}
	index, err := gxIndexList(t, rf, rows, in.domain)
	if err != nil {
		return r, err
	}
	if rf.PartialUnexpectedCount > 0 {
		if !rf.ExcludeUnexpectedValues {
			if counts, ok := gxValueCounts(values, rf.PartialUnexpectedCount); ok {
				r.PartialUnexpectedCounts = counts
				r.Keys |= KeyPartialUnexpectedCounts
			}
		}
		r.PartialUnexpectedIndexList = index[:partial]
		r.Keys |= KeyPartialUnexpectedIndexList
	}
	if rf.Format == Summary {
		return r, nil
	}
	if !rf.ExcludeUnexpectedValues {
		r.UnexpectedList = values
		r.Keys |= KeyUnexpectedList
	}
	r.UnexpectedIndexList = index
	r.Keys |= KeyUnexpectedIndexList
	return r, nil
}

// gxIndexList returns the rows as GX's unexpected_index_list: positions,
// or objects of the index columns' and the domain columns' values.
func gxIndexList(t *Table, rf ResultFormat, rows []int64, domain []string) ([]any, error) {
	out := make([]any, len(rows))
	if rf.UnexpectedIndexColumnNames == nil {
		for i, row := range rows {
			out[i] = row
		}
		return out, nil
	}
	names := append(slices.Clone(rf.UnexpectedIndexColumnNames), domain...)
	cols := make([]*Column, len(names))
	for i, n := range names {
		c, ok := t.Column(n)
		if !ok {
			return nil, fmt.Errorf("Error: The unexpected_index_column %q does not exist in Dataframe. Please check your configuration and try again.", n)
		}
		cols[i] = c
	}
	for i, row := range rows {
		m := make(map[string]any, len(cols))
		for j, c := range cols {
			m[names[j]] = c.Value(row)
		}
		out[i] = m
	}
	return out, nil
}

// gxRows returns whole rows as objects of column to value.
func gxRows(t *Table, rows []int64) []map[string]any {
	out := make([]map[string]any, len(rows))
	cols := t.Columns()
	for i, row := range rows {
		m := make(map[string]any, len(cols))
		for _, c := range cols {
			m[c.Name] = c.Value(row)
		}
		out[i] = m
	}
	return out
}

// gxValueCounts computes partial_unexpected_counts as GX does: a Counter
// of the values, its n most common (ties in first-seen order), sorted by
// count descending then value. ok is false where Python could not order
// the tied values (GX then leaves the key out).
func gxValueCounts(values []any, n int) ([]UnexpectedValueCount, bool) {
	type entry struct {
		value any
		count int64
	}
	var entries []*entry
	byKey := map[string]*entry{}
	for _, v := range values {
		v = gxTupleOf(v)
		k := gxCountKey(v)
		e, ok := byKey[k]
		if !ok {
			e = &entry{value: v}
			byKey[k] = e
			entries = append(entries, e)
		}
		e.count++
	}
	slices.SortStableFunc(entries, func(a, b *entry) int { return cmp.Compare(b.count, a.count) })
	entries = entries[:min(n, len(entries))]
	// Python sorts by (-count, value) and raises TypeError when it must
	// order tied values of kinds it cannot compare (None against a
	// number); GX then omits the counts. Any incomparable tied pair is
	// taken to raise.
	for i := range entries {
		for j := i + 1; j < len(entries); j++ {
			if entries[i].count == entries[j].count {
				if _, ok := gxPyCompare(entries[i].value, entries[j].value); !ok {
					return nil, false
				}
			}
		}
	}
	slices.SortStableFunc(entries, func(a, b *entry) int {
		if c := cmp.Compare(b.count, a.count); c != 0 {
			return c
		}
		c, _ := gxPyCompare(a.value, b.value)
		return c
	})
	out := make([]UnexpectedValueCount, len(entries))
	for i, e := range entries {
		out[i] = UnexpectedValueCount{Value: e.value, Count: e.count}
	}
	return out, true
}

// gxTupleOf flattens a multicolumn value (an object) to the tuple of its
// values in column order, as GX does before counting.
func gxTupleOf(v any) any {
	if m, ok := v.(gxRecord); ok {
		return m.tuple()
	}
	return v
}

// gxCountKey is a hashable key equal for values Python's Counter merges
// (1 and 1.0 are one key).
func gxCountKey(v any) string {
	switch v := v.(type) {
	case nil:
		return "n"
	case bool:
		if v {
			return "f1"
		}
		return "f0"
	case string:
		return "s" + v
	case []any:
		k := "t"
		for _, x := range v {
			s := gxCountKey(x)
			k += fmt.Sprintf("%d:%s", len(s), s)
		}
		return k
	}
	if f, ok := gxNumber(v); ok {
		return fmt.Sprintf("f%v", f)
	}
	return fmt.Sprintf("o%v", v)
}

// gxPyCompare orders two values as Python's < does; comparable is false
// where Python raises TypeError (None or text against a number).
func gxPyCompare(a, b any) (c int, comparable bool) {
	if ta, ok := a.([]any); ok {
		tb, ok := b.([]any)
		if !ok {
			return 0, false
		}
		for i := 0; i < len(ta) && i < len(tb); i++ {
			if gxCountKey(ta[i]) == gxCountKey(tb[i]) {
				continue
			}
			return gxPyCompare(ta[i], tb[i])
		}
		return cmp.Compare(len(ta), len(tb)), true
	}
	if sa, ok := a.(string); ok {
		sb, ok := b.(string)
		return cmp.Compare(sa, sb), ok
	}
	fa, okA := gxPyNumber(a)
	fb, okB := gxPyNumber(b)
	if okA && okB {
		return cmp.Compare(fa, fb), true
	}
	return 0, false
}

func gxPyNumber(v any) (float64, bool) {
	if b, ok := v.(bool); ok {
		if b {
			return 1, true
		}
		return 0, true
	}
	return gxNumber(v)
}
