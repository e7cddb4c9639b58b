package quality

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func gxTrips(t *testing.T) *Table {
	return gxTestTable(t, 3,
		gxc("zone", gxI64, 1, 264, 300, 12, nil, 0),
		gxc("fare", gxF64, 10.5, nil, 7.0, 99.0, 12.0, 3.5),
		gxc("payment", gxStr, "card", "cash", "card", "voucher", "card", nil),
		gxc("vendor", gxStr, "CMT", "VTS", "vts", "CMT", "DDS", "CMT"),
	)
}

func TestSuiteValidationResult(t *testing.T) {
	s, err := ReadSuiteFile(filepath.Join("testdata", "gx", "suite_v1.json"))
	if err != nil {
		t.Fatal(err)
	}
	// An expectation on a missing column raises inside its result; the
	// suite goes on.
	if _, err := s.Add("expect_column_values_to_be_unique", map[string]any{"column": "trip_id"}); err != nil {
		t.Fatal(err)
	}
	runTime := time.Date(2024, 5, 1, 12, 30, 0, 123456000, time.UTC)
	res, err := s.Validate(gxTrips(t), &ValidateOptions{RunName: "nightly", RunTime: runTime,
		BatchSpec: map[string]any{"path": "trips.parquet"}})
	if err != nil {
		t.Fatal(err)
	}
	wantSuccess := []bool{false, false, false, false, true, true, false}
	for i, r := range res.Results {
		if r.Success != wantSuccess[i] {
			t.Errorf("result %d (%s) success %v", i, r.ExpectationConfig.Type, r.Success)
		}
	}
	last := res.Results[6]
	if !last.ExceptionInfo.RaisedException || last.ExceptionInfo.ExceptionMessage != `Error: The column "trip_id" in BatchData does not exist.` ||
		last.Result.Keys != 0 {
		t.Errorf("missing column: %+v", last.ExceptionInfo)
	}
	st := res.Statistics
	if res.Success || st.EvaluatedExpectations != 7 || st.SuccessfulExpectations != 2 || st.UnsuccessfulExpectations != 5 ||
		*st.SuccessPercent != 28.57142857142857 {
		t.Errorf("statistics %+v", st)
	}
	// Row failures: one per failing map expectation, all rows.
	var checks []string
	for _, f := range res.Failures {
		checks = append(checks, f.Check+"="+strings.Trim(jsonString(t, stRowsOf(f.Rows)), "[]"))
	}
	want := []string{
		"expect_column_values_to_be_between(zone)=2,5",
		"expect_column_values_to_not_be_null(fare)=1",
		"expect_column_values_to_be_in_set(payment)=3",
		"expect_column_values_to_match_regex(vendor)=2",
	}
	if !reflect.DeepEqual(checks, want) {
		t.Errorf("failures %v, want %v", checks, want)
	}

	// The JSON has GX's shape.
	data, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	json.Unmarshal(data, &m)
	for _, k := range []string{"success", "results", "suite_name", "suite_parameters", "statistics", "meta", "id"} {
		if _, ok := m[k]; !ok {
			t.Errorf("result JSON lacks %q", k)
		}
	}
	meta := gxJSON(t, m["meta"])
	wantMeta := gxWant(t, `{"great_expectations_version":"1.3.5","expectation_suite_name":"trips_suite",
		"run_id":{"run_name":"nightly","run_time":"2024-05-01T12:30:00.123456+00:00"},
		"validation_time":"20240501T123000.123456Z","batch_spec":{"path":"trips.parquet"}}`)
	if !reflect.DeepEqual(meta, wantMeta) {
		t.Errorf("meta %v", meta)
	}
	first := gxJSON(t, m["results"].([]any)[0])
	wantFirst := gxWant(t, `{"success":false,
		"expectation_config":{"type":"expect_column_values_to_be_between","id":"0b6f1a44-5c4e-4d38-9d43-3f4a2b9b1a01",
			"kwargs":{"column":"zone","min_value":1,"max_value":265},"meta":{},"severity":"critical"},
		"result":{"element_count":6,"unexpected_count":2,"unexpected_percent":40,"missing_count":1,
			"missing_percent":16.666666666666664,"unexpected_percent_total":33.33333333333333,
			"unexpected_percent_nonmissing":40,"partial_unexpected_list":[300,0],
			"partial_unexpected_index_list":[2,5],
			"partial_unexpected_counts":[{"value":0,"count":1},{"value":300,"count":1}]},
		"meta":{},
		"exception_info":{"raised_exception":false,"exception_message":null,"exception_traceback":null}}`)
	if !reflect.DeepEqual(first, wantFirst) {
		g, _ := json.Marshal(first)
		t.Errorf("first result\n got %s", g)
	}

	// It reads back to the same JSON.
	var back SuiteValidationResult
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	again, _ := json.Marshal(&back)
	if !reflect.DeepEqual(gxWant(t, string(data)), gxWant(t, string(again))) {
		t.Errorf("result JSON does not round-trip:\n%s\n%s", data, again)
	}
	if !back.Meta.RunID.RunTime.Equal(runTime) || back.Results[6].ExceptionInfo.ExceptionMessage != last.ExceptionInfo.ExceptionMessage {
		t.Errorf("read back %+v", back.Meta)
	}

	// Quarantine splits by the failures: rows 1, 2, 3, 5 out.
	split, err := Quarantine(gxTrips(t), res.Failures...)
	if err != nil {
		t.Fatal(err)
	}
	defer split.Release()
	if split.ValidRows != 2 || split.RejectedRows != 4 {
		t.Errorf("quarantine %d valid, %d rejected", split.ValidRows, split.RejectedRows)
	}
}

func stRowsOf(s *RowSet) []int64 {
	var out []int64
	s.Each(func(r int64) bool { out = append(out, r); return true })
	return out
}

func jsonString(t *testing.T, v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestLegacyResultShape(t *testing.T) {
	s, err := ReadSuiteFile(filepath.Join("testdata", "gx", "suite_v0.json"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.Validate(gxTrips(t), &ValidateOptions{RunTime: time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := res.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	json.Unmarshal(buf.Bytes(), &m)
	if _, ok := m["evaluation_parameters"]; !ok {
		t.Error("0.x result lacks evaluation_parameters")
	}
	if _, ok := m["suite_name"]; ok {
		t.Error("0.x result has suite_name")
	}
	cfg := m["results"].([]any)[1].(map[string]any)["expectation_config"].(map[string]any)
	if cfg["expectation_type"] != "expect_column_values_to_be_between" || cfg["type"] != nil {
		t.Errorf("0.x expectation_config %v", cfg)
	}
	// The columns match; zone has 2 of 5 values out of range (mostly
	// 0.99 fails); trip_id is missing (raises); no vendor has a space.
	got := []bool{}
	for _, r := range res.Results {
		got = append(got, r.Success)
	}
	if !reflect.DeepEqual(got, []bool{true, false, false, true}) {
		t.Errorf("successes %v", got)
	}
	if !res.Results[2].ExceptionInfo.RaisedException {
		t.Error("unique on the missing trip_id column did not raise")
	}
	if m["meta"].(map[string]any)["run_id"].(map[string]any)["run_name"] != nil {
		t.Error("run_name not null")
	}
	var back SuiteValidationResult
	if err := json.Unmarshal(buf.Bytes(), &back); err != nil || back.Format != SuiteV0 || back.SuiteName != "trips_legacy" {
		t.Errorf("read back %v %v %q", err, back.Format, back.SuiteName)
	}
}

func TestEmptySuiteStatistics(t *testing.T) {
	res, err := NewSuite("empty").Validate(gxTrips(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	got := gxJSON(t, res.Statistics)
	want := gxWant(t, `{"evaluated_expectations":0,"successful_expectations":0,"unsuccessful_expectations":0,"success_percent":null}`)
	if !res.Success || !reflect.DeepEqual(got, want) {
		t.Errorf("empty suite: %v %v", res.Success, got)
	}
}
