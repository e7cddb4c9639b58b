package tlc

import (
	"encoding/binary"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/magnumopus/opus/internal/fixtures"
)

func TestTripURL(t *testing.T) {
	tests := []struct {
		base string
		kind Kind
		m    Month
		want string
	}{
		{"", Yellow, Month{2024, time.January}, DefaultBaseURL + "/trip-data/yellow_tripdata_2024-01.parquet"},
		{"http://mirror/", FHVHV, Month{2019, time.December}, "http://mirror/trip-data/fhvhv_tripdata_2019-12.parquet"},
	}
	for _, tt := range tests {
		if got := TripURL(tt.base, tt.kind, tt.m); got != tt.want {
			t.Errorf("TripURL(%q, %v, %v) = %q, want %q", tt.base, tt.kind, tt.m, got, tt.want)
		}
	}
}

func TestParseContentRange(t *testing.T) {
	tests := []struct {
		in                string
		start, end, total int64
		ok                bool
	}{
		{"bytes 100-199/200", 100, 199, 200, true},
		{"bytes 0-0/*", 0, 0, -1, true},
		{"bytes */512", -1, -1, 512, true},
		{"bytes */*", 0, 0, 0, false},
		{"bytes 5-/10", 0, 0, 0, false},
		{"items 0-1/2", 0, 0, 0, false},
		{"bytes 1-2", 0, 0, 0, false},
		{"", 0, 0, 0, false},
	}
	for _, tt := range tests {
		start, end, total, ok := parseContentRange(tt.in)
		if ok != tt.ok || ok && (start != tt.start || end != tt.end || total != tt.total) {
			t.Errorf("parseContentRange(%q) = %d, %d, %d, %v; want %d, %d, %d, %v",
				tt.in, start, end, total, ok, tt.start, tt.end, tt.total, tt.ok)
		}
	}
}

func TestVerifyParquetFile(t *testing.T) {
	good := parquetBody(t, 50)
	hugeFooter := append([]byte(nil), good...)
	binary.LittleEndian.PutUint32(hugeFooter[len(hugeFooter)-8:], 1<<31)
	garbageFooter := []byte("PAR1\xff\xfe\xfd\xfc\xfb\xfa\x09\x08\x07\x06\x05\x04\x0c\x00\x00\x00PAR1")
	tests := []struct {
		name    string
		data    []byte
		wantErr bool
	}{
		{"valid", good, false},
		{"empty", nil, true},
		{"html error page", []byte("<html><body>AccessDenied</body></html>"), true},
		{"truncated", good[:len(good)-1], true},
		{"missing head", good[4:], true},
		{"footer longer than file", hugeFooter, true},
		{"footer is garbage", garbageFooter, true},
	}
	dir := t.TempDir()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, tt.name+".parquet")
			if err := os.WriteFile(path, tt.data, 0o644); err != nil {
				t.Fatal(err)
			}
			err := VerifyParquetFile(path)
			if (err != nil) != tt.wantErr {
				t.Fatalf("VerifyParquetFile = %v, want error: %v", err, tt.wantErr)
			}
			if err != nil && !errors.Is(err, ErrCorrupt) {
				t.Errorf("error %v does not match ErrCorrupt", err)
			}
		})
	}
	if err := VerifyParquetFile(filepath.Join(dir, "absent.parquet")); err == nil || errors.Is(err, ErrCorrupt) {
		t.Errorf("missing file: %v, want an I/O error that is not ErrCorrupt", err)
	}
}

// TestVerifyParquetFileReal runs the check on real TLC files, whose
// footers carry pandas and Arrow metadata.
func TestVerifyParquetFileReal(t *testing.T) {
	dir, ok := fixtures.Dir()
	if !ok {
		t.Skip("needs ../shared/data/tlc (real TLC fixtures) — not found")
	}
	paths, _ := filepath.Glob(filepath.Join(dir, "*.parquet"))
	if len(paths) == 0 {
		t.Skipf("needs real TLC .parquet fixtures: none found in %s", dir)
	}
	for _, p := range paths {
		if err := VerifyParquetFile(p); err != nil {
			t.Errorf("VerifyParquetFile(%s) = %v", p, err)
		}
	}
}

func TestBackoff(t *testing.T) {
	d := &Downloader{MinBackoff: 10 * time.Millisecond, MaxBackoff: 100 * time.Millisecond, Seed: 42}
	a, b := d.start(), d.start()
	for attempt := range 8 {
		ceiling := min(10*time.Millisecond<<attempt, 100*time.Millisecond)
		x, y := a.backoff(attempt, nil), b.backoff(attempt, nil)
		if x != y {
			t.Errorf("attempt %d: same seed gave %v and %v", attempt, x, y)
		}
		if x < 0 || x > ceiling {
			t.Errorf("attempt %d: backoff %v outside [0, %v]", attempt, x, ceiling)
		}
	}
	// A longer Retry-After wins, but never beyond MaxBackoff.
	he := &HTTPError{StatusCode: 503, RetryAfter: time.Hour}
	if got := a.backoff(0, he); got != 100*time.Millisecond {
		t.Errorf("backoff with Retry-After 1h = %v, want MaxBackoff", got)
	}
}

func TestRetryAfter(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"", 0}, {"3", 3 * time.Second}, {"-1", 0}, {"soon", 0},
		{time.Now().Add(-time.Hour).UTC().Format(http.TimeFormat), 0},
	}
	for _, tt := range tests {
		if got := retryAfter(tt.in); got != tt.want {
			t.Errorf("retryAfter(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestStatusString(t *testing.T) {
	for s, want := range map[Status]string{
		StatusFailed: "failed", StatusDownloaded: "downloaded", StatusResumed: "resumed",
		StatusSkipped: "skipped", StatusNotPublished: "not published", Status(99): "Status(99)",
	} {
		if got := s.String(); got != want {
			t.Errorf("Status(%d).String() = %q, want %q", int(s), got, want)
		}
	}
}

// TestDownloadFileNotParquet checks that DownloadFile skips the Parquet
// check for other extensions and reports a missing file with
// ErrNotPublished.
func TestDownloadFileNotParquet(t *testing.T) {
	body := []byte("a,b\r\n1,2\r\n")
	_, srv := newFaultServer(t, body, func(_ int, w http.ResponseWriter, r *http.Request) bool {
		if r.URL.Path == "/missing.csv" {
			http.NotFound(w, r)
			return true
		}
		return false
	})
	d := testDownloader(srv, "")
	dest := filepath.Join(t.TempDir(), "sub", "x.csv")
	res, err := d.DownloadFile(t.Context(), srv.URL+"/x.csv", dest)
	if err != nil || res.Status != StatusDownloaded || res.Bytes != int64(len(body)) {
		t.Fatalf("DownloadFile = %+v, %v", res, err)
	}
	res, err = d.DownloadFile(t.Context(), srv.URL+"/missing.csv", dest+".2")
	if !errors.Is(err, ErrNotPublished) || res.Status != StatusNotPublished {
		t.Fatalf("missing file: %v, %v; want ErrNotPublished", res.Status, err)
	}
}

func TestDownloadConcurrencyLimit(t *testing.T) {
	const limit = 3
	var mu sync.Mutex
	inFlight, peak := 0, 0
	reached := make(chan struct{})
	_, srv := newFaultServer(t, parquetBody(t, 10), func(_ int, _ http.ResponseWriter, _ *http.Request) bool {
		mu.Lock()
		inFlight++
		if inFlight > peak {
			peak = inFlight
			if peak == limit {
				close(reached)
			}
		}
		mu.Unlock()
		// Hold each request until the limit has been reached once, so that
		// the peak is exactly the limit unless the limit is broken.
		select {
		case <-reached:
		case <-time.After(5 * time.Second):
		}
		mu.Lock()
		inFlight--
		mu.Unlock()
		return false
	})
	d := testDownloader(srv, t.TempDir())
	d.Concurrency = limit
	results, err := d.Download(t.Context(), []Kind{Yellow, Green}, MonthRange(Month{2023, 1}, Month{2023, 4}))
	if err != nil || len(results) != 8 {
		t.Fatalf("got %d results, err %v", len(results), err)
	}
	if peak != limit {
		t.Errorf("peak in-flight requests %d, want %d", peak, limit)
	}
}

func TestDownloadProgress(t *testing.T) {
	good := parquetBody(t, 20000) // large enough for several reads
	_, srv := newFaultServer(t, good, nil)
	d := testDownloader(srv, t.TempDir())
	last := map[string]Progress{}
	calls := 0
	d.Progress = func(p Progress) { // serialized by the Downloader: no lock here
		calls++
		if prev, ok := last[p.Path]; ok && (p.Done < prev.Done || prev.Finished) {
			t.Errorf("%s: progress went from %+v to %+v", p.Path, prev, p)
		}
		last[p.Path] = p
	}
	if _, err := d.Download(t.Context(), []Kind{Yellow, Green, FHV}, []Month{{2024, 6}}); err != nil {
		t.Fatal(err)
	}
	if len(last) != 3 || calls < 3*3 {
		t.Fatalf("%d calls for %d files, want at least 3 per file for 3", calls, len(last))
	}
	for path, p := range last {
		if !p.Finished || p.Status != StatusDownloaded || p.Done != int64(len(good)) || p.Total != int64(len(good)) {
			t.Errorf("%s: last progress %+v, want finished at %d of %d", path, p, len(good), len(good))
		}
	}
}
