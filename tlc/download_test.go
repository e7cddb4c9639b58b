package tlc

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
)

type testRow struct {
	ID   int64  `parquet:"id"`
	Zone string `parquet:"zone"`
}

// parquetBody returns a small but genuine Parquet file.
func parquetBody(t testing.TB, n int) []byte {
	t.Helper()
	rows := make([]testRow, n)
	for i := range rows {
		rows[i] = testRow{ID: int64(i), Zone: fmt.Sprintf("zone-%d", i%265)}
	}
	var buf bytes.Buffer
	if err := parquet.Write(&buf, rows); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

const testETag = `"v1"`

// fault lets a test take over the n-th GET (1-based); it returns false to
// let the server answer normally.
type fault func(n int, w http.ResponseWriter, r *http.Request) bool

// faultServer serves body (with Range support through http.ServeContent)
// at every path and counts what it was asked.
type faultServer struct {
	body  []byte
	etag  string
	fault fault

	mu     sync.Mutex
	gets   int
	heads  int
	ranges []string // Range header of each GET, "" when absent
	ifs    []string // If-Range header of each GET
}

func (s *faultServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	n, etag := 0, s.etag
	switch r.Method {
	case http.MethodGet:
		s.gets++
		n = s.gets
		s.ranges = append(s.ranges, r.Header.Get("Range"))
		s.ifs = append(s.ifs, r.Header.Get("If-Range"))
	case http.MethodHead:
		s.heads++
	}
	s.mu.Unlock()
	if n > 0 && s.fault != nil && s.fault(n, w, r) {
		return
	}
	w.Header().Set("ETag", etag)
	http.ServeContent(w, r, "f.parquet", time.Time{}, bytes.NewReader(s.body))
}

func (s *faultServer) setETag(etag string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.etag = etag
}

func (s *faultServer) counts() (gets, heads int, ranges, ifs []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.gets, s.heads, append([]string(nil), s.ranges...), append([]string(nil), s.ifs...)
}

func newFaultServer(t *testing.T, body []byte, f fault) (*faultServer, *httptest.Server) {
	fs := &faultServer{body: body, etag: testETag, fault: f}
	srv := httptest.NewServer(fs)
	t.Cleanup(srv.Close)
	return fs, srv
}

// testDownloader retries fast so that fault tests take milliseconds.
func testDownloader(srv *httptest.Server, dir string) *Downloader {
	return &Downloader{BaseURL: srv.URL, Dir: dir, Client: srv.Client(), Retries: 3,
		MinBackoff: time.Millisecond, MaxBackoff: 4 * time.Millisecond, StallTimeout: time.Minute, Seed: 1}
}

// dropAfter answers with the full Content-Length, sends only n bytes, then
// closes the connection: the client sees an unexpected EOF mid-body.
func dropAfter(body []byte, n int) func(w http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		conn, buf, err := http.NewResponseController(w).Hijack()
		if err != nil {
			panic(err)
		}
		defer conn.Close()
		fmt.Fprintf(buf, "HTTP/1.1 200 OK\r\nContent-Length: %d\r\nETag: %s\r\n\r\n", len(body), testETag)
		buf.Write(body[:n])
		buf.Flush()
	}
}

func TestDownloadFaults(t *testing.T) {
	good := parquetBody(t, 2000)
	half := len(good) / 2
	onFirst := func(h func(w http.ResponseWriter, r *http.Request)) fault {
		return func(n int, w http.ResponseWriter, r *http.Request) bool {
			if n == 1 {
				h(w, r)
				return true
			}
			return false
		}
	}
	status := func(code int) func(w http.ResponseWriter, r *http.Request) {
		return func(w http.ResponseWriter, r *http.Request) { http.Error(w, "injected", code) }
	}
	writePart := func(data []byte, etag string) func(t *testing.T, path string) {
		return func(t *testing.T, path string) {
			if err := os.WriteFile(path+".part", data, 0o644); err != nil {
				t.Fatal(err)
			}
			if etag != "" {
				if err := writeMeta(path+".part.meta", remoteMeta{ETag: etag, Size: int64(len(good))}); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	tests := []struct {
		name         string
		body         []byte
		setup        func(t *testing.T, path string)
		fault        fault
		stall        time.Duration
		wantStatus   Status
		wantAttempts int
		wantErr      error  // errors.Is target for Result.Err
		wantErrText  string // substring of Result.Err
		wantRanges   []string
		wantIfRange  string // If-Range of the last GET
		wantRunErr   bool
	}{
		{name: "plain", wantStatus: StatusDownloaded, wantAttempts: 1, wantRanges: []string{""}},
		{
			name:  "drop mid-body then resume",
			fault: onFirst(func(w http.ResponseWriter, _ *http.Request) { dropAfter(good, half)(w) }),
			// The second GET asks only for what is missing.
			wantStatus: StatusResumed, wantAttempts: 2,
			wantRanges: []string{"", fmt.Sprintf("bytes=%d-", half)}, wantIfRange: testETag,
		},
		{
			name: "stall then resume",
			fault: onFirst(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("ETag", testETag)
				w.Header().Set("Content-Length", fmt.Sprint(len(good)))
				w.Write(good[:half])
				http.NewResponseController(w).Flush()
				<-r.Context().Done() // hold the connection open, silent
			}),
			stall:      200 * time.Millisecond, // long enough not to fire on a busy machine during the second attempt
			wantStatus: StatusResumed, wantAttempts: 2,
			wantRanges: []string{"", fmt.Sprintf("bytes=%d-", half)},
		},
		{name: "500 then 200", fault: onFirst(status(500)), wantStatus: StatusDownloaded, wantAttempts: 2, wantRanges: []string{"", ""}},
		{name: "429 then 200", fault: onFirst(status(429)), wantStatus: StatusDownloaded, wantAttempts: 2, wantRanges: []string{"", ""}},
		{
			name:  "always 503",
			fault: func(_ int, w http.ResponseWriter, r *http.Request) bool { status(503)(w, r); return true },
			// Retries: 3 means four GETs in all.
			wantStatus: StatusFailed, wantAttempts: 4, wantErrText: "503 Service Unavailable (gave up after 4 attempts)",
			wantRunErr: true,
		},
		{name: "404", fault: onFirst(status(404)), wantStatus: StatusNotPublished, wantAttempts: 1, wantErr: ErrNotPublished},
		{name: "403", fault: onFirst(status(403)), wantStatus: StatusNotPublished, wantAttempts: 1, wantErr: ErrNotPublished},
		{
			name: "400 is not retried", fault: onFirst(status(400)),
			wantStatus: StatusFailed, wantAttempts: 1, wantErrText: "400 Bad Request", wantRunErr: true,
		},
		{
			name:  "server ignores Range",
			setup: writePart([]byte("stale bytes from nowhere"), ""),
			fault: func(_ int, w http.ResponseWriter, _ *http.Request) bool { w.Write(good); return true },
			// A 200 to a Range request restarts the file from zero.
			wantStatus: StatusDownloaded, wantAttempts: 1, wantRanges: []string{"bytes=24-"},
		},
		{
			name:       "If-Range sees a changed file",
			setup:      writePart(good[:100], `"v0"`),
			wantStatus: StatusDownloaded, wantAttempts: 1, wantRanges: []string{"bytes=100-"}, wantIfRange: `"v0"`,
		},
		{
			name:       "part already complete",
			setup:      writePart(good, testETag),
			wantStatus: StatusResumed, wantAttempts: 1, wantRanges: []string{fmt.Sprintf("bytes=%d-", len(good))},
		},
		{
			name:       "resumed file fails check and restarts",
			setup:      writePart([]byte("not a parquet head"), testETag),
			wantStatus: StatusDownloaded, wantAttempts: 2, wantRanges: []string{"bytes=18-", ""},
		},
		{
			name: "corrupt body", body: []byte("<html>AccessDenied</html>"),
			wantStatus: StatusFailed, wantAttempts: 1, wantErr: ErrCorrupt,
			wantErrText: "yellow_tripdata_2024-01.parquet", wantRunErr: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := good
			if tt.body != nil {
				body = tt.body
			}
			fs, srv := newFaultServer(t, body, tt.fault)
			dir := t.TempDir()
			path := filepath.Join(dir, "yellow_tripdata_2024-01.parquet")
			if tt.setup != nil {
				tt.setup(t, path)
			}
			d := testDownloader(srv, dir)
			if tt.stall > 0 {
				d.StallTimeout = tt.stall
			}
			results, err := d.Download(t.Context(), []Kind{Yellow}, []Month{{2024, time.January}})
			if (err != nil) != tt.wantRunErr {
				t.Fatalf("Download error = %v, want error: %v", err, tt.wantRunErr)
			}
			if len(results) != 1 {
				t.Fatalf("got %d results, want 1", len(results))
			}
			res := results[0]
			if res.Status != tt.wantStatus || res.Attempts != tt.wantAttempts {
				t.Errorf("status %v after %d attempts, want %v after %d (err: %v)",
					res.Status, res.Attempts, tt.wantStatus, tt.wantAttempts, res.Err)
			}
			if tt.wantErr != nil && !errors.Is(res.Err, tt.wantErr) {
				t.Errorf("Err = %v, want errors.Is %v", res.Err, tt.wantErr)
			}
			if tt.wantErrText != "" && (res.Err == nil || !strings.Contains(res.Err.Error(), tt.wantErrText)) {
				t.Errorf("Err = %v, want it to mention %q", res.Err, tt.wantErrText)
			}
			_, _, ranges, ifs := fs.counts()
			if tt.wantRanges != nil && fmt.Sprint(ranges) != fmt.Sprint(tt.wantRanges) {
				t.Errorf("Range headers %q, want %q", ranges, tt.wantRanges)
			}
			if tt.wantIfRange != "" && ifs[len(ifs)-1] != tt.wantIfRange {
				t.Errorf("If-Range headers %q, want last %q", ifs, tt.wantIfRange)
			}
			got, readErr := os.ReadFile(path)
			switch res.Status {
			case StatusDownloaded, StatusResumed:
				if readErr != nil || !bytes.Equal(got, good) || res.Bytes != int64(len(good)) {
					t.Errorf("file has %d bytes (Bytes %d, err %v), want the %d served", len(got), res.Bytes, readErr, len(good))
				}
				if _, err := os.Stat(path + ".part"); !errors.Is(err, os.ErrNotExist) {
					t.Errorf(".part left behind after success: %v", err)
				}
			default:
				if !errors.Is(readErr, os.ErrNotExist) {
					t.Errorf("final file exists after %v: %v", res.Status, readErr)
				}
			}
		})
	}
}

func TestDownloadSkipsCompleteFile(t *testing.T) {
	good := parquetBody(t, 100)
	const name = "green_tripdata_2024-02.parquet"
	replace := func(data []byte) func(t *testing.T, dir string) {
		return func(t *testing.T, dir string) {
			os.Remove(filepath.Join(dir, name+".meta"))
			if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	tests := []struct {
		name       string
		setup      func(t *testing.T, dir string) // between the two runs
		serverETag string                         // the server's ETag at the second run
		wantStatus Status
		wantGETs   int // GETs of the second run
		wantHEADs  int
	}{
		{name: "same etag", serverETag: testETag, wantStatus: StatusSkipped, wantHEADs: 1},
		{name: "etag changed", serverETag: `"v2"`, wantStatus: StatusDownloaded, wantGETs: 1, wantHEADs: 1},
		{name: "no sidecar, same size", setup: replace(good), serverETag: `"v2"`, wantStatus: StatusSkipped, wantHEADs: 1},
		{name: "no sidecar, other size", setup: replace(parquetBody(t, 5)), serverETag: testETag, wantStatus: StatusDownloaded, wantGETs: 1, wantHEADs: 1},
		// A local file failing the footer check is fetched without asking.
		{name: "local file truncated", setup: replace(good[:len(good)-3]), serverETag: testETag, wantStatus: StatusDownloaded, wantGETs: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs, srv := newFaultServer(t, good, nil)
			dir := t.TempDir()
			d := testDownloader(srv, dir)
			months := []Month{{2024, time.February}}
			if _, err := d.Download(t.Context(), []Kind{Green}, months); err != nil {
				t.Fatal(err)
			}
			if tt.setup != nil {
				tt.setup(t, dir)
			}
			fs.setETag(tt.serverETag)
			gets0, _, _, _ := fs.counts()
			results, err := d.Download(t.Context(), []Kind{Green}, months)
			if err != nil {
				t.Fatal(err)
			}
			gets, heads, _, _ := fs.counts()
			if got := results[0]; got.Status != tt.wantStatus || gets-gets0 != tt.wantGETs || heads != tt.wantHEADs {
				t.Errorf("status %v with %d GETs and %d HEADs, want %v with %d GETs and %d HEADs",
					got.Status, gets-gets0, heads, tt.wantStatus, tt.wantGETs, tt.wantHEADs)
			}
			if got, _ := os.ReadFile(filepath.Join(dir, name)); !bytes.Equal(got, good) {
				t.Errorf("local file has %d bytes, want the served %d", len(got), len(good))
			}
		})
	}
}

// TestDownloadCancel cancels from the progress callback once bytes have
// landed, so the test does not depend on timing, then resumes.
func TestDownloadCancel(t *testing.T) {
	good := parquetBody(t, 2000)
	half := len(good) / 2
	release := make(chan struct{})
	_, srv := newFaultServer(t, good, func(n int, w http.ResponseWriter, r *http.Request) bool {
		if n > 1 {
			return false
		}
		w.Header().Set("ETag", testETag)
		w.Header().Set("Content-Length", fmt.Sprint(len(good)))
		w.Write(good[:half])
		http.NewResponseController(w).Flush()
		select { // a slow server: the rest never comes in time
		case <-r.Context().Done():
		case <-release:
		}
		return true
	})
	defer close(release)
	dir := t.TempDir()
	d := testDownloader(srv, dir)
	d.Concurrency = 1 // yellow first, green never started
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	d.Progress = func(p Progress) {
		if p.Done >= int64(half) {
			cancel()
		}
	}
	start := time.Now()
	results, err := d.Download(ctx, []Kind{Yellow, Green}, []Month{{2024, time.March}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Download error = %v, want context.Canceled", err)
	}
	if el := time.Since(start); el > 10*time.Second {
		t.Errorf("cancellation took %v", el)
	}
	for _, res := range results {
		if res.Status != StatusFailed || !errors.Is(res.Err, context.Canceled) {
			t.Errorf("%s: status %v, err %v; want failed with context.Canceled", res.Path, res.Status, res.Err)
		}
	}
	part := filepath.Join(dir, "yellow_tripdata_2024-03.parquet.part")
	if fi, err := os.Stat(part); err != nil || fi.Size() != int64(half) {
		t.Fatalf("want a resumable %d-byte .part, got %v %v", half, fi, err)
	}

	d.Progress = nil
	results, err = d.Download(t.Context(), []Kind{Yellow}, []Month{{2024, time.March}})
	if err != nil || results[0].Status != StatusResumed || results[0].Fetched != int64(len(good)-half) {
		t.Fatalf("second run: %+v, %v; want resumed fetching %d bytes", results[0], err, len(good)-half)
	}
}

func TestDownloadDeadline(t *testing.T) {
	_, srv := newFaultServer(t, parquetBody(t, 10), func(_ int, _ http.ResponseWriter, r *http.Request) bool {
		<-r.Context().Done() // never answers
		return true
	})
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
	defer cancel()
	_, err := testDownloader(srv, t.TempDir()).Download(ctx, []Kind{FHV}, []Month{{2024, time.May}})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want context.DeadlineExceeded", err)
	}
}

func TestDownloadRejectsBadInput(t *testing.T) {
	d := &Downloader{Dir: t.TempDir()}
	for _, tt := range []struct {
		kinds  []Kind
		months []Month
	}{
		{[]Kind{"purple"}, []Month{{2024, 1}}},
		{[]Kind{Yellow}, []Month{{2024, 13}}},
	} {
		if _, err := d.Download(t.Context(), tt.kinds, tt.months); err == nil {
			t.Errorf("Download(%v, %v) succeeded, want an error", tt.kinds, tt.months)
		}
	}
}
