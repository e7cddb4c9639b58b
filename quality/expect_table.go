package quality

import (
	"fmt"
	"slices"
)

// gxTableFunc evaluates a table expectation.
type gxTableFunc func(t *Table) (bool, ExpectationResult, error)

type gxTable struct{ f gxTableFunc }

func (g *gxTable) columns() []string { return nil }

func (g *gxTable) eval(c *gxCtx) (gxOutcome, error) {
	ok, res, err := g.f(c.t)
	return gxOutcome{success: ok, result: res}, err
}

func gxObserved(v any) ExpectationResult {
	return ExpectationResult{ObservedValue: v, Keys: KeyObservedValue}
}

func gxBuildCountBetween(count func(t *Table) int64) gxBuilder {
	return func(a *gxArgs) (gxImpl, error) {
		r, err := a.rangeArgs(false)
		if err != nil {
			return nil, err
		}
		if r.min.isStr || r.max.isStr {
			return nil, fmt.Errorf("min_value and max_value must be numbers")
		}
		return &gxTable{func(t *Table) (bool, ExpectationResult, error) {
			n := count(t)
			return r.inFloat(float64(n), r.min.num, r.max.num), gxObserved(n), nil
		}}, nil
	}
}

func gxBuildCountEqual(count func(t *Table) int64) gxBuilder {
	return func(a *gxArgs) (gxImpl, error) {
		v, ok, err := a.num("value")
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, fmt.Errorf("missing kwarg value")
		}
		return &gxTable{func(t *Table) (bool, ExpectationResult, error) {
			n := count(t)
			return float64(n) == v, gxObserved(n), nil
		}}, nil
	}
}

func gxRowCount(t *Table) int64    { return t.NumRows() }
func gxColumnCount(t *Table) int64 { return int64(len(t.Columns())) }

var (
	gxBuildRowCountBetween    = gxBuildCountBetween(gxRowCount)
	gxBuildRowCountEqual      = gxBuildCountEqual(gxRowCount)
	gxBuildColumnCountBetween = gxBuildCountBetween(gxColumnCount)
	gxBuildColumnCountEqual   = gxBuildCountEqual(gxColumnCount)
)

// gxBuildColumnsOrdered builds expect_table_columns_to_match_ordered_list;
// on a mismatch details list every differing position.
func gxBuildColumnsOrdered(a *gxArgs) (gxImpl, error) {
	want, err := a.strList("column_list", false)
	if err != nil {
		return nil, err
	}
	return &gxTable{func(t *Table) (bool, ExpectationResult, error) {
		got := t.ColumnNames()
		res := gxObserved(gxAnyStrings(got))
		if want == nil || slices.Equal(got, want) {
			return true, res, nil
		}
		var mismatched []any
		for i := 0; i < max(len(got), len(want)); i++ {
			var e, f any
			if i < len(want) {
				e = want[i]
			}
			if i < len(got) {
				f = got[i]
			}
			if e != f {
				mismatched = append(mismatched, map[string]any{"Expected Column Position": i, "Expected": e, "Found": f})
			}
		}
		res.Details = map[string]any{"mismatched": mismatched}
		res.Keys |= KeyDetails
		return false, res, nil
	}}, nil
}

// gxBuildColumnsSet builds expect_table_columns_to_match_set: with
// exact_match (default) the sets must be equal, without it the table may
// have extra columns. On a difference observed_value is sorted and details
// list the unexpected and missing columns.
func gxBuildColumnsSet(a *gxArgs) (gxImpl, error) {
	want, err := a.strList("column_set", false)
	if err != nil {
		return nil, err
	}
	exact, err := a.boolean("exact_match", true)
	if err != nil {
		return nil, err
	}
	return &gxTable{func(t *Table) (bool, ExpectationResult, error) {
		got := t.ColumnNames()
		if want == nil && !exact {
			return true, gxObserved(gxAnyStrings(got)), nil
		}
		wantSet, gotSet := gxSet(want...), gxSet(got...)
		var unexpected, missing []string
		for _, c := range got {
			if !wantSet[c] && !slices.Contains(unexpected, c) {
				unexpected = append(unexpected, c)
			}
		}
		for _, c := range want {
			if !gotSet[c] && !slices.Contains(missing, c) {
				missing = append(missing, c)
			}
		}
		if len(unexpected) == 0 && len(missing) == 0 {
			return true, gxObserved(gxAnyStrings(got)), nil
		}
		slices.Sort(unexpected)
		slices.Sort(missing)
		sorted := slices.Sorted(slices.Values(got))
		res := gxObserved(gxAnyStrings(sorted))
		mm := map[string]any{}
		if len(unexpected) > 0 {
			mm["unexpected"] = gxAnyStrings(unexpected)
		}
		if len(missing) > 0 {
			mm["missing"] = gxAnyStrings(missing)
		}
		res.Details = map[string]any{"mismatched": mm}
		res.Keys |= KeyDetails
		success := len(missing) == 0
		if exact {
			success = false
		}
		return success, res, nil
	}}, nil
}

// gxBuildColumnToExist builds expect_column_to_exist; column_index, when
// given and non-zero (GX tests it for truth), must be the column's
// position.
func gxBuildColumnToExist(a *gxArgs) (gxImpl, error) {
	col, err := a.str("column", true)
	if err != nil {
		return nil, err
	}
	idx, hasIdx, err := a.num("column_index")
	if err != nil {
		return nil, err
	}
	return &gxTable{func(t *Table) (bool, ExpectationResult, error) {
		names := t.ColumnNames()
		if hasIdx && idx != 0 {
			i := int(idx)
			return i >= 0 && i < len(names) && names[i] == col, ExpectationResult{}, nil
		}
		return slices.Contains(names, col), ExpectationResult{}, nil
	}}, nil
}

func gxAnyStrings(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}
