package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
)

// fakeTLC serves a small Parquet file for the 2024-01 yellow and green
// months, the zone lookup, and 403 (the TLC's "not published") for the rest.
func fakeTLC(t *testing.T) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	type row struct {
		PULocationID int32 `parquet:"PULocationID"`
	}
	var buf bytes.Buffer
	if err := parquet.Write(&buf, []row{{1}, {132}, {265}}); err != nil {
		t.Fatal(err)
	}
	var gets atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/trip-data/yellow_tripdata_2024-01.parquet", "/trip-data/green_tripdata_2024-01.parquet":
			if r.Method == http.MethodGet {
				gets.Add(1)
			}
			w.Header().Set("ETag", `"e1"`)
			http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(buf.Bytes()))
		case "/trip-data/fhv_tripdata_2024-01.parquet":
			http.Error(w, "injected", http.StatusInternalServerError)
		case "/misc/taxi_zone_lookup.csv":
			w.Write([]byte("\"LocationID\",\"Borough\",\"Zone\",\"service_zone\"\r\n1,\"EWR\",\"Newark Airport\",\"EWR\"\r\n"))
		default:
			http.Error(w, "AccessDenied", http.StatusForbidden)
		}
	}))
	t.Cleanup(srv.Close)
	return srv, &gets
}

func TestDownloadCommand(t *testing.T) {
	srv, gets := fakeTLC(t)
	dir := t.TempDir()
	args := []string{"download", "-kind", "yellow,green", "-from", "2024-01", "-to", "2024-02",
		"-dir", dir, "-base-url", srv.URL, "-concurrency", "2", "-retries", "1", "-zones"}
	var out, errOut bytes.Buffer
	if err := run(context.Background(), args, &out, &errOut); err != nil {
		t.Fatalf("download: %v\nstderr: %s", err, errOut.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	want := []string{"yellow 2024-01  downloaded", "yellow 2024-02  not published",
		"green  2024-01  downloaded", "green  2024-02  not published", "zones  1 zones"}
	if len(lines) != len(want) {
		t.Fatalf("got %d summary lines, want %d:\n%s", len(lines), len(want), out.String())
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("line %d = %q, want prefix %q", i, lines[i], w)
		}
	}
	if !strings.Contains(errOut.String(), "2/4 files") && !strings.Contains(errOut.String(), "4/4 files") {
		t.Errorf("no progress bar on stderr: %q", errOut.String())
	}
	for _, name := range []string{"yellow_tripdata_2024-01.parquet", "green_tripdata_2024-01.parquet", "taxi_zone_lookup.csv"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Error(err)
		}
	}

	// A second run keeps the complete files without fetching them again.
	out.Reset()
	if err := run(context.Background(), append(args[:len(args)-1:len(args)-1], "-progress=false"), &out, &errOut); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(out.String(), "skipped"); n != 2 || gets.Load() != 2 {
		t.Errorf("second run: %d skipped, %d GETs in all; want 2 and 2:\n%s", n, gets.Load(), out.String())
	}
}

func TestDownloadCommandErrors(t *testing.T) {
	srv, _ := fakeTLC(t)
	tests := []struct {
		name    string
		args    []string
		want    string // in the error; "" for success
		wantOut string // in stdout
	}{
		{name: "no months", args: []string{"-kind", "yellow"}, want: "-from YYYY-MM is required"},
		{name: "bad month", args: []string{"-from", "2024-13"}, want: "invalid month"},
		{name: "bad kind", args: []string{"-kind", "yellow,purple", "-from", "2024-01"}, want: `unknown trip kind "purple"`},
		{name: "backwards", args: []string{"-from", "2024-03", "-to", "2024-01"}, want: "before -from"},
		{name: "stray argument", args: []string{"-from", "2024-01", "extra"}, want: "unexpected arguments"},
		{
			name: "server error", args: []string{"-kind", "fhv", "-from", "2024-01", "-base-url", srv.URL, "-retries", "0"},
			want: "500 Internal Server Error", wantOut: "fhv    2024-01  failed",
		},
		{
			name: "not published is no error", args: []string{"-from", "2024-03", "-base-url", srv.URL},
			wantOut: "yellow 2024-03  not published",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			args := append([]string{"-dir", t.TempDir(), "-progress=false"}, tt.args...)
			err := runDownload(context.Background(), args, &out, &errOut)
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("err = %v, want none", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error()+errOut.String(), tt.want)):
				t.Fatalf("err = %v (stderr %q), want it to mention %q", err, errOut.String(), tt.want)
			}
			if !strings.Contains(out.String(), tt.wantOut) {
				t.Errorf("stdout %q, want it to contain %q", out.String(), tt.wantOut)
			}
		})
	}
}
