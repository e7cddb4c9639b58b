package quality

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// docsFixture returns a suite mixing passing, failing and raising
// expectations, and a 6-row table whose text column holds markup.
func docsFixture(t testing.TB) (*Suite, *Table) {
	t.Helper()
	s := NewSuite("trips <nightly>")
	for _, e := range []struct {
		typ string
		kw  map[string]any
	}{
		{"expect_table_row_count_to_be_between", map[string]any{"min_value": 1, "max_value": 100}},
		{"expect_column_values_to_not_be_null", map[string]any{"column": "x"}},
		{"expect_column_values_to_be_between", map[string]any{"column": "x", "min_value": 1, "max_value": 265}},
		{"expect_column_values_to_be_in_set", map[string]any{"column": "s", "value_set": []any{"ab", "c"}}},
		{"expect_column_mean_to_be_between", map[string]any{"column": "x", "min_value": 0, "max_value": 100, "strict_min": true}},
		{"expect_column_values_to_be_between", map[string]any{"column": "nope", "min_value": 0}},
	} {
		if _, err := s.Add(e.typ, e.kw); err != nil {
			t.Fatal(err)
		}
	}
	s.Expectations[1].Severity = "critical"
	b := testBatch(t, []any{1.5, nil, 300.0, 4.0, 0.5, 2.5},
		[]string{"ab", "<script>alert(1)</script>", "c", "<script>alert(1)</script>", "zz", "ab"})
	defer b.Release()
	tbl, err := NewTable(b)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(tbl.Release)
	return s, tbl
}

func docsValidate(t testing.TB, s *Suite, tbl *Table, run string, at time.Time) *SuiteValidationResult {
	t.Helper()
	r, err := s.Validate(tbl, &ValidateOptions{RunName: run, RunTime: at})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestDocsRunPage(t *testing.T) {
	s, tbl := docsFixture(t)
	at := time.Date(2024, 5, 1, 12, 30, 0, 0, time.UTC)
	r, err := s.Validate(tbl, &ValidateOptions{RunName: "run/1", RunTime: at, CheckpointName: "cp",
		BatchSpec: map[string]any{"path": "trips<1>.parquet"}})
	if err != nil {
		t.Fatal(err)
	}
	d := DataDocs{Dir: t.TempDir()}
	page, err := d.Write(r)
	if err != nil {
		t.Fatal(err)
	}
	wantRel := "validations/trips%20%3Cnightly%3E/run%2F1/20240501T123000.000000Z.html"
	if got, _ := filepath.Rel(d.Dir, page); filepath.ToSlash(got) != wantRel {
		t.Errorf("page at %s, want %s", got, wantRel)
	}
	data, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	html := string(data)
	for _, want := range []string{
		"<title>trips &lt;nightly&gt; · run/1 · Data Docs</title>",
		"<h1>trips &lt;nightly&gt;</h1>",
		"✖ Failed",
		"2024-05-01 12:30:00 UTC",
		`<div class="num">6</div><div class="lbl">evaluated</div>`,
		`<div class="num">2</div><div class="lbl">successful</div>`,
		"values must be between 1 and 265",
		"values must never be null",
		"must have between 1 and 100 rows",
		"mean must be greater than 0 and less than or equal to 100",
		"values must belong to this set: ab, c",
		"expect_column_values_to_be_between</code>",
		`&#34;max_value&#34;: 265`,
		`<code class="col">x</code>`,
		`<span class="cnt bad">1</span> <span class="muted">of 6</span><div class="pct">16.67%</div>`,
		"&lt;script&gt;alert(1)&lt;/script&gt;</code></td><td class=\"times\">×2</td>",
		"rows 1, 3",
		`<div class="exception"><strong>Exception:</strong> Error: The column &#34;nope&#34; in BatchData does not exist.`,
		`href="../../../index.html"`,
		`href="20240501T123000.000000Z.json"`,
		`<div class="sev critical">critical</div>`,
		`<summary>Batch spec</summary><pre>{
  &#34;path&#34;: &#34;trips&lt;1&gt;.parquet&#34;
}</pre>`,
		"<dt>Checkpoint</dt><dd>cp</dd>",
		"Show failed only (4)",
	} {
		if !strings.Contains(html, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if strings.Contains(html, "<script>") {
		t.Error("page holds an unescaped <script>")
	}
	if n := strings.Count(html, `<tr class="expectation `); n != 6 {
		t.Errorf("%d expectation rows, want 6", n)
	}
	for status, n := range map[string]int{"pass": 2, "fail": 3, "error": 1} {
		if got := strings.Count(html, `data-status="`+status+`"`); got != n {
			t.Errorf("%d %s rows, want %d", got, status, n)
		}
	}
	// The JSON beside the page is the GX result and reads back.
	js, err := os.ReadFile(strings.TrimSuffix(page, ".html") + ".json")
	if err != nil {
		t.Fatal(err)
	}
	var back SuiteValidationResult
	if err := json.Unmarshal(js, &back); err != nil {
		t.Fatal(err)
	}
	if back.SuiteName != s.Name || back.Meta.RunID.RunName != "run/1" || len(back.Results) != 6 || back.Success {
		t.Errorf("stored result %+v", back)
	}
}

func TestDocsIndexAccumulatesNewestFirst(t *testing.T) {
	s, tbl := docsFixture(t)
	dir := t.TempDir()
	base := time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)
	// Runs are written out of order, each by a fresh DataDocs as separate
	// invocations would; the index shows them newest first.
	for _, day := range []int{2, 1, 3} {
		r := docsValidate(t, s, tbl, "day-"+string(rune('0'+day)), base.AddDate(0, 0, day))
		if _, err := (DataDocs{Dir: dir}).Write(r); err != nil {
			t.Fatal(err)
		}
	}
	// A passing run of another suite, stored without a page.
	ok := NewSuite("other")
	if _, err := ok.Add("expect_column_to_exist", map[string]any{"column": "x"}); err != nil {
		t.Fatal(err)
	}
	res := &CheckpointResult{Result: docsValidate(t, ok, tbl, "", base.AddDate(0, 0, 4))}
	if _, err := (StoreResultAction{Dir: dir}).Run(t.Context(), res); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "validations", "junk.json"), []byte("[1]"), 0o644); err != nil {
		t.Fatal(err)
	}
	d := DataDocs{Dir: dir, Title: "Trips & Co"}
	if err := d.BuildIndex(); err != nil {
		t.Fatal(err)
	}
	runs, skipped, err := d.Runs()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, r := range runs {
		names = append(names, r.Suite+"/"+r.RunName)
	}
	if got := strings.Join(names, ","); got != "other/,"+s.Name+"/day-3,"+s.Name+"/day-2,"+s.Name+"/day-1" {
		t.Errorf("runs %s", got)
	}
	if len(skipped) != 1 || skipped[0] != "validations/junk.json" {
		t.Errorf("skipped %v", skipped)
	}
	// The stored-only run got its page.
	if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(runs[0].PagePath))); err != nil {
		t.Errorf("no page for the stored run: %v", err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	html := string(data)
	for _, want := range []string{"<title>Trips &amp; Co</title>", `<div class="num">4</div><div class="lbl">runs</div>`,
		`<div class="num">2</div><div class="lbl">suites</div>`, "validations/junk.json", `<span class="cnt">2</span> <span class="muted">of 6 passed</span>`} {
		if !strings.Contains(html, want) {
			t.Errorf("index lacks %q", want)
		}
	}
	hrefs := regexp.MustCompile(`<td data-label="Run time"><a href="([^"]+)"`).FindAllStringSubmatch(html, -1)
	if len(hrefs) != 4 {
		t.Fatalf("%d runs listed, want 4", len(hrefs))
	}
	for i, want := range []string{"other/__none__/20240505", "day-3/20240504", "day-2/20240503", "day-1/20240502"} {
		if !strings.Contains(hrefs[i][1], want) {
			t.Errorf("run %d links %s, want %s", i, hrefs[i][1], want)
		}
	}
	// Hrefs escape the percent signs of escaped names.
	if !strings.Contains(hrefs[1][1], "validations/trips%2520%253Cnightly%253E/day-3/") {
		t.Errorf("href %s", hrefs[1][1])
	}
	if strings.Count(html, `class="run pass"`) != 1 || strings.Count(html, `class="run fail"`) != 3 {
		t.Error("wrong pass/fail classes in the index")
	}
}

func TestDocsEmptyAndErrors(t *testing.T) {
	d := DataDocs{Dir: t.TempDir()}
	if err := d.BuildIndex(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(d.Dir, "index.html"))
	if err != nil || !strings.Contains(string(data), "No validation runs yet.") {
		t.Errorf("empty index: %v %q", err, data)
	}
	if _, err := (DataDocs{}).Write(&SuiteValidationResult{}); err == nil {
		t.Error("Write with no Dir succeeded")
	}
	if _, err := d.Write(nil); err == nil {
		t.Error("Write(nil) succeeded")
	}
}

func TestDocsDescribeExpectation(t *testing.T) {
	for _, c := range []struct {
		typ  string
		kw   map[string]any
		want string
	}{
		{"expect_column_values_to_be_between", map[string]any{"column": "a", "min_value": 1, "max_value": 265, "mostly": 0.95},
			"values must be between 1 and 265, at least 95% of the time"},
		{"expect_column_values_to_be_between", map[string]any{"column": "a", "max_value": json.Number("1e3"), "strict_max": true},
			"values must be less than 1000"},
		{"expect_column_value_lengths_to_equal", map[string]any{"column": "a", "value": 5}, "values must be 5 characters long"},
		{"expect_column_pair_values_A_to_be_greater_than_B", map[string]any{"column_A": "a", "column_B": "b", "or_equal": true},
			"values in a must be greater than or equal to those in b"},
		{"expect_table_columns_to_match_set", map[string]any{"column_set": []any{"a", "b"}, "exact_match": false},
			"must have at least these columns: a, b"},
		{"expect_column_quantile_values_to_be_between", map[string]any{"column": "a", "quantile_ranges": map[string]any{
			"quantiles": []any{0.5}, "value_ranges": []any{[]any{1, 2}}}}, "quantiles must be within these ranges: q0.5 in [1, 2]"},
		{"expect_column_values_to_be_increasing", map[string]any{"column": "a", "strictly": true}, "values must be greater than previous values"},
	} {
		e := &Expectation{Type: c.typ, Kwargs: c.kw}
		if got := DescribeExpectation(e); got != c.want {
			t.Errorf("%s: %q, want %q", c.typ, got, c.want)
		}
	}
	if got := DescribeExpectation(&Expectation{Type: "expect_column_foo_bar"}); got != "column foo bar" {
		t.Errorf("fallback %q", got)
	}
	if got := DescribeExpectation(&Expectation{Type: "x", Description: "mine"}); got != "mine" {
		t.Errorf("description %q", got)
	}
}

// A result written by GX 0.x itself, in GX's deeper store layout, gets a
// page and a place in the index.
func TestDocsRendersGXWrittenResult(t *testing.T) {
	const gx = `{
  "success": false,
  "results": [{
    "success": false,
    "expectation_config": {"expectation_type": "expect_column_values_to_be_in_set",
      "kwargs": {"column": "payment_type", "value_set": [1, 2, 3], "batch_id": "b1"}, "meta": {}},
    "result": {"element_count": 10, "missing_count": 0, "missing_percent": 0.0, "unexpected_count": 2,
      "unexpected_percent": 20.0, "unexpected_percent_total": 20.0, "unexpected_percent_nonmissing": 20.0,
      "partial_unexpected_list": [5, 5], "partial_unexpected_index_list": [3, 7],
      "partial_unexpected_counts": [{"value": 5, "count": 2}]},
    "meta": {},
    "exception_info": {"raised_exception": false, "exception_traceback": null, "exception_message": null}
  }],
  "evaluation_parameters": {},
  "statistics": {"evaluated_expectations": 1, "successful_expectations": 0, "unsuccessful_expectations": 1, "success_percent": 0.0},
  "meta": {"great_expectations_version": "0.18.8", "expectation_suite_name": "taxi.demo",
    "run_id": {"run_name": null, "run_time": "2023-11-02T10:00:00.123456+00:00"},
    "batch_spec": {"path": "yellow.parquet"}, "validation_time": "20231102T100000.123456Z", "checkpoint_name": "cp"}
}`
	dir := t.TempDir()
	rel := "validations/taxi/demo/__none__/20231102T100000.123456Z/b1.json"
	p := filepath.Join(dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(gx), 0o644); err != nil {
		t.Fatal(err)
	}
	d := DataDocs{Dir: dir}
	if err := d.BuildIndex(); err != nil {
		t.Fatal(err)
	}
	page, err := os.ReadFile(strings.TrimSuffix(p, ".json") + ".html")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<h1>taxi.demo</h1>", "values must belong to this set: 1, 2, 3",
		`href="../../../../../index.html"`, "<dd>0.18.8</dd>", `×2`, "rows 3, 7", "2023-11-02 10:00:00 UTC"} {
		if !strings.Contains(string(page), want) {
			t.Errorf("page lacks %q", want)
		}
	}
	index, err := os.ReadFile(filepath.Join(dir, "index.html"))
	if err != nil || !strings.Contains(string(index), `href="validations/taxi/demo/__none__/20231102T100000.123456Z/b1.html"`) {
		t.Errorf("index does not link the GX run (%v)", err)
	}
}
