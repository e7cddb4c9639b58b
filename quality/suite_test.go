package quality

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func gxReadJSONFile(t *testing.T, path string) any {
	t.Helper()
	s, err := ReadSuiteFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := s.WriteJSON(&buf, s.Format); err != nil {
		t.Fatal(err)
	}
	return gxWant(t, buf.String())
}

func TestSuiteRoundTrip(t *testing.T) {
	for _, c := range []struct {
		file   string
		format SuiteFormat
		name   string
		n      int
	}{
		{"suite_v1.json", SuiteV1, "trips_suite", 6},
		{"suite_v0.json", SuiteV0, "trips_legacy", 4},
	} {
		t.Run(c.file, func(t *testing.T) {
			path := filepath.Join("testdata", "gx", c.file)
			s, err := ReadSuiteFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if s.Format != c.format || s.Name != c.name || len(s.Expectations) != c.n {
				t.Fatalf("read %v %q with %d expectations", s.Format, s.Name, len(s.Expectations))
			}
			// Written back in its own form, the suite is the file.
			orig, err := readJSONAny(path)
			if err != nil {
				t.Fatal(err)
			}
			if got := gxReadJSONFile(t, path); !reflect.DeepEqual(got, orig) {
				g, _ := json.MarshalIndent(got, "", " ")
				t.Errorf("round trip differs:\n%s", g)
			}
		})
	}
}

func readJSONAny(path string) (any, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var v any
	return v, json.Unmarshal(data, &v)
}

func TestSuiteFormatsConvert(t *testing.T) {
	v0, err := ReadSuiteFile(filepath.Join("testdata", "gx", "suite_v0.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []SuiteFormat{SuiteV1, SuiteV1Flat, SuiteV0} {
		var buf bytes.Buffer
		if err := v0.WriteJSON(&buf, f); err != nil {
			t.Fatal(err)
		}
		back, err := ParseSuite(buf.Bytes())
		if err != nil {
			t.Fatalf("%v: %v\n%s", f, err, buf.String())
		}
		if back.Format != f || back.Name != v0.Name || len(back.Expectations) != len(v0.Expectations) {
			t.Fatalf("%v: read back %v %q", f, back.Format, back.Name)
		}
		for i, e := range back.Expectations {
			want := v0.Expectations[i]
			if e.Type != want.Type || !reflect.DeepEqual(gxJSON(t, e.Kwargs), gxJSON(t, want.Kwargs)) ||
				!reflect.DeepEqual(gxJSON(t, e.Meta), gxJSON(t, want.Meta)) {
				t.Errorf("%v: expectation %d is %s %v %v", f, i, e.Type, e.Kwargs, e.Meta)
			}
		}
	}
	// The 0.x form names the suite and types as 0.x does.
	var buf bytes.Buffer
	v0.WriteJSON(&buf, SuiteV0)
	for _, key := range []string{`"expectation_suite_name"`, `"expectation_type"`, `"data_asset_type": null`, `"ge_cloud_id": null`} {
		if !strings.Contains(buf.String(), key) {
			t.Errorf("0.x output lacks %s", key)
		}
	}
}

func TestSuiteFlatForm(t *testing.T) {
	path := filepath.Join("testdata", "gx", "suite_v1_flat.json")
	s, err := ReadSuiteFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if s.Format != SuiteV1Flat || len(s.Expectations) != 2 {
		t.Fatalf("format %v, %d expectations", s.Format, len(s.Expectations))
	}
	e := s.Expectations[1]
	if e.Type != "expect_column_pair_values_A_to_be_greater_than_B" || e.ID != "7d4c2f1e-0000-4000-8000-000000000002" ||
		e.Kwargs["column_A"] != "dropoff" || e.Kwargs["or_equal"] != true || e.Kwargs["id"] != nil {
		t.Errorf("flat expectation read as %+v", e)
	}
	if s.Expectations[0].Severity != "critical" {
		t.Errorf("severity %q", s.Expectations[0].Severity)
	}
	// Writing is stable: flat in, flat out, kwargs at the top level.
	first := gxReadJSONFile(t, path)
	var buf bytes.Buffer
	s.WriteJSON(&buf, SuiteV1Flat)
	again, err := ParseSuite(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	var buf2 bytes.Buffer
	again.WriteJSON(&buf2, again.Format)
	if !reflect.DeepEqual(first, gxWant(t, buf2.String())) {
		t.Errorf("flat form not stable:\n%s", buf2.String())
	}
	exp := first.(map[string]any)["expectations"].([]any)[1].(map[string]any)
	if exp["column_A"] != "dropoff" || exp["kwargs"] != nil {
		t.Errorf("flat output %v", exp)
	}
}

func TestSuiteLoadErrors(t *testing.T) {
	for _, c := range []struct {
		file  string
		index int
		typ   string
		msg   string
	}{
		{"bad_unknown_type.json", 1, "expect_column_values_to_be_purple", `unknown expectation type "expect_column_values_to_be_purple"`},
		{"bad_kwarg.json", 0, "expect_column_values_to_be_between", "unknown kwargs min_val"},
		{"bad_regex.json", 2, "expect_column_values_to_match_regex", "look-ahead (?!...) is not supported"},
	} {
		_, err := ReadSuiteFile(filepath.Join("testdata", "gx", c.file))
		var ee *ExpectationError
		if !errors.As(err, &ee) {
			t.Errorf("%s: error %v", c.file, err)
			continue
		}
		if ee.Index != c.index || ee.Type != c.typ || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s: %v", c.file, err)
		}
	}
	for _, bad := range []map[string]any{
		{"column": "a"}, // no bounds
		{"column": "a", "min_value": 2, "max_value": 1},
		{"column": "a", "min_value": 1, "mostly": 1.5},
		{"column": "a", "min_value": 1, "row_condition": "b > 1"},
		{"column": "a", "min_value": map[string]any{"$PARAMETER": "lo"}},
		{"column": "a", "min_value": 1, "result_format": "EVERYTHING"},
	} {
		if _, err := NewSuite("s").Add("expect_column_values_to_be_between", bad); err == nil {
			t.Errorf("kwargs %v accepted", bad)
		}
	}
}

func TestAddNormalizesGoKwargs(t *testing.T) {
	s := NewSuite("go")
	_, err := s.Add("expect_column_values_to_be_in_set", map[string]any{"column": "s", "value_set": []string{"a", "b"}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Add("expect_column_quantile_values_to_be_between", map[string]any{"column": "x",
		"quantile_ranges": map[string]any{"quantiles": []float64{0.5}, "value_ranges": [][]float64{{1, 2}}}})
	if err != nil {
		t.Fatal(err)
	}
	tbl := gxTestTable(t, 0, gxc("s", gxStr, "a", "c"), gxc("x", gxF64, 1.0, 2.0))
	res, err := s.Validate(tbl, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Results[0].Success || res.Results[0].Result.UnexpectedCount != 1 || !res.Results[1].Success {
		t.Errorf("results %+v %+v", res.Results[0].Result, res.Results[1].Result)
	}
	// BASIC collects no rows: GX reports unexpected_rows as null.
	rf := map[string]any{"result_format": "BASIC", "include_unexpected_rows": true}
	r := gxRun(t, tbl, "", "expect_column_values_to_be_in_set", map[string]any{"column": "s", "value_set": []any{"a"}, "result_format": rf})
	if m := gxJSON(t, r.Result).(map[string]any); m["unexpected_rows"] != nil || !r.Result.Has(KeyUnexpectedRows) {
		t.Errorf("BASIC unexpected_rows = %v", m["unexpected_rows"])
	}
}
