package quality

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"
)

// SuiteValidationResult is the outcome of validating a table with a suite,
// shaped as GX's ExpectationSuiteValidationResult: MarshalJSON writes the
// JSON GX writes (1.x keys, or 0.x keys for suites read in the 0.x form).
type SuiteValidationResult struct {
	// Success is true when every expectation succeeded.
	Success bool
	// Results are the expectations' results in suite order.
	Results []*ExpectationValidationResult
	// SuiteName is the suite's name.
	SuiteName string
	// SuiteParameters ("evaluation_parameters" in 0.x) are always empty:
	// suite parameters are not supported.
	SuiteParameters map[string]any
	Statistics      ValidationStatistics
	Meta            ValidationMeta
	// ID is the result's id (1.x); "" writes null.
	ID string
	// Format selects the JSON keys written (SuiteV0 or 1.x).
	Format SuiteFormat
	// Failures hold, for every failing column-map, column-pair and
	// multicolumn expectation, all its unexpected rows (no cap), named
	// like "expect_column_values_to_be_between(fare_amount)". Pass them to
	// Quarantine. Not part of the JSON.
	Failures []RowFailure
}

// ExpectationValidationResult is one expectation's outcome, shaped as GX's
// ExpectationValidationResult.
type ExpectationValidationResult struct {
	Success bool
	// ExpectationConfig is the expectation validated.
	ExpectationConfig *Expectation
	Result            ExpectationResult
	Meta              map[string]any
	ExceptionInfo     ExceptionInfo

	format SuiteFormat
}

// ExceptionInfo says whether evaluating the expectation raised an error
// (a missing column, a type it cannot apply to), as GX reports caught
// exceptions; the expectation then fails and the suite goes on.
type ExceptionInfo struct {
	RaisedException    bool
	ExceptionMessage   string // "" writes null
	ExceptionTraceback string // "" writes null
}

// ValidationStatistics are the suite-level counts GX reports.
type ValidationStatistics struct {
	EvaluatedExpectations    int      `json:"evaluated_expectations"`
	SuccessfulExpectations   int      `json:"successful_expectations"`
	UnsuccessfulExpectations int      `json:"unsuccessful_expectations"`
	SuccessPercent           *float64 `json:"success_percent"` // nil (null) for an empty suite
}

// ValidationMeta is the result's "meta": what was validated, when, and
// with which suite.
type ValidationMeta struct {
	GreatExpectationsVersion string         `json:"great_expectations_version"`
	ExpectationSuiteName     string         `json:"expectation_suite_name"`
	RunID                    RunID          `json:"run_id"`
	ValidationTime           string         `json:"validation_time"` // 20060102T150405.000000Z
	BatchSpec                map[string]any `json:"batch_spec,omitempty"`
	BatchMarkers             map[string]any `json:"batch_markers,omitempty"`
	ActiveBatchDefinition    map[string]any `json:"active_batch_definition,omitempty"`
	CheckpointName           string         `json:"checkpoint_name,omitempty"`
}

// RunID identifies a validation run as GX's RunIdentifier does.
type RunID struct {
	RunName string    // "" writes null
	RunTime time.Time // written as ISO 8601 with microseconds and offset
}

// MarshalJSON writes {"run_name": ..., "run_time": ...}.
func (r RunID) MarshalJSON() ([]byte, error) {
	return json.Marshal(map[string]any{
		"run_name": gxNullable(r.RunName),
		"run_time": r.RunTime.Format("2006-01-02T15:04:05.000000-07:00"),
	})
}

// UnmarshalJSON reads a run_id.
func (r *RunID) UnmarshalJSON(data []byte) error {
	var m struct {
		RunName *string `json:"run_name"`
		RunTime string  `json:"run_time"`
	}
	if err := json.Unmarshal(data, &m); err != nil {
		return err
	}
	if m.RunName != nil {
		r.RunName = *m.RunName
	}
	if m.RunTime != "" {
		t, err := time.Parse(time.RFC3339Nano, m.RunTime)
		if err != nil {
			return fmt.Errorf("quality: run_time %q: %w", m.RunTime, err)
		}
		r.RunTime = t
	}
	return nil
}

// MarshalJSON writes the exception_info object.
func (x ExceptionInfo) MarshalJSON() ([]byte, error) {
	return gxMarshal(map[string]any{
		"raised_exception":    x.RaisedException,
		"exception_message":   gxNullable(x.ExceptionMessage),
		"exception_traceback": gxNullable(x.ExceptionTraceback),
	}, false)
}

// UnmarshalJSON reads an exception_info object.
func (x *ExceptionInfo) UnmarshalJSON(data []byte) error {
	var m struct {
		Raised bool    `json:"raised_exception"`
		Msg    *string `json:"exception_message"`
		Trace  *string `json:"exception_traceback"`
	}
	if err := json.Unmarshal(data, &m); err != nil {
		return err
	}
	*x = ExceptionInfo{RaisedException: m.Raised}
	if m.Msg != nil {
		x.ExceptionMessage = *m.Msg
	}
	if m.Trace != nil {
		x.ExceptionTraceback = *m.Trace
	}
	return nil
}

// MarshalJSON writes the result with its expectation_config in the
// suite's form (0.x "expectation_type", else 1.x "type").
func (r ExpectationValidationResult) MarshalJSON() ([]byte, error) {
	return gxMarshal(r.toMap(r.format), false)
}

func (r *ExpectationValidationResult) toMap(f SuiteFormat) map[string]any {
	if f == SuiteV1Flat {
		f = SuiteV1
	}
	m := map[string]any{
		"success":        r.Success,
		"result":         r.Result,
		"meta":           r.Meta,
		"exception_info": r.ExceptionInfo,
	}
	if r.Meta == nil {
		m["meta"] = map[string]any{}
	}
	if r.ExpectationConfig != nil {
		m["expectation_config"] = r.ExpectationConfig.toMap(f)
	} else {
		m["expectation_config"] = nil
	}
	return m
}

// UnmarshalJSON reads a result written by GX (either form) or MarshalJSON.
// The expectation config is kept as read, not compiled.
func (r *ExpectationValidationResult) UnmarshalJSON(data []byte) error {
	var m struct {
		Success       *bool             `json:"success"`
		Config        json.RawMessage   `json:"expectation_config"`
		Result        ExpectationResult `json:"result"`
		Meta          map[string]any    `json:"meta"`
		ExceptionInfo ExceptionInfo     `json:"exception_info"`
	}
	if err := json.Unmarshal(data, &m); err != nil {
		return err
	}
	*r = ExpectationValidationResult{Success: m.Success != nil && *m.Success, Result: m.Result, Meta: m.Meta, ExceptionInfo: m.ExceptionInfo}
	if len(m.Config) > 0 && !bytes.Equal(m.Config, []byte("null")) {
		dec := json.NewDecoder(bytes.NewReader(m.Config))
		dec.UseNumber()
		var cm map[string]any
		if err := dec.Decode(&cm); err != nil {
			return err
		}
		if _, ok := cm["expectation_type"]; ok {
			r.format = SuiteV0
		}
		e, err := expectationFromMap(cm, false)
		if err != nil {
			return fmt.Errorf("quality: expectation_config: %w", err)
		}
		r.ExpectationConfig = e
	}
	return nil
}

// MarshalJSON writes the result as GX does: 1.x with "suite_name" and
// "suite_parameters", 0.x with "evaluation_parameters".
func (r SuiteValidationResult) MarshalJSON() ([]byte, error) {
	results := make([]any, len(r.Results))
	for i, x := range r.Results {
		results[i] = x.toMap(r.Format)
	}
	params := r.SuiteParameters
	if params == nil {
		params = map[string]any{}
	}
	m := map[string]any{
		"success":    r.Success,
		"results":    results,
		"statistics": r.Statistics,
		"meta":       r.Meta,
	}
	if r.Format == SuiteV0 {
		m["evaluation_parameters"] = params
	} else {
		m["suite_name"] = r.SuiteName
		m["suite_parameters"] = params
		m["id"] = gxNullable(r.ID)
	}
	return gxMarshal(m, false)
}

// WriteJSON writes the result as indented JSON.
func (r *SuiteValidationResult) WriteJSON(w interface{ Write([]byte) (int, error) }) error {
	data, err := r.MarshalJSON()
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, data, "", "  "); err != nil {
		return err
	}
	buf.WriteByte('\n')
	_, err = w.Write(buf.Bytes())
	return err
}

// UnmarshalJSON reads a suite validation result written by GX (1.x or
// 0.x) or by MarshalJSON.
func (r *SuiteValidationResult) UnmarshalJSON(data []byte) error {
	var m struct {
		Success         bool                           `json:"success"`
		Results         []*ExpectationValidationResult `json:"results"`
		SuiteName       *string                        `json:"suite_name"`
		SuiteParameters map[string]any                 `json:"suite_parameters"`
		EvalParameters  map[string]any                 `json:"evaluation_parameters"`
		Statistics      ValidationStatistics           `json:"statistics"`
		Meta            ValidationMeta                 `json:"meta"`
		ID              *string                        `json:"id"`
	}
	if err := json.Unmarshal(data, &m); err != nil {
		return err
	}
	*r = SuiteValidationResult{Success: m.Success, Results: m.Results, Statistics: m.Statistics, Meta: m.Meta, SuiteParameters: m.SuiteParameters}
	if m.SuiteName != nil {
		r.SuiteName = *m.SuiteName
	} else {
		r.Format = SuiteV0
		r.SuiteName = m.Meta.ExpectationSuiteName
		r.SuiteParameters = m.EvalParameters
	}
	if m.ID != nil {
		r.ID = *m.ID
	}
	for _, x := range r.Results {
		x.format = r.Format
	}
	return nil
}
