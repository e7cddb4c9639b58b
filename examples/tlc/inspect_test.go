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
)

func TestInspectPrintsOneObjectPerFile(t *testing.T) {
	a := fixtures.Path(t, "yellow_tripdata_2025-01_head5.hardwood.parquet")
	b := fixtures.Path(t, "fhv_tripdatasample_2020-04.csv")
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"inspect", a, b}, &out, &errOut); err != nil {
		t.Fatalf("inspect: %v (stderr %s)", err, errOut.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("got %d lines, want 2:\n%s", len(lines), out.String())
	}
	var first map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &first); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"file", "kind", "rows", "columns", "source_columns", "problems", "min_pickup", "max_pickup"} {
		if _, ok := first[key]; !ok {
			t.Errorf("key %q missing from %s", key, lines[0])
		}
	}
	if first["kind"] != "yellow" || first["rows"] != float64(5) || first["problems"] != float64(0) {
		t.Errorf("kind %v rows %v problems %v", first["kind"], first["rows"], first["problems"])
	}
	if cols := first["columns"].([]any); cols[0] != "vendor_id" {
		t.Errorf("columns start with %v, want canonical vendor_id", cols[0])
	}
	if src := first["source_columns"].([]any); src[0] != "VendorID" {
		t.Errorf("source_columns start with %v, want VendorID as found", src[0])
	}
}

func TestInspectCorruptFileFails(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "yellow_tripdata_2024-01.parquet")
	if err := os.WriteFile(bad, []byte("PAR1 but not really"), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"inspect", bad}, &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), bad) {
		t.Errorf("error = %v, want one naming %s", err, bad)
	}
}
