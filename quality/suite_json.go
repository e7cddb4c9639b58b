package quality

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
)

// MarshalJSON writes the suite in its Format.
func (s *Suite) MarshalJSON() ([]byte, error) {
	return gxMarshal(s.toMap(s.Format), false)
}

// WriteJSON writes the suite to w as indented JSON in format f (use
// s.Format to keep the form it was read in).
func (s *Suite) WriteJSON(w io.Writer, f SuiteFormat) error {
	data, err := gxMarshal(s.toMap(f), true)
	if err != nil {
		return err
	}
	_, err = w.Write(data)
	return err
}

// WriteFile writes the suite to path in format f; see WriteJSON.
func (s *Suite) WriteFile(path string, f SuiteFormat) error {
	var buf bytes.Buffer
	if err := s.WriteJSON(&buf, f); err != nil {
		return err
	}
	return os.WriteFile(path, buf.Bytes(), 0o644)
}

func (s *Suite) toMap(f SuiteFormat) map[string]any {
	m := map[string]any{}
	for k, v := range s.Extra {
		m[k] = v
	}
	exps := make([]any, len(s.Expectations))
	for i, e := range s.Expectations {
		exps[i] = e.toMap(f)
	}
	m["expectations"] = exps
	meta := s.Meta
	if meta == nil {
		v := GXVersionV1
		if f == SuiteV0 {
			v = GXVersionV0
		}
		meta = map[string]any{"great_expectations_version": v}
	}
	m["meta"] = meta
	if f == SuiteV0 {
		m["expectation_suite_name"] = s.Name
		m["ge_cloud_id"] = gxNullable(s.ID)
		m["data_asset_type"] = gxNullable(s.DataAssetType)
		return m
	}
	m["name"] = s.Name
	m["id"] = gxNullable(s.ID)
	m["notes"] = s.Notes
	return m
}

// toMap renders the expectation as GX writes it in format f.
func (e *Expectation) toMap(f SuiteFormat) map[string]any {
	m := map[string]any{}
	for k, v := range e.Extra {
		m[k] = v
	}
	meta := e.Meta
	if meta == nil {
		meta = map[string]any{}
	}
	m["meta"] = meta
	kwargs := e.Kwargs
	if kwargs == nil {
		kwargs = map[string]any{}
	}
	if f == SuiteV0 {
		m["expectation_type"] = e.Type
		m["kwargs"] = kwargs
		if e.ID != "" {
			m["ge_cloud_id"] = e.ID
		}
		return m
	}
	m["type"] = e.Type
	if f == SuiteV1Flat {
		for k, v := range kwargs {
			m[k] = v
		}
		m["id"] = gxNullable(e.ID)
		m["notes"] = e.Notes
	} else {
		m["kwargs"] = kwargs
		if e.ID != "" {
			m["id"] = e.ID
		}
		if e.Notes != nil {
			m["notes"] = e.Notes
		}
	}
	if e.Description != "" {
		m["description"] = e.Description
	}
	if e.Severity != "" {
		m["severity"] = e.Severity
	}
	return m
}

// Column returns the expectation's "column" kwarg, "" if it has none.
func (e *Expectation) Column() string {
	c, _ := e.Kwargs["column"].(string)
	return c
}

func gxNullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// gxMarshal encodes v without HTML escaping (regexes keep their < > &),
// with sorted keys as GX's stores write them.
func gxMarshal(v any, indent bool) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if indent {
		enc.SetIndent("", "  ")
	}
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	out := buf.Bytes()
	if !indent {
		out = bytes.TrimRight(out, "\n")
	}
	return out, nil
}
