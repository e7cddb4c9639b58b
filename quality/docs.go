package quality

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// DataDocs is a static HTML site of validation results in a directory, as
// GX's Data Docs are: one page per validation run and an index of all runs,
// newest first. Each run's GX result JSON is stored beside its page, laid
// out as GX's validations store lays them out:
//
//	<Dir>/index.html
//	<Dir>/validations/<suite>/<run_name>/<run_time>.json
//	<Dir>/validations/<suite>/<run_name>/<run_time>.html
//
// The index is rebuilt from the JSON files present, so runs written by
// earlier processes (or result JSON written by GX or by StoreResultAction
// into the same layout) accumulate. Pages are self-contained: inline CSS,
// no scripts, no external fetches; every value is HTML-escaped.
type DataDocs struct {
	// Dir is the site's root directory; it is created when missing.
	Dir string
	// Title heads every page; "" means "Data Docs".
	Title string
}

// DocsRun is one validation run stored in a Data Docs site.
type DocsRun struct {
	// Suite, RunName and RunTime identify the run ("" RunName for none).
	Suite   string
	RunName string
	RunTime time.Time
	// Checkpoint is the checkpoint that ran the suite, if any.
	Checkpoint string
	// Success and Statistics are the run's outcome.
	Success    bool
	Statistics ValidationStatistics
	// JSONPath and PagePath are the result JSON and its HTML page,
	// relative to the site directory with forward slashes.
	JSONPath, PagePath string
}

// docsValidationsDir is the store's directory under the site root.
const docsValidationsDir = "validations"

// docsNone names an absent run name or suite name in store paths, as GX does.
const docsNone = "__none__"

// docsRunTimeLayout formats run times in store paths (GX's
// "%Y%m%dT%H%M%S.%fZ").
const docsRunTimeLayout = "20060102T150405.000000Z"

// ResultStorePath returns where a result is stored in GX's validations
// store layout, relative to the store root with forward slashes:
// "validations/<suite>/<run_name>/<run_time>.json". Suite and run names are
// escaped to be safe file names ("/" becomes "%2F"; "__none__" stands for
// an empty name).
func ResultStorePath(r *SuiteValidationResult) string {
	suite := r.SuiteName
	if suite == "" {
		suite = r.Meta.ExpectationSuiteName
	}
	runTime := r.Meta.RunID.RunTime.UTC().Format(docsRunTimeLayout)
	return strings.Join([]string{docsValidationsDir, docsSegment(suite),
		docsSegment(r.Meta.RunID.RunName), docsSegment(runTime) + ".json"}, "/")
}

// docsSegment escapes a name into one path segment: letters, digits, '-',
// '_' and (not leading) '.' stay; every other byte becomes %XX, so that
// distinct names never share a file.
func docsSegment(s string) string {
	if s == "" {
		return docsNone
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			c == '-' || c == '_' || c == '.' && i > 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

func (d DataDocs) title() string {
	if d.Title == "" {
		return "Data Docs"
	}
	return d.Title
}

// Write stores r's GX JSON in the site, renders its page and rebuilds the
// index. It returns the page's path (Dir joined with the page's relative
// path). Writing the same run again replaces its files.
func (d DataDocs) Write(r *SuiteValidationResult) (pagePath string, err error) {
	if r == nil {
		return "", fmt.Errorf("quality: data docs: no result to write")
	}
	if d.Dir == "" {
		return "", fmt.Errorf("quality: data docs: Dir is empty")
	}
	rel := ResultStorePath(r)
	if err := writeResultFile(filepath.Join(d.Dir, filepath.FromSlash(rel)), r); err != nil {
		return "", fmt.Errorf("quality: data docs: %w", err)
	}
	pageRel := strings.TrimSuffix(rel, ".json") + ".html"
	pagePath = filepath.Join(d.Dir, filepath.FromSlash(pageRel))
	if err := d.writePage(pageRel, r); err != nil {
		return "", err
	}
	if err := d.BuildIndex(); err != nil {
		return pagePath, err
	}
	return pagePath, nil
}

// writeResultFile writes r's indented GX JSON to path, creating its
// directory; the file is replaced atomically.
func writeResultFile(path string, r *SuiteValidationResult) error {
	var buf bytes.Buffer
	if err := r.WriteJSON(&buf); err != nil {
		return fmt.Errorf("encoding result of suite %q: %w", r.SuiteName, err)
	}
	return docsWriteFile(path, buf.Bytes())
}

// docsWriteFile writes data to path through a temporary file and a rename,
// so readers never see half a file.
func docsWriteFile(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-"+filepath.Base(path)+"-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp, 0o644)
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
	}
	return err
}

// writePage renders r's page at pageRel (relative, forward slashes).
func (d DataDocs) writePage(pageRel string, r *SuiteValidationResult) error {
	var buf bytes.Buffer
	if err := renderRunPage(&buf, d.title(), pageRel, r); err != nil {
		return fmt.Errorf("quality: data docs: rendering %s: %w", pageRel, err)
	}
	if err := docsWriteFile(filepath.Join(d.Dir, filepath.FromSlash(pageRel)), buf.Bytes()); err != nil {
		return fmt.Errorf("quality: data docs: %w", err)
	}
	return nil
}

// Runs reads every result JSON stored under the site's validations
// directory and returns the runs, newest first (by run time, then
// validation time, suite and path). Files that are not validation results
// are skipped and returned as the second value, relative to Dir.
func (d DataDocs) Runs() (runs []DocsRun, skipped []string, err error) {
	root := filepath.Join(d.Dir, docsValidationsDir)
	type found struct {
		run       DocsRun
		validated string
	}
	var all []found
	err = filepath.WalkDir(root, func(path string, e fs.DirEntry, err error) error {
		if err != nil {
			if path == root && os.IsNotExist(err) {
				return fs.SkipDir
			}
			return err
		}
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".json") || strings.HasPrefix(e.Name(), ".") {
			return nil
		}
		rel, err := filepath.Rel(d.Dir, path)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		// Only the summary is decoded: results may be large.
		var h struct {
			Success    *bool                 `json:"success"`
			SuiteName  *string               `json:"suite_name"`
			Statistics *ValidationStatistics `json:"statistics"`
			Meta       *ValidationMeta       `json:"meta"`
		}
		if json.Unmarshal(data, &h) != nil || h.Success == nil || h.Statistics == nil || h.Meta == nil {
			skipped = append(skipped, rel)
			return nil
		}
		suite := h.Meta.ExpectationSuiteName
		if h.SuiteName != nil {
			suite = *h.SuiteName
		}
		all = append(all, found{DocsRun{
			Suite:      suite,
			RunName:    h.Meta.RunID.RunName,
			RunTime:    h.Meta.RunID.RunTime,
			Checkpoint: h.Meta.CheckpointName,
			Success:    *h.Success,
			Statistics: *h.Statistics,
			JSONPath:   rel,
			PagePath:   strings.TrimSuffix(rel, ".json") + ".html",
		}, h.Meta.ValidationTime})
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("quality: data docs: reading %s: %w", root, err)
	}
	slices.SortStableFunc(all, func(a, b found) int {
		if c := b.run.RunTime.Compare(a.run.RunTime); c != 0 {
			return c
		}
		return cmp.Or(cmp.Compare(b.validated, a.validated), cmp.Compare(a.run.Suite, b.run.Suite),
			cmp.Compare(a.run.JSONPath, b.run.JSONPath))
	})
	for _, f := range all {
		runs = append(runs, f.run)
	}
	return runs, skipped, nil
}

// BuildIndex rebuilds index.html from the result JSON stored in the site,
// first rendering the page of any result whose page is missing or older
// than its JSON (results stored by StoreResultAction or by GX itself).
func (d DataDocs) BuildIndex() error {
	if d.Dir == "" {
		return fmt.Errorf("quality: data docs: Dir is empty")
	}
	runs, skipped, err := d.Runs()
	if err != nil {
		return err
	}
	for _, run := range runs {
		js, err := os.Stat(filepath.Join(d.Dir, filepath.FromSlash(run.JSONPath)))
		if err != nil {
			return fmt.Errorf("quality: data docs: %w", err)
		}
		page, err := os.Stat(filepath.Join(d.Dir, filepath.FromSlash(run.PagePath)))
		if err == nil && !page.ModTime().Before(js.ModTime()) {
			continue
		}
		data, err := os.ReadFile(filepath.Join(d.Dir, filepath.FromSlash(run.JSONPath)))
		if err != nil {
			return fmt.Errorf("quality: data docs: %w", err)
		}
		var r SuiteValidationResult
		if err := r.UnmarshalJSON(data); err != nil {
			return fmt.Errorf("quality: data docs: reading %s: %w", run.JSONPath, err)
		}
		if err := d.writePage(run.PagePath, &r); err != nil {
			return err
		}
	}
	var buf bytes.Buffer
	if err := renderIndexPage(&buf, d.title(), runs, skipped); err != nil {
		return fmt.Errorf("quality: data docs: rendering the index: %w", err)
	}
	if err := docsWriteFile(filepath.Join(d.Dir, "index.html"), buf.Bytes()); err != nil {
		return fmt.Errorf("quality: data docs: %w", err)
	}
	return nil
}
