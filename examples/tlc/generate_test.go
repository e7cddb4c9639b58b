package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/magnumopus/opus/tlc"
)

func TestGenerateCommand(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		args []string
		want string // start of the summary line
	}{
		{[]string{"-kind", "green", "-month", "2020-04", "-rows", "1500", "-out", filepath.Join(dir, "green.parquet"), "-defects", "0.1"},
			"1500 green trips of 2020-04, layout green-2014, seed 1, "},
		{[]string{"-kind", "yellow", "-month", "2009-06", "-rows", "200", "-out", filepath.Join(dir, "yellow.csv"), "-seed", "9"},
			"200 yellow trips of 2009-06, layout yellow-2009, seed 9, 0 defects"},
		{[]string{"-kind", "yellow", "-month", "2025-01", "-rows", "300", "-out", filepath.Join(dir, "pandas.parquet"), "-layout", "yellow-2025-pandas"},
			"300 yellow trips of 2025-01, layout yellow-2025-pandas, seed 1, 0 defects"},
		{[]string{"-kind", "fhvhv", "-month", "2024-03", "-rows", "100", "-out", filepath.Join(dir, "fhvhv.parquet")},
			"100 fhvhv trips of 2024-03, layout fhvhv-2019, seed 1, 0 defects"},
	}
	for _, tt := range tests {
		var out, errOut bytes.Buffer
		if err := run(context.Background(), append([]string{"generate"}, tt.args...), &out, &errOut); err != nil {
			t.Fatalf("generate %v: %v (stderr %s)", tt.args, err, errOut.String())
		}
		path := tt.args[len(tt.args)-1]
		for i, a := range tt.args {
			if a == "-out" {
				path = tt.args[i+1]
			}
		}
		line := strings.TrimPrefix(out.String(), path+": ")
		if !strings.HasPrefix(line, tt.want) || strings.Count(out.String(), "\n") != 1 {
			t.Errorf("summary %q, want a line starting %q", out.String(), path+": "+tt.want)
		}
		r, err := tlc.Open(context.Background(), path, tlc.ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		var n int64
		for r.Next() {
			n += r.RecordBatch().NumRows()
		}
		if err := r.Err(); err != nil {
			t.Error(err)
		}
		r.Close()
		if want := tt.want[:strings.Index(tt.want, " ")]; want != strings.TrimSpace(strings.Fields(line)[0]) || n == 0 {
			t.Errorf("%s: read %d rows, summary says %s", path, n, want)
		}
	}
}

func TestGenerateCommandErrors(t *testing.T) {
	out := filepath.Join(t.TempDir(), "x.parquet")
	tests := [][]string{
		{"-kind", "yellow", "-month", "2024-01"},       // no -out
		{"-kind", "taxi", "-out", out},                 // bad kind
		{"-month", "2024-13", "-out", out},             // bad month
		{"-month", "2008-01", "-out", out},             // before the TLC
		{"-layout", "green-2014", "-out", out},         // layout of another kind
		{"-out", filepath.Join(t.TempDir(), "x.json")}, // unknown extension
		{"-defects", "2", "-out", out},                 // bad rate
		{"-out", out, "extra"},                         // stray argument
	}
	for _, args := range tests {
		var stdout, stderr bytes.Buffer
		if err := runGenerate(context.Background(), args, &stdout, &stderr); err == nil {
			t.Errorf("generate %v succeeded", args)
		}
	}
}
