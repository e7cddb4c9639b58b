package quality

import (
	"embed"
	"fmt"
	"html/template"
	"io"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"
)

//go:embed docs_assets
var docsAssets embed.FS

// docsTemplates are the site's page templates, parsed once.
var docsTemplates = template.Must(template.New("").ParseFS(docsAssets, "docs_assets/*.tmpl"))

// docsCSS is the stylesheet inlined into every page.
var docsCSS = func() template.CSS {
	data, err := docsAssets.ReadFile("docs_assets/style.css")
	if err != nil {
		panic(err)
	}
	return template.CSS(data)
}()

// docsSampleMax caps the unexpected values shown per expectation.
const docsSampleMax = 8

// docsPage holds what every page shows.
type docsPage struct {
	SiteTitle string
	Title     string
	IndexHref string
	CSS       template.CSS
}

// docsRunView is a run page's data.
type docsRunView struct {
	docsPage
	Suite, RunName, RunTime         string
	Checkpoint, GXVersion, JSONHref string
	Success                         bool
	Stats                           ValidationStatistics
	SuccessPercent                  string
	SuccessBar                      float64
	Meta                            []docsKV
	Rows                            []docsRowView
	Errors                          int
}

// docsKV is a labelled value (batch spec, markers).
type docsKV struct{ Key, Value string }

// docsValue is a value as shown: Kind is "null", "empty", "text" or "json".
type docsValue struct{ Text, Kind string }

// docsSample is one unexpected value and how often it occurred.
type docsSample struct {
	Value docsValue
	Count string
}

// docsRowView is one expectation's row.
type docsRowView struct {
	N                     int
	Status, StatusText    string
	Description, Type     string
	Kwargs, Column        string
	Severity              string
	Observed              docsValue
	HasCounts             bool
	Unexpected, Elements  string
	UnexpectedPercent     string
	Missing               string
	Samples               []docsSample
	SampleMore            int
	SampleRows            string
	Details               string
	Exception, Traceback  string
	HasSamples, HasResult bool
}

// docsIndexView is the index page's data.
type docsIndexView struct {
	docsPage
	Runs                  []docsIndexRow
	Suites, Passed, Fails int
	Skipped               []string
}

// docsIndexRow is one run in the index.
type docsIndexRow struct {
	Href, JSONHref, RunTime, Suite, RunName, Checkpoint string
	Success                                             bool
	Stats                                               ValidationStatistics
	SuccessPercent                                      string
	SuccessBar                                          float64
}

// docsHref turns a site-relative path into a URL path relative to the
// page at fromRel, escaping each segment.
func docsHref(fromRel, toRel string) string {
	depth := strings.Count(fromRel, "/")
	segs := strings.Split(toRel, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return strings.Repeat("../", depth) + strings.Join(segs, "/")
}

func docsTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04:05 UTC")
}

// docsBar is a percent clamped to [0, 100] for a bar's width.
func docsBar(p *float64) float64 {
	if p == nil || *p != *p {
		return 0
	}
	return max(0, min(100, *p))
}

func docsValueOf(v any) docsValue {
	switch v := v.(type) {
	case nil:
		return docsValue{"null", "null"}
	case string:
		if v == "" {
			return docsValue{`""`, "empty"}
		}
		return docsValue{v, "text"}
	case []any, map[string]any, []string, []float64:
		return docsValue{docsText(v), "json"}
	}
	return docsValue{docsText(v), "text"}
}

// docsJSON renders v as indented JSON for the raw views.
func docsJSON(v any) string {
	data, err := gxMarshal(gxJSONSafe(v), true)
	if err != nil {
		return fmt.Sprint(v)
	}
	return strings.TrimRight(string(data), "\n")
}

// renderRunPage writes the page of one run; pageRel is its path relative
// to the site root.
func renderRunPage(w io.Writer, site, pageRel string, r *SuiteValidationResult) error {
	runName := r.Meta.RunID.RunName
	v := docsRunView{
		docsPage: docsPage{
			SiteTitle: site,
			IndexHref: docsHref(pageRel, "index.html"),
			CSS:       docsCSS,
		},
		Suite:          r.SuiteName,
		RunName:        runName,
		RunTime:        docsTime(r.Meta.RunID.RunTime),
		Checkpoint:     r.Meta.CheckpointName,
		GXVersion:      r.Meta.GreatExpectationsVersion,
		JSONHref:       url.PathEscape(strings.TrimSuffix(path.Base(pageRel), ".html") + ".json"),
		Success:        r.Success,
		Stats:          r.Statistics,
		SuccessPercent: docsPercent(r.Statistics.SuccessPercent),
		SuccessBar:     docsBar(r.Statistics.SuccessPercent),
	}
	if v.Suite == "" {
		v.Suite = r.Meta.ExpectationSuiteName
	}
	name := runName
	if name == "" {
		name = v.RunTime
	}
	v.Title = v.Suite + " · " + name
	for _, kv := range []struct {
		k string
		m map[string]any
	}{{"Batch spec", r.Meta.BatchSpec}, {"Batch markers", r.Meta.BatchMarkers}, {"Batch definition", r.Meta.ActiveBatchDefinition}} {
		if len(kv.m) > 0 {
			v.Meta = append(v.Meta, docsKV{kv.k, docsJSON(kv.m)})
		}
	}
	for i, x := range r.Results {
		row := docsRow(i+1, x)
		if row.Status == "error" {
			v.Errors++
		}
		v.Rows = append(v.Rows, row)
	}
	return docsTemplates.ExecuteTemplate(w, "run.html.tmpl", v)
}

// docsRow builds one expectation's row.
func docsRow(n int, x *ExpectationValidationResult) docsRowView {
	row := docsRowView{N: n, Status: "pass", StatusText: "passed"}
	if !x.Success {
		row.Status, row.StatusText = "fail", "failed"
	}
	if x.ExceptionInfo.RaisedException {
		row.Status, row.StatusText = "error", "error"
		row.Exception = x.ExceptionInfo.ExceptionMessage
		if row.Exception == "" {
			row.Exception = "the expectation raised an exception"
		}
		if x.ExceptionInfo.ExceptionTraceback != row.Exception {
			row.Traceback = x.ExceptionInfo.ExceptionTraceback
		}
	}
	if e := x.ExpectationConfig; e != nil {
		row.Type = e.Type
		row.Description = DescribeExpectation(e)
		row.Kwargs = docsJSON(e.Kwargs)
		row.Severity = e.Severity
		row.Column = e.Column()
		if row.Column == "" {
			var cols []string
			for _, k := range []string{"column_A", "column_B"} {
				if c, ok := e.Kwargs[k].(string); ok {
					cols = append(cols, c)
				}
			}
			if l, ok := e.Kwargs["column_list"].([]any); ok {
				for _, c := range l {
					cols = append(cols, docsText(c))
				}
			}
			row.Column = strings.Join(cols, ", ")
		}
	}
	res := &x.Result
	row.HasResult = res.Keys != 0
	if res.Has(KeyObservedValue) {
		row.Observed = docsValueOf(res.ObservedValue)
	}
	if res.Has(KeyUnexpectedCount) {
		row.HasCounts = true
		row.Unexpected = strconv.FormatInt(res.UnexpectedCount, 10)
		row.UnexpectedPercent = docsPercent(res.UnexpectedPercent)
	}
	if res.Has(KeyElementCount) {
		row.Elements = strconv.FormatInt(res.ElementCount, 10)
	}
	if res.Has(KeyMissingCount) && res.MissingCount > 0 {
		row.Missing = strconv.FormatInt(res.MissingCount, 10)
		if p := docsPercent(res.MissingPercent); p != "" {
			row.Missing += " (" + p + ")"
		}
	}
	switch {
	case len(res.PartialUnexpectedCounts) > 0:
		for i, c := range res.PartialUnexpectedCounts {
			if i == docsSampleMax {
				row.SampleMore = len(res.PartialUnexpectedCounts) - i
				break
			}
			row.Samples = append(row.Samples, docsSample{docsValueOf(c.Value), strconv.FormatInt(c.Count, 10)})
		}
	case len(res.PartialUnexpectedList) > 0 || len(res.UnexpectedList) > 0:
		l := res.PartialUnexpectedList
		if len(l) == 0 {
			l = res.UnexpectedList
		}
		for i, v := range l {
			if i == docsSampleMax {
				row.SampleMore = len(l) - i
				break
			}
			row.Samples = append(row.Samples, docsSample{Value: docsValueOf(v)})
		}
	}
	row.HasSamples = len(row.Samples) > 0
	if idx := res.PartialUnexpectedIndexList; len(idx) > 0 {
		parts := make([]string, 0, min(len(idx), docsSampleMax))
		for i, v := range idx {
			if i == docsSampleMax {
				parts = append(parts, "…")
				break
			}
			parts = append(parts, docsText(v))
		}
		row.SampleRows = "rows " + strings.Join(parts, ", ")
		if len(idx) == 1 {
			row.SampleRows = "row " + parts[0]
		}
	}
	if len(res.Details) > 0 {
		row.Details = docsJSON(res.Details)
	}
	return row
}

// renderIndexPage writes the index of runs (already newest first).
func renderIndexPage(w io.Writer, site string, runs []DocsRun, skipped []string) error {
	v := docsIndexView{
		docsPage: docsPage{SiteTitle: site, Title: site, IndexHref: "index.html", CSS: docsCSS},
		Skipped:  skipped,
	}
	suites := map[string]bool{}
	for _, r := range runs {
		suites[r.Suite] = true
		if r.Success {
			v.Passed++
		} else {
			v.Fails++
		}
		name := r.RunName
		v.Runs = append(v.Runs, docsIndexRow{
			Href:           docsHref("index.html", r.PagePath),
			JSONHref:       docsHref("index.html", r.JSONPath),
			RunTime:        docsTime(r.RunTime),
			Suite:          r.Suite,
			RunName:        name,
			Checkpoint:     r.Checkpoint,
			Success:        r.Success,
			Stats:          r.Statistics,
			SuccessPercent: docsPercent(r.Statistics.SuccessPercent),
			SuccessBar:     docsBar(r.Statistics.SuccessPercent),
		})
	}
	v.Suites = len(suites)
	return docsTemplates.ExecuteTemplate(w, "index.html.tmpl", v)
}
