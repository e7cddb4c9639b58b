package main

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/magnumopus/opus/internal/arrowio"
	"github.com/magnumopus/opus/quality"
	"github.com/magnumopus/opus/tlc"
)

// qualityReport is what the quality stage did to one file.
type qualityReport struct {
	Suite                  string           `json:"suite"`
	SuiteSuccess           bool             `json:"suite_success"`
	Expectations           int              `json:"expectations"`
	FailedExpectations     []string         `json:"failed_expectations"`
	SchemaErrors           map[string]int   `json:"schema_errors"` // Pandera reason code: count
	ConversionProblems     int64            `json:"conversion_problems"`
	Rows                   int64            `json:"rows"`
	ValidRows              int64            `json:"valid_rows"`
	QuarantinedRows        int64            `json:"quarantined_rows"`
	QuarantinedByCheck     map[string]int64 `json:"quarantined_by_check"`
	QuarantineFile         string           `json:"quarantine_file"`
	DataDocsPage           string           `json:"data_docs_page"`
	ValidAndQuarantinedSum bool             `json:"valid_plus_quarantined_equals_rows"`
}

// validateFile reads a trip file canonically, runs the kind's default GX
// suite and Pandera schema on it, quarantines every failing row (value
// conversion problems included) into warehouse/quarantine and adds the run
// to the Data Docs site in warehouse/docs.
func validateFile(ctx context.Context, path, warehouse string) (qualityReport, error) {
	r, err := tlc.Open(ctx, path, tlc.ReadOptions{})
	if err != nil {
		return qualityReport{}, err
	}
	defer r.Close()
	var batches []arrow.RecordBatch
	defer func() {
		for _, b := range batches {
			b.Release()
		}
	}()
	var problems []tlc.Problem
	for r.Next() {
		b := r.RecordBatch()
		b.Retain()
		batches = append(batches, b)
		problems = append(problems, r.Problems()...)
	}
	if err := r.Err(); err != nil {
		return qualityReport{}, err
	}
	if len(batches) == 0 {
		return qualityReport{}, fmt.Errorf("%s: no rows to validate", path)
	}
	tbl, err := quality.NewTable(batches...)
	if err != nil {
		return qualityReport{}, err
	}
	defer tbl.Release()

	suite, err := tlc.Suite(r.Kind())
	if err != nil {
		return qualityReport{}, err
	}
	res, err := suite.Validate(tbl, &quality.ValidateOptions{RunName: "pipeline", BatchSpec: map[string]any{"path": path}})
	if err != nil {
		return qualityReport{}, err
	}
	schema, err := tlc.QualitySchema(r.Kind())
	if err != nil {
		return qualityReport{}, err
	}
	rep, err := schema.Validate(tbl, quality.SchemaOptions{Lazy: true})
	var schemaErrs *quality.SchemaErrors
	if err != nil && !errors.As(err, &schemaErrs) {
		return qualityReport{}, err
	}
	defer rep.Release()

	failures := append(append([]quality.RowFailure(nil), res.Failures...), rep.RowFailures...)
	failures = append(failures, conversionFailures(problems, tbl.NumRows())...)
	split, err := quality.Quarantine(tbl, failures...)
	if err != nil {
		return qualityReport{}, err
	}
	defer split.Release()

	out := qualityReport{Suite: suite.Name, SuiteSuccess: res.Success, Expectations: res.Statistics.EvaluatedExpectations,
		SchemaErrors: rep.ErrorCounts(), ConversionProblems: int64(len(problems)), Rows: tbl.NumRows(),
		ValidRows: split.ValidRows, QuarantinedRows: split.RejectedRows, QuarantinedByCheck: split.FailuresByCheck,
		ValidAndQuarantinedSum: split.ValidRows+split.RejectedRows == tbl.NumRows(), FailedExpectations: []string{}}
	for _, x := range res.Results {
		if !x.Success {
			out.FailedExpectations = append(out.FailedExpectations, expectationLabel(x.ExpectationConfig))
		}
	}
	base := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	out.QuarantineFile = filepath.Join(warehouse, "quarantine", base+".quarantine.parquet")
	if err := arrowio.WriteParquet(out.QuarantineFile, quality.RejectedSchema(tbl.Schema()), split.Rejected); err != nil {
		return qualityReport{}, err
	}
	if out.DataDocsPage, err = (quality.DataDocs{Dir: filepath.Join(warehouse, "docs"), Title: "Opus pipeline"}).Write(res); err != nil {
		return qualityReport{}, err
	}
	return out, nil
}

// conversionFailures turns the reader's row-level problems (values that
// could not be converted exactly) into row failures, one per column.
func conversionFailures(problems []tlc.Problem, rows int64) []quality.RowFailure {
	byColumn := map[string]*quality.RowSet{}
	var order []string
	for _, p := range problems {
		rs, ok := byColumn[p.Column]
		if !ok {
			rs = quality.NewRowSet(rows)
			byColumn[p.Column] = rs
			order = append(order, p.Column)
		}
		rs.Add(p.Row)
	}
	out := make([]quality.RowFailure, 0, len(order))
	for _, c := range order {
		out = append(out, quality.RowFailure{Check: "exact_conversion(" + c + ")", Column: c, Rows: byColumn[c]})
	}
	return out
}

// expectationLabel names an expectation with the columns it reads.
func expectationLabel(e *quality.Expectation) string {
	var cols []string
	for _, k := range []string{"column", "column_A", "column_B"} {
		if v, ok := e.Kwargs[k].(string); ok {
			cols = append(cols, v)
		}
	}
	if list, ok := e.Kwargs["column_list"].([]any); ok {
		for _, v := range list {
			cols = append(cols, fmt.Sprint(v))
		}
	}
	return e.Type + "(" + strings.Join(cols, ", ") + ")"
}
