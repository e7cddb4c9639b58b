package quality

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"time"
)

// gxImpl is a compiled expectation.
type gxImpl interface {
	// columns lists the columns the expectation reads, the first being the
	// one it is scheduled with; none for table expectations.
	columns() []string
	// eval validates the table; an error becomes the result's
	// exception_info, as GX reports exceptions it catches.
	eval(c *gxCtx) (gxOutcome, error)
}

// gxCtx is what an expectation is evaluated with.
type gxCtx struct {
	t  *Table
	rf ResultFormat
}

// gxOutcome is an expectation's verdict.
type gxOutcome struct {
	success bool
	result  ExpectationResult
	// failed are the unexpected rows of a map expectation (nil for others).
	failed *RowSet
}

// column returns a column of the table or GX's error for a missing one.
func (c *gxCtx) column(name string) (*Column, error) {
	col, ok := c.t.Column(name)
	if !ok {
		return nil, fmt.Errorf("Error: The column \"%s\" in BatchData does not exist.", name)
	}
	return col, nil
}

// ValidateOptions tune a validation run. The zero value runs with GX's
// defaults: SUMMARY results, a run named by its time, all CPUs.
type ValidateOptions struct {
	// ResultFormat, when set, overrides every expectation's own
	// result_format, as a checkpoint's or validation definition's does.
	// Unset, an expectation's result_format kwarg applies, else SUMMARY.
	ResultFormat *ResultFormat
	// RunName and RunTime make the run_id; RunTime zero means now.
	RunName string
	RunTime time.Time
	// BatchSpec, BatchMarkers and ActiveBatchDefinition go into the
	// result's meta as given (for Data Docs).
	BatchSpec             map[string]any
	BatchMarkers          map[string]any
	ActiveBatchDefinition map[string]any
	// CheckpointName goes into the result's meta when set.
	CheckpointName string
	// Parallelism bounds the columns validated at once; <= 0 means
	// GOMAXPROCS.
	Parallelism int
}

// Validate runs every expectation of the suite on t. Expectations on the
// same column share its statistics (computed once); columns are validated
// in parallel. An expectation that cannot be evaluated (a missing column,
// a type it cannot apply to) fails with exception_info set and the others
// still run. The result also lists a RowFailure for every failing
// column-map, column-pair and multicolumn expectation, with all its
// unexpected rows, for Quarantine.
func (s *Suite) Validate(t *Table, opts *ValidateOptions) (*SuiteValidationResult, error) {
	if t == nil {
		return nil, fmt.Errorf("quality: suite %q: no table to validate", s.Name)
	}
	if opts == nil {
		opts = &ValidateOptions{}
	}
	start := time.Now()
	n := len(s.Expectations)
	results := make([]*ExpectationValidationResult, n)
	failed := make([]*RowSet, n)

	// Group expectations by the column they are scheduled with; each
	// group runs in order on one goroutine so its column's memoized
	// statistics are computed once, and groups run in parallel.
	groups := map[string][]int{}
	var order []string
	for i, e := range s.Expectations {
		key := ""
		if e.impl != nil {
			if cols := e.impl.columns(); len(cols) > 0 {
				key = cols[0]
			}
		}
		if _, ok := groups[key]; !ok {
			order = append(order, key)
		}
		groups[key] = append(groups[key], i)
	}
	par := opts.Parallelism
	if par <= 0 {
		par = runtime.GOMAXPROCS(0)
	}
	sem := make(chan struct{}, par)
	var wg sync.WaitGroup
	for _, key := range order {
		idx := groups[key]
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			for _, i := range idx {
				results[i], failed[i] = s.runOne(i, t, opts)
			}
		}()
	}
	wg.Wait()

	res := &SuiteValidationResult{
		Results:   results,
		SuiteName: s.Name,
		Format:    s.Format,
	}
	res.Statistics = gxStatistics(results)
	res.Success = res.Statistics.SuccessfulExpectations == res.Statistics.EvaluatedExpectations
	res.Meta = s.resultMeta(opts, start)
	for i, rows := range failed {
		if rows == nil || results[i].Success || rows.Count() == 0 {
			continue
		}
		e := s.Expectations[i]
		cols := e.impl.columns()
		f := RowFailure{Check: fmt.Sprintf("%s(%s)", e.Type, strings.Join(cols, ", ")), Rows: rows}
		if len(cols) > 0 {
			f.Column = cols[0]
		}
		res.Failures = append(res.Failures, f)
	}
	return res, nil
}

// runOne evaluates expectation i, turning errors and panics into
// exception_info.
func (s *Suite) runOne(i int, t *Table, opts *ValidateOptions) (evr *ExpectationValidationResult, rows *RowSet) {
	e := s.Expectations[i]
	evr = &ExpectationValidationResult{ExpectationConfig: e, Meta: map[string]any{}, format: s.Format}
	fail := func(msg, trace string) {
		evr.Success = false
		evr.Result = ExpectationResult{}
		evr.ExceptionInfo = ExceptionInfo{RaisedException: true, ExceptionMessage: msg, ExceptionTraceback: trace}
		rows = nil
	}
	defer func() {
		if p := recover(); p != nil {
			fail(fmt.Sprint(p), fmt.Sprintf("panic: %v\n\n%s", p, debug.Stack()))
		}
	}()
	if e.impl == nil {
		if err := e.compile(); err != nil {
			fail(err.Error(), (&ExpectationError{Index: i, Type: e.Type, Err: err}).Error())
			return evr, nil
		}
	}
	rf := DefaultResultFormat()
	if opts.ResultFormat != nil {
		rf = *opts.ResultFormat
		if rf.Format == "" {
			rf.Format = Summary
		}
	} else if v, ok := e.Kwargs["result_format"]; ok && v != nil {
		parsed, err := ParseResultFormat(v)
		if err != nil {
			fail(err.Error(), err.Error())
			return evr, nil
		}
		rf = parsed
	}
	out, err := e.impl.eval(&gxCtx{t: t, rf: rf})
	if err != nil {
		fail(err.Error(), fmt.Sprintf("Traceback: %s\n%s", (&ExpectationError{Index: i, Type: e.Type, Err: err}).Error(), err))
		return evr, nil
	}
	evr.Success = out.success
	evr.Result = out.result
	if rf.Format == BooleanOnly {
		evr.Result = ExpectationResult{}
	}
	return evr, out.failed
}

// gxStatistics computes the suite statistics as GX's
// _calc_validation_statistics does.
func gxStatistics(results []*ExpectationValidationResult) ValidationStatistics {
	var st ValidationStatistics
	st.EvaluatedExpectations = len(results)
	for _, r := range results {
		if r.Success {
			st.SuccessfulExpectations++
		}
	}
	st.UnsuccessfulExpectations = st.EvaluatedExpectations - st.SuccessfulExpectations
	if st.EvaluatedExpectations > 0 {
		st.SuccessPercent = gxPtr(float64(st.SuccessfulExpectations) / float64(st.EvaluatedExpectations) * 100)
	}
	return st
}

func (s *Suite) resultMeta(opts *ValidateOptions, start time.Time) ValidationMeta {
	runTime := opts.RunTime
	if runTime.IsZero() {
		runTime = start
	}
	runTime = runTime.UTC()
	m := ValidationMeta{
		ExpectationSuiteName:  s.Name,
		RunID:                 RunID{RunName: opts.RunName, RunTime: runTime},
		ValidationTime:        runTime.Format("20060102T150405.000000Z"),
		BatchSpec:             opts.BatchSpec,
		BatchMarkers:          opts.BatchMarkers,
		ActiveBatchDefinition: opts.ActiveBatchDefinition,
		CheckpointName:        opts.CheckpointName,
	}
	m.GreatExpectationsVersion = GXVersionV1
	if s.Format == SuiteV0 {
		m.GreatExpectationsVersion = GXVersionV0
	}
	if v, ok := s.Meta["great_expectations_version"].(string); ok {
		m.GreatExpectationsVersion = v
	}
	return m
}
