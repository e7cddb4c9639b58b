package quality

import (
	"encoding/binary"
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// schemaDuplicates returns the rows whose values repeat, per mode. As
// pandas' duplicated, which Pandera uses, null and NaN values equal each
// other: several nulls in a unique column are duplicates. One column is
// read with typed loops, its null and NaN rows na (nil if none) added as
// one group; several columns compare whole rows.
func schemaDuplicates(cols []*Column, mode ReportDuplicates, na *RowSet) *RowSet {
	n := cols[0].Len()
	if len(cols) == 1 {
		out := schemaDupSingle(cols[0], mode)
		if out != nil {
			if na != nil && na.Count() > 1 {
				rows := na.First(int(na.Count()))
				switch mode {
				case ReportExcludeFirst:
					rows = rows[1:]
				case ReportExcludeLast:
					rows = rows[:len(rows)-1]
				}
				for _, r := range rows {
					out.Add(r)
				}
			}
			return out
		}
	}
	return schemaDupRows(n, mode, func(f func(int64, string)) {
		schemaRowKeys(cols, n, f)
	})
}

// schemaDupSingle finds the duplicate non-null values of one column with
// a typed loop; nil when the column's family has none.
func schemaDupSingle(col *Column, mode ReportDuplicates) *RowSet {
	n := col.Len()
	switch col.Family() {
	case FamilyNumeric:
		if schemaIsInt(col.Type) {
			return schemaDupRows(n, mode, func(f func(int64, int64)) { schemaEachInt(col, f) })
		}
		return schemaDupRows(n, mode, func(f func(int64, float64)) {
			col.EachFloat(func(row int64, v float64) {
				if v == v {
					f(row, v)
				}
			})
		})
	case FamilyString:
		return schemaDupRows(n, mode, func(f func(int64, string)) { col.EachString(f) })
	case FamilyTime:
		return schemaDupRows(n, mode, func(f func(int64, int64)) { col.EachTime(f) })
	case FamilyBool:
		return schemaDupRows(n, mode, func(f func(int64, bool)) { checkEachBool(col, f) })
	}
	return nil
}

// schemaRowKeys calls f with a binary key of each row's values over cols,
// nulls (and NaN) encoded alike.
func schemaRowKeys(cols []*Column, n int64, f func(int64, string)) {
	var buf []byte
	checkSegments(cols, n, func(start, end int64, g []checkGetter, off []int64) {
		for row := start; row < end; row++ {
			buf = buf[:0]
			for k := range g {
				i := int(row - off[k])
				switch {
				case g[k].str != nil:
					s, ok := g[k].str(i)
					if !ok {
						buf = append(buf, 0)
						continue
					}
					buf = append(buf, 1)
					buf = binary.AppendUvarint(buf, uint64(len(s)))
					buf = append(buf, s...)
				case g[k].num != nil:
					v, ok := g[k].num(i)
					if !ok {
						buf = append(buf, 0)
						continue
					}
					if v == 0 {
						v = 0 // -0 equals 0
					}
					buf = append(buf, 2)
					buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(v))
				default:
					buf = append(buf, 3)
					s := cols[k].Value(row)
					buf = append(buf, FailureCaseText(s)...)
					buf = append(buf, 0)
				}
			}
			f(row, string(buf))
		}
	})
}

// schemaDupRows finds repeated keys among the rows each yields.
func schemaDupRows[K comparable](n int64, mode ReportDuplicates, each func(func(row int64, k K))) *RowSet {
	out := NewRowSet(n)
	if mode == ReportExcludeFirst {
		seen := map[K]struct{}{}
		each(func(row int64, k K) {
			if _, ok := seen[k]; ok {
				out.Add(row)
			} else {
				seen[k] = struct{}{}
			}
		})
		return out
	}
	counts := map[K]int32{}
	each(func(_ int64, k K) { counts[k]++ })
	if len(counts) == 0 {
		return out
	}
	each(func(row int64, k K) {
		c := counts[k]
		if c <= 1 {
			return
		}
		if mode == ReportExcludeLast {
			counts[k] = c - 1 // occurrences left, this one included
		}
		out.Add(row)
	})
	return out
}

func schemaIsInt(t arrow.DataType) bool {
	switch t.ID() {
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64, arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64:
		return true
	}
	return false
}

// schemaIntAt returns the value of an integer array as int64 (uint64
// values above MaxInt64 wrap).
func schemaIntAt(a arrow.Array, i int) (int64, bool) {
	switch a := a.(type) {
	case *array.Int64:
		return a.Value(i), true
	case *array.Int32:
		return int64(a.Value(i)), true
	case *array.Int16:
		return int64(a.Value(i)), true
	case *array.Int8:
		return int64(a.Value(i)), true
	case *array.Uint64:
		return int64(a.Value(i)), true
	case *array.Uint32:
		return int64(a.Value(i)), true
	case *array.Uint16:
		return int64(a.Value(i)), true
	case *array.Uint8:
		return int64(a.Value(i)), true
	}
	return 0, false
}

// schemaEachInt calls f with every non-null value of an integer column,
// exactly (without going through float64).
func schemaEachInt(col *Column, f func(row int64, v int64)) {
	for _, ch := range col.Chunks() {
		a := ch.Array
		if x, ok := a.(*array.Int64); ok {
			nulls := a.NullN() > 0
			for i, v := range x.Int64Values() {
				if !nulls || a.IsValid(i) {
					f(ch.Start+int64(i), v)
				}
			}
			continue
		}
		for i := 0; i < a.Len(); i++ {
			if a.IsValid(i) {
				v, _ := schemaIntAt(a, i)
				f(ch.Start+int64(i), v)
			}
		}
	}
}
