package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/magnumopus/opus/tlc"
)

// fixtureFiles generates a small yellow month with defects and writes the
// default yellow suite beside it.
func fixtureFiles(t *testing.T, defects float64) (suite, data string) {
	t.Helper()
	dir := t.TempDir()
	data = filepath.Join(dir, "yellow_tripdata_2024-01.parquet")
	cfg := tlc.GenerateConfig{Kind: tlc.Yellow, Year: 2024, Month: 1, Rows: 5000, Seed: 9, DefectRate: defects}
	if _, err := tlc.GenerateFile(context.Background(), cfg, data); err != nil {
		t.Fatal(err)
	}
	js, err := tlc.SuiteJSON(tlc.Yellow)
	if err != nil {
		t.Fatal(err)
	}
	suite = filepath.Join(dir, "yellow.suite.json")
	if err := os.WriteFile(suite, js, 0o644); err != nil {
		t.Fatal(err)
	}
	return suite, data
}

func TestValidatePassesCleanData(t *testing.T) {
	suite, data := fixtureFiles(t, 0)
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"-suite", suite, "-data", data}, &out, &errOut); code != exitPass {
		t.Fatalf("exit %d, want 0; stderr %s", code, errOut.String())
	}
	var res map[string]any
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		t.Fatalf("stdout is not JSON: %v", err)
	}
	stats := res["statistics"].(map[string]any)
	if res["success"] != true || stats["unsuccessful_expectations"] != float64(0) {
		t.Errorf("success %v statistics %v", res["success"], stats)
	}
}

func TestValidateFailsAndQuarantines(t *testing.T) {
	suite, data := fixtureFiles(t, 0.05)
	dir := t.TempDir()
	q := filepath.Join(dir, "rejected.csv")
	outFile := filepath.Join(dir, "result.json")
	docs := filepath.Join(dir, "docs")
	var out, errOut bytes.Buffer
	args := []string{"-suite", suite, "-data", data, "-format", "COMPLETE", "-out", outFile, "-quarantine", q, "-docs", docs}
	if code := run(context.Background(), args, &out, &errOut); code != exitFail {
		t.Fatalf("exit %d, want 1; stderr %s", code, errOut.String())
	}
	written, err := os.ReadFile(outFile)
	if err != nil || !bytes.Equal(written, out.Bytes()) {
		t.Errorf("-out file differs from stdout (err %v)", err)
	}
	if !strings.Contains(out.String(), `"unexpected_list"`) {
		t.Error("COMPLETE result lacks unexpected_list")
	}
	f, err := os.Open(q)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	header := rows[0]
	if header[len(header)-1] != "_failed_checks" || header[len(header)-2] != "_row" || header[0] != "vendor_id" {
		t.Errorf("quarantine header %v", header)
	}
	if len(rows) < 2 || rows[1][len(header)-1] == "" {
		t.Errorf("quarantine has %d rows; first lists %q", len(rows)-1, rows[1][len(header)-1])
	}
	if _, err := os.Stat(filepath.Join(docs, "index.html")); err != nil {
		t.Errorf("no Data Docs index: %v", err)
	}
}

func TestValidateBadInput(t *testing.T) {
	suite, data := fixtureFiles(t, 0)
	bad := filepath.Join(t.TempDir(), "bad.json")
	os.WriteFile(bad, []byte(`{"name":"s","expectations":[{"type":"expect_column_values_to_be_purple","column":"x"}]}`), 0o644)
	missingCol := filepath.Join(t.TempDir(), "missing.json")
	os.WriteFile(missingCol, []byte(`{"name":"s","expectations":[{"type":"expect_column_values_to_not_be_null","column":"no_such_column"}]}`), 0o644)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"unknown expectation", []string{"-suite", bad, "-data", data}, "expect_column_values_to_be_purple"},
		{"missing column", []string{"-suite", missingCol, "-data", data}, "no_such_column"},
		{"missing data file", []string{"-suite", suite, "-data", "/nonexistent/file.parquet"}, "/nonexistent/file.parquet"},
		{"no flags", nil, "-suite and -data are required"},
		{"bad quarantine file", []string{"-suite", suite, "-data", data, "-quarantine", "x.json"}, "x.json"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			if code := run(context.Background(), tc.args, &out, &errOut); code != exitBadInput {
				t.Errorf("exit %d, want 2", code)
			}
			if !strings.Contains(errOut.String(), tc.want) {
				t.Errorf("stderr %q does not mention %q", errOut.String(), tc.want)
			}
		})
	}
}

func TestValidateQuarantineParquet(t *testing.T) {
	suite, data := fixtureFiles(t, 0.05)
	q := filepath.Join(t.TempDir(), "rejected.parquet")
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"-suite", suite, "-data", data, "-quarantine", q}, &out, &errOut); code != exitFail {
		t.Fatalf("exit %d, want 1; stderr %s", code, errOut.String())
	}
	pf, err := file.OpenParquetFile(q, false)
	if err != nil {
		t.Fatal(err)
	}
	defer pf.Close()
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{}, memory.DefaultAllocator)
	if err != nil {
		t.Fatal(err)
	}
	tbl, err := fr.ReadTable(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer tbl.Release()
	sc := tbl.Schema()
	n := sc.NumFields()
	if sc.Field(0).Name != "vendor_id" || sc.Field(n-2).Name != "_row" || sc.Field(n-1).Name != "_failed_checks" ||
		sc.Field(n-1).Type.ID() != arrow.LIST {
		t.Errorf("quarantine schema %s", sc)
	}
	if tbl.NumRows() == 0 || !strings.Contains(errOut.String(), fmt.Sprintf("%d of 5000 rows quarantined", tbl.NumRows())) {
		t.Errorf("%d rows in the file; stderr %q", tbl.NumRows(), errOut.String())
	}
}
