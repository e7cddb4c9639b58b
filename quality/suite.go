package quality

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
)

// SuiteFormat names a JSON layout of a Great Expectations suite.
type SuiteFormat int

const (
	// SuiteV1 is GX 1.x as its expectation stores write it: "name", "id",
	// "meta", "notes", and expectations holding "type", "kwargs", "meta" and
	// optionally "id", "notes", "description", "severity".
	SuiteV1 SuiteFormat = iota
	// SuiteV1Flat is GX 1.x's Expectation model form (as GX Cloud and
	// Expectation.dict() show it): each expectation's kwargs sit at its top
	// level beside "type", "id", "meta", "notes" and "severity".
	SuiteV1Flat
	// SuiteV0 is the legacy 0.x form: "expectation_suite_name",
	// "data_asset_type", "ge_cloud_id", and expectations holding
	// "expectation_type", "kwargs" and "meta".
	SuiteV0
)

// String returns the format's name.
func (f SuiteFormat) String() string {
	switch f {
	case SuiteV1:
		return "gx-1.x"
	case SuiteV1Flat:
		return "gx-1.x-flat"
	case SuiteV0:
		return "gx-0.x"
	}
	return fmt.Sprintf("SuiteFormat(%d)", int(f))
}

// Versions written into the meta of suites and results that carry none.
const (
	GXVersionV1 = "1.0.0"
	GXVersionV0 = "0.18.0"
)

// Suite is a Great Expectations expectation suite: a named list of
// expectations. Load one from GX JSON with ParseSuite or ReadSuiteFile,
// or build one with NewSuite and Add; run it with Validate.
type Suite struct {
	// Name is the suite's name ("name" in 1.x, "expectation_suite_name" in 0.x).
	Name string
	// ID is the suite's id ("id" in 1.x, "ge_cloud_id" in 0.x); "" writes null.
	ID string
	// Expectations run in order; results keep that order.
	Expectations []*Expectation
	// Meta is the suite's metadata, kept as given.
	Meta map[string]any
	// Notes are the suite's notes (1.x): nil, a string or a list of strings.
	Notes any
	// DataAssetType is the 0.x "data_asset_type"; "" writes null.
	DataAssetType string
	// Format is the layout the suite was read in, and the one MarshalJSON
	// writes.
	Format SuiteFormat
	// Extra holds top-level keys this package does not interpret, written
	// back unchanged.
	Extra map[string]any
}

// Expectation is one expectation of a suite: its GX type (such as
// "expect_column_values_to_be_between") and kwargs, checked and compiled
// when the suite is loaded or the expectation added.
type Expectation struct {
	// Type is the expectation type in snake case.
	Type string
	// Kwargs are the expectation's arguments as in GX JSON: column,
	// bounds, mostly, result_format and so on. Numbers read from JSON are
	// json.Number, so they round-trip exactly.
	Kwargs map[string]any
	// Meta is the expectation's metadata, kept as given.
	Meta map[string]any
	// ID is the 1.x "id" or 0.x "ge_cloud_id"; "" omits it.
	ID string
	// Notes (1.x) are nil, a string or a list of strings.
	Notes any
	// Description (1.x) replaces the rendered description when set.
	Description string
	// Severity (1.x) is "critical", "warning" or "info"; "" omits it.
	Severity string
	// Extra holds the expectation's other keys (rendered_content,
	// expectation_context, ...), written back unchanged.
	Extra map[string]any

	impl gxImpl
}

// NewSuite returns an empty suite in the 1.x format.
func NewSuite(name string) *Suite {
	return &Suite{Name: name, Format: SuiteV1}
}

// Add appends an expectation of type typ with kwargs, checking them as a
// loaded suite's are. Kwargs may use any Go types that encode to the JSON
// GX expects ([]string for a value_set, float64 bounds...); they are
// stored as loaded suites hold them. It returns the expectation so that callers may set
// its Meta, Notes or Severity.
func (s *Suite) Add(typ string, kwargs map[string]any) (*Expectation, error) {
	e := &Expectation{Type: typ}
	norm, err := gxNormalize(kwargs)
	if err == nil {
		e.Kwargs = norm
		err = e.compile()
	}
	if err != nil {
		return nil, &ExpectationError{Index: len(s.Expectations), Type: typ, Err: err}
	}
	s.Expectations = append(s.Expectations, e)
	return e, nil
}

// gxNormalize passes Go kwargs through JSON so that they take the forms
// a loaded suite has ([]any lists, json.Number numbers, map[string]any
// objects), whatever Go types the caller used.
func gxNormalize(kwargs map[string]any) (map[string]any, error) {
	data, err := json.Marshal(kwargs)
	if err != nil {
		return nil, fmt.Errorf("kwargs are not JSON: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var out map[string]any
	if err := dec.Decode(&out); err != nil {
		return nil, err
	}
	if out == nil {
		out = map[string]any{}
	}
	return out, nil
}

// ExpectationError reports an expectation a suite cannot run: an unknown
// type, a missing or malformed kwarg, a regex Go cannot run.
type ExpectationError struct {
	Index int    // position in the suite's expectations
	Type  string // expectation type as given
	Err   error
}

// Error names the expectation and what is wrong with it.
func (e *ExpectationError) Error() string {
	return fmt.Sprintf("quality: expectation %d (%s): %v", e.Index, e.Type, e.Err)
}

// Unwrap returns the underlying error.
func (e *ExpectationError) Unwrap() error { return e.Err }

// ParseSuite reads a suite from GX JSON in either the 1.x or the legacy
// 0.x form (detected from its keys) and compiles every expectation. The
// first expectation that cannot run is reported as an *ExpectationError.
func ParseSuite(data []byte) (*Suite, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var top map[string]any
	if err := dec.Decode(&top); err != nil {
		return nil, fmt.Errorf("quality: reading suite JSON: %w", err)
	}
	return suiteFromMap(top)
}

// ReadSuite reads a suite from r; see ParseSuite.
func ReadSuite(r io.Reader) (*Suite, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("quality: reading suite: %w", err)
	}
	return ParseSuite(data)
}

// ReadSuiteFile reads a suite from a JSON file; see ParseSuite.
func ReadSuiteFile(path string) (*Suite, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("quality: %w", err)
	}
	s, err := ParseSuite(data)
	if err != nil {
		return nil, fmt.Errorf("%w (in %s)", err, path)
	}
	return s, nil
}

func suiteFromMap(top map[string]any) (*Suite, error) {
	s := &Suite{Extra: map[string]any{}}
	_, v0 := top["expectation_suite_name"]
	if v0 {
		s.Format = SuiteV0
	}
	for k, v := range top {
		switch k {
		case "name", "expectation_suite_name":
			name, ok := v.(string)
			if !ok {
				return nil, fmt.Errorf("quality: suite %s is %T, want a string", k, v)
			}
			s.Name = name
		case "id", "ge_cloud_id":
			if v != nil {
				s.ID = fmt.Sprint(v)
			}
		case "meta":
			m, ok := v.(map[string]any)
			if v != nil && !ok {
				return nil, fmt.Errorf("quality: suite meta is %T, want an object", v)
			}
			s.Meta = m
		case "notes":
			s.Notes = v
		case "data_asset_type":
			if v != nil {
				s.DataAssetType = fmt.Sprint(v)
			}
		case "expectations":
		default:
			s.Extra[k] = v
		}
	}
	if s.Name == "" {
		return nil, fmt.Errorf("quality: suite has no name (\"name\" in GX 1.x, \"expectation_suite_name\" in 0.x)")
	}
	raw, _ := top["expectations"].([]any)
	if top["expectations"] != nil && raw == nil {
		return nil, fmt.Errorf("quality: suite %q: expectations is %T, want a list", s.Name, top["expectations"])
	}
	flat := false
	for i, r := range raw {
		m, ok := r.(map[string]any)
		if !ok {
			return nil, &ExpectationError{Index: i, Err: fmt.Errorf("is %T, want an object", r)}
		}
		_, hasKwargs := m["kwargs"]
		if !hasKwargs && !v0 {
			flat = true
		}
		e, err := expectationFromMap(m, !hasKwargs && !v0)
		if err == nil {
			err = e.compile()
		}
		if err != nil {
			return nil, &ExpectationError{Index: i, Type: e.Type, Err: err}
		}
		s.Expectations = append(s.Expectations, e)
	}
	if flat {
		s.Format = SuiteV1Flat
	}
	return s, nil
}

// expectationFromMap reads one expectation without compiling it; flat
// means its kwargs are at the top level (1.x Expectation model form).
func expectationFromMap(m map[string]any, flat bool) (*Expectation, error) {
	e := &Expectation{Kwargs: map[string]any{}}
	if t, ok := m["type"].(string); ok {
		e.Type = t
	} else if t, ok := m["expectation_type"].(string); ok {
		e.Type = t
	}
	for k, v := range m {
		switch k {
		case "type", "expectation_type":
		case "kwargs":
			kw, ok := v.(map[string]any)
			if v != nil && !ok {
				return e, fmt.Errorf("kwargs is %T, want an object", v)
			}
			for kk, vv := range kw {
				e.Kwargs[kk] = vv
			}
		case "meta":
			mm, ok := v.(map[string]any)
			if v != nil && !ok {
				return e, fmt.Errorf("meta is %T, want an object", v)
			}
			e.Meta = mm
		case "id", "ge_cloud_id":
			if v != nil {
				e.ID = fmt.Sprint(v)
			}
		case "notes":
			e.Notes = v
		case "description":
			if v != nil {
				e.Description = fmt.Sprint(v)
			}
		case "severity":
			if v != nil {
				e.Severity = fmt.Sprint(v)
			}
		case "rendered_content", "expectation_context", "success_on_last_run":
			if e.Extra == nil {
				e.Extra = map[string]any{}
			}
			e.Extra[k] = v
		default:
			if flat {
				e.Kwargs[k] = v
				continue
			}
			if e.Extra == nil {
				e.Extra = map[string]any{}
			}
			e.Extra[k] = v
		}
	}
	if e.Type == "" {
		return e, fmt.Errorf("has no type (\"type\" in GX 1.x, \"expectation_type\" in 0.x)")
	}
	return e, nil
}
