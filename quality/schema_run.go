package quality

import (
	"fmt"
	"runtime"
	"sync"
)

// add records a failure: its error, failure cases and failing rows.
func (r *SchemaReport) add(f schemaFailure, max int) {
	e := f.err
	e.Category = ReasonCategory(e.Reason)
	mk := func(col string, v any, row int64) FailureCase {
		return FailureCase{SchemaContext: e.SchemaContext, Column: col, Check: e.Check,
			CheckNumber: e.CheckNumber, FailureCase: v, Index: row}
	}
	var cases []FailureCase
	full := func() bool { return max > 0 && len(cases) >= max }
	switch {
	case f.rows != nil:
		e.FailureCount = f.rows.Count()
		for _, col := range f.cols {
			f.rows.Each(func(row int64) bool {
				if full() {
					return false
				}
				cases = append(cases, mk(col.Name, col.Value(row), row))
				return true
			})
		}
		if e.SchemaContext == ContextDataFrame && len(f.cols) > 1 {
			e.FailureCount *= int64(len(f.cols))
		}
	default:
		e.FailureCount = 1
		cases = append(cases, mk(e.Column, f.agg, -1))
	}
	if e.Message == "" {
		who := e.Column
		if who == "" {
			who = r.Schema
		}
		e.Message = fmt.Sprintf("%s %q failed validator number %d: %s failure cases: %s",
			e.SchemaContext, who, e.CheckNumber, e.Check, schemaCasesText(cases))
	} else if f.rows != nil {
		e.Message += " " + schemaCasesText(cases)
	}
	e.FailureCases = cases
	if f.warn {
		r.Warnings = append(r.Warnings, e)
		return
	}
	r.Errors = append(r.Errors, e)
	r.FailureCases = append(r.FailureCases, cases...)
	if f.rows != nil {
		rf := RowFailure{Check: e.Check, Column: e.Column, Rows: f.rows}
		if e.SchemaContext == ContextDataFrame {
			rf.Column = "" // table-wide
		}
		r.RowFailures = append(r.RowFailures, rf)
	}
}

// schemaHasError reports whether failures hold an error, not only warnings.
func schemaHasError(fs []schemaFailure) bool {
	for _, f := range fs {
		if !f.warn {
			return true
		}
	}
	return false
}

// schemaParallel runs task(0..n-1) on at most GOMAXPROCS goroutines. When
// eager, it runs them in order and stops after the first that returns true.
func schemaParallel(n int, eager bool, task func(i int) bool) {
	if eager {
		for i := 0; i < n; i++ {
			if task(i) {
				return
			}
		}
		return
	}
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			task(i)
		}()
	}
	wg.Wait()
}
