package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/magnumopus/opus/internal/fixtures"
	"github.com/magnumopus/opus/tlc"
)

func TestPipelineGeneratesAndReadsBack(t *testing.T) {
	dir := t.TempDir()
	var out, errOut bytes.Buffer
	args := []string{"-warehouse", dir, "-rows", "5000", "-kinds", "yellow,green,fhv,fhvhv", "-json"}
	if err := run(context.Background(), args, &out, &errOut); err != nil {
		t.Fatalf("pipeline: %v\n%s", err, errOut.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 5 {
		t.Fatalf("got %d lines, want 4 summaries and the lakehouse report:\n%s", len(lines), out.String())
	}
	for i, want := range []tlc.Kind{tlc.Yellow, tlc.Green, tlc.FHV, tlc.FHVHV} {
		var s tlc.Summary
		if err := json.Unmarshal([]byte(lines[i]), &s); err != nil {
			t.Fatal(err)
		}
		if s.Kind != want || s.Rows != 5000 {
			t.Errorf("summary %d: kind %s rows %d, want %s 5000", i, s.Kind, s.Rows, want)
		}
		if !strings.HasPrefix(s.MinPickup, "20") || len(s.Stats) == 0 {
			t.Errorf("%s: pickups from %q, %d stats", want, s.MinPickup, len(s.Stats))
		}
		var fr fileReport
		if err := json.Unmarshal([]byte(lines[i]), &fr); err != nil {
			t.Fatal(err)
		}
		q := fr.Quality
		if q.Rows != 5000 || q.ValidRows+q.QuarantinedRows != q.Rows || q.QuarantinedRows == 0 {
			t.Errorf("%s: %d rows = %d valid + %d quarantined", want, q.Rows, q.ValidRows, q.QuarantinedRows)
		}
		if q.SuiteSuccess || q.Expectations == 0 {
			t.Errorf("%s: suite success %v with %d expectations on a month with 2%% defects", want, q.SuiteSuccess, q.Expectations)
		}
		if _, err := os.Stat(q.QuarantineFile); err != nil {
			t.Errorf("%s: quarantine file: %v", want, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "docs", "index.html")); err != nil {
		t.Errorf("no Data Docs index: %v", err)
	}
	checkLakehouseReport(t, lines[4])
	if !strings.Contains(errOut.String(), "generated/yellow_tripdata_2024-01.parquet") ||
		!strings.Contains(errOut.String(), "landing/yellow/2024/yellow_tripdata_2024-01.parquet") {
		t.Errorf("stderr does not name the generated files:\n%s", errOut.String())
	}
}

func TestPipelineTextSummaryOfRealFile(t *testing.T) {
	path := fixtures.Path(t, "green_tripdata_2024-01.parquet")
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"-data", path, "-warehouse", t.TempDir()}, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"kind green, 56551 rows", "pickups 2023-12-31 14:38:47 .. 2024-01-31 23:57:29",
		"trip_distance", "duration_min", "null counts"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestPipelineRejectsBadFlags(t *testing.T) {
	for _, args := range [][]string{{"-kinds", "taxi"}, {"-month", "2024-13"}, {"stray"}} {
		if err := run(context.Background(), args, &bytes.Buffer{}, &bytes.Buffer{}); err == nil {
			t.Errorf("run(%v) succeeded", args)
		}
	}
}

// checkLakehouseReport checks the lakehouse line of a run on yellow,
// green, fhv and fhvhv files of 2024-01 with 5000 rows each.
func checkLakehouseReport(t *testing.T, line string) {
	t.Helper()
	var r struct {
		Lakehouse lakehouseReport `json:"lakehouse"`
	}
	if err := json.Unmarshal([]byte(line), &r); err != nil {
		t.Fatal(err)
	}
	lh := r.Lakehouse
	if len(lh.Landed) != 4 || len(lh.Bronze) != 4 {
		t.Fatalf("landed %d, ingested %d files, want 4", len(lh.Landed), len(lh.Bronze))
	}
	for _, b := range lh.Bronze {
		if b.Rows != 5000 {
			t.Errorf("bronze %s: %d rows", b.Table, b.Rows)
		}
	}
	if len(lh.Months) != 1 || lh.Months[0].Month != "2024-01" || !lh.Months[0].Balanced || len(lh.Months[0].Reconciliation) != 2 {
		t.Fatalf("months: %+v", lh.Months)
	}
	for _, x := range lh.Months[0].Reconciliation {
		if x.BronzeRows != 5000 || x.SilverRows == 0 || x.QuarantinedRows == 0 {
			t.Errorf("reconciliation %+v", x)
		}
	}
	for _, name := range []string{"gold.hourly_zone_trips", "gold.daily_revenue", "gold.trip_duration_training"} {
		if lh.Months[0].Gold[name] == 0 {
			t.Errorf("gold table %s: no rows", name)
		}
	}
	if d := lh.Dimensions["dims.taxi_zones"]; d.Versions != 267 || d.Current != 265 {
		t.Errorf("zone dimension: %+v, want 267 versions, 265 current", d)
	}
	if d := lh.Dimensions["dims.vendors"]; d.Versions != 5 || d.Current != 4 {
		t.Errorf("vendor dimension: %+v, want 5 versions, 4 current", d)
	}
}
