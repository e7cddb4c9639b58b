package quality

import (
	"encoding/binary"
	"fmt"
	"math"
	"slices"
)

// gxRecord is a multicolumn value: the row's values of the columns, shown
// as an object and counted as the tuple of its values, as GX does.
type gxRecord struct {
	names  []string
	values []any
}

// MarshalJSON writes the record as an object of column to value.
func (r gxRecord) MarshalJSON() ([]byte, error) {
	m := make(map[string]any, len(r.names))
	for i, n := range r.names {
		m[n] = gxJSONSafe(r.values[i])
	}
	return gxMarshal(m, false)
}

func (r gxRecord) tuple() []any { return slices.Clone(r.values) }

// gxMissingRows returns the rows pandas sees as missing: nulls and NaNs.
func gxMissingRows(col *Column) *RowSet {
	rs := NewRowSet(col.Len())
	col.EachNull(rs.Add)
	if col.Stats().NaNs > 0 {
		col.EachFloat(func(row int64, v float64) {
			if v != v {
				rs.Add(row)
			}
		})
	}
	return rs
}

// gxKeys materializes a column as one comparable key per row: a tag byte
// then the value ('n' numbers and booleans as float bits, 't' date-times,
// 's' text, 'm' missing). Equal keys are values pandas sees as equal.
func gxKeys(col *Column) ([]string, error) {
	keys := make([]string, col.Len())
	for i := range keys {
		keys[i] = "m"
	}
	var buf [9]byte
	num := func(tag byte, bits uint64) string {
		buf[0] = tag
		binary.LittleEndian.PutUint64(buf[1:], bits)
		return string(buf[:])
	}
	switch col.Family() {
	case FamilyNumeric, FamilyBool:
		return keys, gxEachNumber(col, func(row int64, v float64) {
			keys[row] = num('n', math.Float64bits(v+0)) // +0 folds -0 into 0
		})
	case FamilyTime:
		return keys, col.EachTime(func(row int64, us int64) { keys[row] = num('t', uint64(us)) })
	case FamilyString:
		return keys, col.EachString(func(row int64, s string) { keys[row] = "s" + s })
	}
	return nil, fmt.Errorf("cannot compare values of column %s of type %s", col.Name, col.Type)
}

// gxMulti is a column-pair or multicolumn map expectation.
type gxMulti struct {
	cols   []string
	mostly float64
	ignore string // "all" (or "both"), "any" (or "either"), "never"
	pair   bool   // report [A, B] pairs instead of records
	find   func(cols []*Column, considered *RowSet) (*RowSet, error)
}

func (m *gxMulti) columns() []string { return m.cols }

func (m *gxMulti) eval(c *gxCtx) (gxOutcome, error) {
	cols := make([]*Column, len(m.cols))
	missing := make([]*RowSet, len(m.cols))
	for i, n := range m.cols {
		col, err := c.column(n)
		if err != nil {
			return gxOutcome{}, err
		}
		cols[i], missing[i] = col, gxMissingRows(col)
	}
	n := c.t.NumRows()
	considered := NewRowSet(n)
	for r := int64(0); r < n; r++ {
		nMissing := 0
		for _, ms := range missing {
			if ms.Has(r) {
				nMissing++
			}
		}
		switch {
		case m.ignore == "all" && nMissing == len(cols):
		case m.ignore == "any" && nMissing > 0:
		default:
			considered.Add(r)
		}
	}
	rows, err := m.find(cols, considered)
	if err != nil {
		return gxOutcome{}, err
	}
	nConsidered := considered.Count()
	success := true
	if n > 0 && nConsidered > 0 {
		success = gxMostly(nConsidered, rows.Count(), m.mostly)
	}
	value := func(row int64) any {
		vals := make([]any, len(cols))
		for i, col := range cols {
			vals[i] = gxValue(col, row)
		}
		if m.pair {
			return vals
		}
		return gxRecord{names: m.cols, values: vals}
	}
	res, err := gxFormatMap(c.t, c.rf, gxMapInput{success: success, elementCount: n, nonnull: nConsidered,
		unexpected: rows, value: value, domain: m.cols})
	return gxOutcome{success: success, result: res, failed: rows}, err
}

// gxMultiArgs reads column_list, mostly and ignore_row_if (default
// all_values_are_missing).
func gxMultiArgs(a *gxArgs) (*gxMulti, error) {
	cols, err := a.strList("column_list", true)
	if err != nil {
		return nil, err
	}
	if len(cols) == 0 {
		return nil, fmt.Errorf("column_list must not be empty")
	}
	mostly, err := a.mostly()
	if err != nil {
		return nil, err
	}
	ig, err := a.str("ignore_row_if", false)
	if err != nil {
		return nil, err
	}
	m := &gxMulti{cols: cols, mostly: mostly}
	switch ig {
	case "", "all_values_are_missing":
		m.ignore = "all"
	case "any_value_is_missing":
		m.ignore = "any"
	case "never":
		m.ignore = "never"
	default:
		return nil, fmt.Errorf("ignore_row_if must be all_values_are_missing, any_value_is_missing or never, got %q", ig)
	}
	return m, nil
}

// gxBuildCompoundUnique builds expect_compound_columns_to_be_unique: every
// considered row whose combination of values occurs more than once is
// unexpected (missing values equal each other, as in pandas duplicated).
func gxBuildCompoundUnique(a *gxArgs) (gxImpl, error) {
	m, err := gxMultiArgs(a)
	if err != nil {
		return nil, err
	}
	m.find = func(cols []*Column, considered *RowSet) (*RowSet, error) {
		keys, err := gxAllKeys(cols)
		if err != nil {
			return nil, err
		}
		rowKey := func(r int64) string {
			var b []byte
			for _, k := range keys {
				b = binary.AppendUvarint(b, uint64(len(k[r])))
				b = append(b, k[r]...)
			}
			return string(b)
		}
		counts := map[string]int32{}
		considered.Each(func(r int64) bool { counts[rowKey(r)]++; return true })
		rs := NewRowSet(considered.Len())
		considered.Each(func(r int64) bool {
			if counts[rowKey(r)] > 1 {
				rs.Add(r)
			}
			return true
		})
		return rs, nil
	}
	return m, nil
}

// gxBuildUniqueWithinRecord builds
// expect_select_column_values_to_be_unique_within_record: a considered row
// is unexpected when two of its values are equal (pandas nunique with
// dropna=False, so two missing values are equal too).
func gxBuildUniqueWithinRecord(a *gxArgs) (gxImpl, error) {
	m, err := gxMultiArgs(a)
	if err != nil {
		return nil, err
	}
	m.find = func(cols []*Column, considered *RowSet) (*RowSet, error) {
		keys, err := gxAllKeys(cols)
		if err != nil {
			return nil, err
		}
		rs := NewRowSet(considered.Len())
		considered.Each(func(r int64) bool {
			for i := range keys {
				for j := i + 1; j < len(keys); j++ {
					if keys[i][r] == keys[j][r] {
						rs.Add(r)
						return true
					}
				}
			}
			return true
		})
		return rs, nil
	}
	return m, nil
}

// gxAllKeys returns gxKeys of every column.
func gxAllKeys(cols []*Column) ([][]string, error) {
	keys := make([][]string, len(cols))
	for i, col := range cols {
		k, err := gxKeys(col)
		if err != nil {
			return nil, err
		}
		keys[i] = k
	}
	return keys, nil
}
