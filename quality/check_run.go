package quality

import (
	"fmt"
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// checkResult is the outcome of one check.
type checkResult struct {
	fail       *RowSet // failing rows
	agg        bool    // the column failed as a whole (unique_values_eq)
	err        error   // the check could not run (Pandera's CHECK_ERROR)
	considered int64   // rows the check judged, the denominator of mostly
}

func (r checkResult) failed() bool {
	return r.err != nil || r.agg || r.fail != nil && r.fail.Count() > 0
}

// checkRemove removes the rows of o from s.
func checkRemove(s, o *RowSet) {
	if o != nil {
		o.Each(func(row int64) bool { s.Remove(row); return true })
	}
}

// applyMostly clears the failures when enough rows passed.
func (c Check) applyMostly(r checkResult) checkResult {
	if c.mostly <= 0 || c.mostly >= 1 || r.err != nil || r.agg || r.fail == nil {
		return r
	}
	bad := r.fail.Count()
	if r.considered == 0 || float64(r.considered-bad)/float64(r.considered) >= c.mostly {
		r.fail = NewRowSet(r.fail.Len())
	}
	return r
}

// runOnColumn evaluates a column check. na holds the column's null and NaN
// rows (nil when there are none) and naN counts them.
func (c Check) runOnColumn(col *Column, na *RowSet, naN int64) (res checkResult) {
	n := col.Len()
	fail := NewRowSet(n)
	res = checkResult{fail: fail, considered: n}
	if !c.keepNA {
		res.considered = n - naN
	}
	defer func() {
		if p := recover(); p != nil {
			res = checkResult{err: fmt.Errorf("check %s panicked: %v", c, p)}
		}
	}()
	isNA := func(row int64) bool { return na != nil && na.Has(row) }
	unionNA := func() {
		if c.keepNA && na != nil {
			fail.Union(na)
		}
	}
	var err error
	switch {
	case c.vec != nil:
		var rs *RowSet
		if rs, err = c.vec(col); err == nil && rs != nil {
			if rs.Len() != n {
				err = fmt.Errorf("check %s returned a set over %d rows, the column has %d", c, rs.Len(), n)
			} else {
				fail.Union(rs)
			}
		}
		if !c.keepNA {
			checkRemove(fail, na)
		}
	case c.bools != nil:
		var bs []bool
		if bs, err = c.bools(col); err == nil && int64(len(bs)) != n {
			err = fmt.Errorf("check %s returned %d results, the column has %d rows", c, len(bs), n)
		}
		for i, ok := range bs {
			if !ok && (c.keepNA || !isNA(int64(i))) {
				fail.Add(int64(i))
			}
		}
	case c.elem != nil:
		for _, ch := range col.Chunks() {
			for i := 0; i < ch.Array.Len(); i++ {
				row := ch.Start + int64(i)
				if isNA(row) {
					if c.keepNA && !c.elem(nil) {
						fail.Add(row)
					}
				} else if !c.elem(valueAt(ch.Array, i)) {
					fail.Add(row)
				}
			}
		}
	case c.floatFn != nil:
		err = col.EachFloat(func(row int64, v float64) {
			if v == v && !c.floatFn(v) {
				fail.Add(row)
			}
		})
		unionNA()
	case c.strFn != nil:
		err = col.EachString(func(row int64, v string) {
			if !c.strFn(v) {
				fail.Add(row)
			}
		})
		unionNA()
	case c.timeFn != nil:
		err = col.EachTime(func(row int64, v int64) {
			if !c.timeFn(v) {
				fail.Add(row)
			}
		})
		unionNA()
	default:
		var eval checkEval
		if eval, err = c.builtinEval(col.Family()); err == nil {
			res.agg, err = eval(col, fail)
		}
		if c.name != "not_equal_to" && c.name != "notin" && c.name != "unique_values_eq" {
			unionNA()
		}
	}
	if err != nil {
		return checkResult{err: err}
	}
	return c.applyMostly(res)
}

// runOnTable evaluates a table-wide check.
func (c Check) runOnTable(t *Table) (res checkResult) {
	defer func() {
		if p := recover(); p != nil {
			res = checkResult{err: fmt.Errorf("check %s panicked: %v", c, p)}
		}
	}()
	n := t.NumRows()
	cols := make([]*Column, len(c.columns))
	for i, name := range c.columns {
		col, ok := t.Column(name)
		if !ok {
			return checkResult{err: fmt.Errorf("check %s: column %q not in table", c, name)}
		}
		cols[i] = col
	}
	fail := NewRowSet(n)
	res = checkResult{fail: fail, considered: n}
	switch {
	case c.tableFn != nil:
		rs, err := c.tableFn(t)
		if err != nil {
			return checkResult{err: err}
		}
		if rs != nil {
			if rs.Len() != n {
				return checkResult{err: fmt.Errorf("check %s returned a set over %d rows, the table has %d", c, rs.Len(), n)}
			}
			fail.Union(rs)
		}
	case c.rowFn != nil:
		vals := make([]any, len(cols))
		for row := int64(0); row < n; row++ {
			for i, col := range cols {
				vals[i] = col.Value(row)
			}
			if !c.rowFn(vals) {
				fail.Add(row)
			}
		}
	default:
		var err error
		res.considered, err = c.runBuiltinTable(cols, fail)
		if err != nil {
			return checkResult{err: err}
		}
	}
	return c.applyMostly(res)
}

// checkGetter reads one value of an array as float64 (numbers, and time
// as microseconds) or text; ok is false for null and NaN.
type checkGetter struct {
	num func(i int) (float64, bool)
	str func(i int) (string, bool)
}

func checkGetterOf(a arrow.Array) checkGetter {
	switch FamilyOf(a.DataType()) {
	case FamilyNumeric:
		if f, ok := a.(*array.Float64); ok {
			vals := f.Float64Values()
			return checkGetter{num: func(i int) (float64, bool) { v := vals[i]; return v, v == v && f.IsValid(i) }}
		}
		if f, ok := a.(*array.Int64); ok {
			vals := f.Int64Values()
			return checkGetter{num: func(i int) (float64, bool) { return float64(vals[i]), f.IsValid(i) }}
		}
		return checkGetter{num: func(i int) (float64, bool) {
			v, _ := numberAt(a, i)
			return v, v == v && a.IsValid(i)
		}}
	case FamilyTime:
		return checkGetter{num: func(i int) (float64, bool) {
			us, _ := timeMicros(a, i)
			return float64(us), a.IsValid(i)
		}}
	case FamilyBool:
		b := a.(*array.Boolean)
		return checkGetter{num: func(i int) (float64, bool) { return float64(checkB2i(b.Value(i))), b.IsValid(i) }}
	case FamilyString:
		return checkGetter{str: func(i int) (string, bool) {
			s, _ := stringAt(a, i)
			return s, a.IsValid(i)
		}}
	}
	return checkGetter{}
}

// checkSegments calls f for each run of rows over which every column's
// chunk stays the same, with the getters of those chunks and each run's
// offset into them.
func checkSegments(cols []*Column, n int64, f func(start, end int64, gets []checkGetter, offs []int64)) {
	idx := make([]int, len(cols))
	gets := make([]checkGetter, len(cols))
	offs := make([]int64, len(cols))
	for row := int64(0); row < n; {
		end := n
		for k, col := range cols {
			chs := col.Chunks()
			for idx[k] < len(chs)-1 && chs[idx[k]+1].Start <= row {
				idx[k]++
			}
			ch := chs[idx[k]]
			gets[k] = checkGetterOf(ch.Array)
			offs[k] = ch.Start
			end = min(end, ch.Start+int64(ch.Array.Len()))
		}
		f(row, end, gets, offs)
		row = end
	}
}

// runBuiltinTable runs column_compare and sum_equals, returning how many
// rows were judged.
func (c Check) runBuiltinTable(cols []*Column, fail *RowSet) (int64, error) {
	if len(cols) == 0 {
		return 0, fmt.Errorf("check %s has no columns", c)
	}
	n := cols[0].Len()
	var judged int64
	switch c.name {
	case "column_compare":
		a, b := cols[0].Family(), cols[1].Family()
		if a != b || (a != FamilyNumeric && a != FamilyTime && a != FamilyString) {
			return 0, fmt.Errorf("check %s compares %s with %s", c, cols[0].Type, cols[1].Type)
		}
		ok := checkOp(c.args[1].val.(string))
		checkSegments(cols, n, func(start, end int64, g []checkGetter, off []int64) {
			for row := start; row < end; row++ {
				i, j := int(row-off[0]), int(row-off[1])
				var cmpv int
				var valid bool
				if a == FamilyString {
					x, okx := g[0].str(i)
					y, oky := g[1].str(j)
					cmpv, valid = cmpCompare(x, y), okx && oky
				} else {
					x, okx := g[0].num(i)
					y, oky := g[1].num(j)
					cmpv, valid = cmpCompare(x, y), okx && oky
				}
				switch {
				case valid:
					judged++
					if !ok(cmpv) {
						fail.Add(row)
					}
				case c.keepNA:
					judged++
					fail.Add(row)
				}
			}
		})
	case "sum_equals":
		for _, col := range cols {
			if col.Family() != FamilyNumeric {
				return 0, fmt.Errorf("check %s: column %s is %s, not numeric", c, col.Name, col.Type)
			}
		}
		tol, _ := checkFloatArg(c.args[2].val)
		checkSegments(cols, n, func(start, end int64, g []checkGetter, off []int64) {
			for row := start; row < end; row++ {
				total, valid := g[0].num(int(row - off[0]))
				var sum float64
				for k := 1; k < len(g) && valid; k++ {
					v, ok := g[k].num(int(row - off[k]))
					sum, valid = sum+v, ok
				}
				switch {
				case valid:
					judged++
					if math.Abs(total-sum) > tol+1e-9*(1+math.Abs(total)) {
						fail.Add(row)
					}
				case c.keepNA:
					judged++
					fail.Add(row)
				}
			}
		})
	default:
		return 0, fmt.Errorf("check %s is not a table-wide check", c)
	}
	return judged, nil
}

func cmpCompare[T float64 | string](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
