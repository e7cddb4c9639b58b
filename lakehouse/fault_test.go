package lakehouse_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/minio/minio-go/v7"

	"github.com/magnumopus/opus/internal/testsvc"
	"github.com/magnumopus/opus/lakehouse"
)

// faultRetry keeps retries short so that a write against a dead server
// fails fast instead of backing off for long.
var faultRetry = lakehouse.RetryPolicy{Attempts: 2, MinWait: time.Millisecond, MaxWait: 5 * time.Millisecond, Seed: 7}

// dataSnapshots returns the snapshots of name that added rows.
func dataSnapshots(t *testing.T, w *lakehouse.Warehouse, name string) []lakehouse.Snapshot {
	t.Helper()
	snaps, err := w.Snapshots(testContext(t), name)
	if err != nil {
		t.Fatalf("Snapshots(%s): %v", name, err)
	}
	var out []lakehouse.Snapshot
	for _, s := range snaps {
		if s.AddedRows > 0 {
			out = append(out, s)
		}
	}
	return out
}

// listKeys returns the object keys of bucket under prefix.
func listKeys(t *testing.T, client *minio.Client, bucket, prefix string) []string {
	t.Helper()
	var keys []string
	for obj := range client.ListObjects(testContext(t), bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true}) {
		if obj.Err != nil {
			t.Fatalf("list s3://%s/%s: %v", bucket, prefix, obj.Err)
		}
		keys = append(keys, obj.Key)
	}
	return keys
}

// gate is a reverse proxy in front of an S3 server that can hold the first
// request matching a predicate until the test has done something (such as
// killing the server behind it) and then forwards it.
type gate struct {
	proxy   *httputil.ReverseProxy
	mu      sync.Mutex
	match   func(*http.Request) bool // nil: forward everything
	hit     chan string              // receives the held request's path
	proceed chan struct{}            // closed by the test to release it
}

func newGate(t *testing.T, backend string) (*gate, string) {
	t.Helper()
	u, err := url.Parse(backend)
	if err != nil {
		t.Fatal(err)
	}
	g := &gate{proxy: httputil.NewSingleHostReverseProxy(u)}
	// A dead backend is the point of these tests: answer 502 quietly.
	g.proxy.ErrorHandler = func(w http.ResponseWriter, _ *http.Request, _ error) { w.WriteHeader(http.StatusBadGateway) }
	srv := httptest.NewServer(g)
	t.Cleanup(srv.Close)
	return g, srv.URL
}

// arm makes the gate hold the first request that match accepts.
func (g *gate) arm(match func(*http.Request) bool) (hit <-chan string, proceed chan<- struct{}) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.match = match
	g.hit = make(chan string, 1)
	g.proceed = make(chan struct{})
	return g.hit, g.proceed
}

func (g *gate) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	match, hit, proceed := g.match, g.hit, g.proceed
	if match != nil && match(r) {
		g.match = nil // hold only the first
	} else {
		proceed = nil
	}
	g.mu.Unlock()
	if proceed != nil {
		hit <- r.Method + " " + r.URL.Path
		select {
		case <-proceed:
		case <-r.Context().Done():
			return
		}
	}
	g.proxy.ServeHTTP(w, r)
}

// putOf matches object uploads whose key satisfies keyOK.
func putOf(keyOK func(string) bool) func(*http.Request) bool {
	return func(r *http.Request) bool { return r.Method == http.MethodPut && keyOK(r.URL.Path) }
}

// TestS3StoppedMidWrite takes the S3 server of an S3 warehouse (with a
// SQLite catalog) down during the second of two appends: before it starts,
// when it uploads its data file, and when it uploads the new table
// metadata (just before the catalog commit). The append must fail within
// its deadline and leave the table at the first commit; once the server is
// back, redoing the append must succeed without duplicate rows.
func TestS3StoppedMidWrite(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: needs a private versitygw")
	}
	for _, tc := range []struct {
		name  string
		match func(*http.Request) bool // nil: stop before the append
	}{
		{"before-append", nil},
		{"data-file-upload", putOf(func(k string) bool { return strings.Contains(k, "/data/") })},
		{"manifest-upload", putOf(func(k string) bool { return strings.HasSuffix(k, ".avro") })},
		{"metadata-upload", putOf(func(k string) bool { return strings.HasSuffix(k, ".metadata.json") })},
	} {
		t.Run(tc.name, func(t *testing.T) { testS3Stopped(t, tc.match) })
	}
}

func testS3Stopped(t *testing.T, match func(*http.Request) bool) {
	s3, stop, restart := testsvc.StartVersityGW(t)
	client, err := s3.Client()
	if err != nil {
		t.Fatal(err)
	}
	const bucket = "opus-fault"
	mkctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := client.MakeBucket(mkctx, bucket, minio.MakeBucketOptions{Region: s3.Region}); err != nil {
		t.Fatalf("create bucket: %v", err)
	}
	g, endpoint := newGate(t, s3.Endpoint)
	cfg := lakehouse.Config{
		CatalogURI: "sqlite:" + filepath.Join(t.TempDir(), "catalog.db"),
		Warehouse:  "s3://" + bucket + "/warehouse",
		S3:         lakehouse.S3Config{Endpoint: endpoint, AccessKey: s3.AccessKey, SecretKey: s3.SecretKey, Region: s3.Region},
		Retry:      faultRetry,
	}
	w := openWarehouse(t, cfg)
	const name = "fault.trips"
	createYellow(t, w, name)

	a := withSource(t, trips(t, time.January, 120, 1), "a")
	b := withSource(t, trips(t, time.January, 80, 2), "b")
	s1 := mustAppend(t, w, name, a)
	if s1.ID == 0 || s1.AddedRows != a.NumRows() {
		t.Fatalf("first append: snapshot %+v, want %d added rows", s1, a.NumRows())
	}
	keysBefore := listKeys(t, client, bucket, "warehouse/")

	// Server down: the append must fail, and within its deadline.
	ctx, cancelB := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancelB()
	start := time.Now()
	if match == nil {
		stop()
		_, err = w.Append(ctx, name, []arrow.RecordBatch{b})
	} else {
		hit, proceed := g.arm(match)
		done := make(chan error, 1)
		go func() {
			_, err := w.Append(ctx, name, []arrow.RecordBatch{b})
			done <- err
		}()
		select {
		case req := <-hit:
			t.Logf("stopping S3 at %s", req)
			stop()
			close(proceed)
			err = <-done
		case err = <-done:
			t.Fatalf("Append finished (err %v) without the request the test stops S3 at", err)
		}
	}
	elapsed := time.Since(start)
	if err == nil {
		t.Fatal("Append with the S3 server down succeeded")
	}
	t.Logf("Append with S3 down failed after %v: %v", elapsed.Round(time.Millisecond), err)
	if elapsed > 10*time.Second {
		t.Errorf("Append with S3 down took %v, want it bounded by its 3s deadline", elapsed)
	}

	// Server back: the table is still at commit 1 with exactly A's rows.
	restart()
	if cur := current(t, w, name); cur.ID != s1.ID {
		t.Fatalf("after the failed append the current snapshot is %d, want %d", cur.ID, s1.ID)
	}
	if n := count(t, w, name, lakehouse.ScanOptions{}); n != a.NumRows() {
		t.Fatalf("after the failed append the table has %d rows, want %d", n, a.NumRows())
	}
	if n := count(t, w, name, lakehouse.ScanOptions{Filter: lakehouse.Eq("source_file", "b")}); n != 0 {
		t.Fatalf("after the failed append the table has %d rows of b, want 0", n)
	}
	if extra := diffKeys(listKeys(t, client, bucket, "warehouse/"), keysBefore); len(extra) > 0 {
		t.Logf("the failed append left %d orphan object(s): %v", len(extra), extra)
	}

	// Retry: it succeeds, on top of commit 1, and holds A+B exactly once.
	s2 := mustAppend(t, w, name, b)
	if s2.ID == s1.ID || s2.ParentID != s1.ID {
		t.Fatalf("retried append: snapshot %d with parent %d, want a new snapshot on %d", s2.ID, s2.ParentID, s1.ID)
	}
	if n := count(t, w, name, lakehouse.ScanOptions{}); n != a.NumRows()+b.NumRows() {
		t.Fatalf("after the retried append the table has %d rows, want %d", n, a.NumRows()+b.NumRows())
	}
	for _, src := range []struct {
		file string
		want int64
	}{{"a", a.NumRows()}, {"b", b.NumRows()}} {
		if n := count(t, w, name, lakehouse.ScanOptions{Filter: lakehouse.Eq("source_file", src.file)}); n != src.want {
			t.Errorf("rows of %s: %d, want %d", src.file, n, src.want)
		}
	}
	ds := dataSnapshots(t, w, name)
	if len(ds) != 2 || ds[0].ID != s1.ID || ds[1].ID != s2.ID {
		t.Fatalf("data-bearing snapshots %+v, want exactly %d and %d", ds, s1.ID, s2.ID)
	}
	if ds[1].TotalRows != a.NumRows()+b.NumRows() {
		t.Errorf("total-records of the last snapshot: %d, want %d", ds[1].TotalRows, a.NumRows()+b.NumRows())
	}
}

// diffKeys returns the keys of got that are not in base.
func diffKeys(got, base []string) []string {
	seen := make(map[string]bool, len(base))
	for _, k := range base {
		seen[k] = true
	}
	var out []string
	for _, k := range got {
		if !seen[k] {
			out = append(out, k)
		}
	}
	return out
}

// TestCatalogRestart closes a Warehouse on a PostgreSQL catalog and opens
// it again from the same Config: tables, snapshots and rows must all be
// there, and the reopened Warehouse must accept further writes.
func TestCatalogRestart(t *testing.T) {
	cfg := lakehouse.Config{CatalogURI: testsvc.FreshPostgresDatabase(t), Warehouse: t.TempDir()}
	ctx := testContext(t)
	const name = "restart.trips"

	w, err := lakehouse.Open(ctx, cfg)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	closed := false
	t.Cleanup(func() {
		if !closed {
			_ = w.Close()
		}
	})
	createYellow(t, w, name)
	a := withSource(t, trips(t, time.January, 150, 1), "a")
	b := withSource(t, trips(t, time.February, 70, 2), "b")
	s1 := mustAppend(t, w, name, a)
	s2 := mustAppend(t, w, name, b)
	before, err := w.Snapshots(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	closed = true

	w2 := openWarehouse(t, cfg)
	tables, err := w2.ListTables(ctx, "restart")
	if err != nil {
		t.Fatalf("ListTables: %v", err)
	}
	if len(tables) != 1 || !strings.HasSuffix(tables[0], "trips") {
		t.Fatalf("tables after reopening: %v, want [%s]", tables, name)
	}
	if cur := current(t, w2, name); cur.ID != s2.ID || cur.ParentID != s1.ID {
		t.Fatalf("current snapshot after reopening: %d (parent %d), want %d (parent %d)", cur.ID, cur.ParentID, s2.ID, s1.ID)
	}
	after, err := w2.Snapshots(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	if len(after) != len(before) {
		t.Fatalf("%d snapshots after reopening, want %d", len(after), len(before))
	}
	for i := range before {
		if after[i].ID != before[i].ID || after[i].AddedRows != before[i].AddedRows {
			t.Errorf("snapshot %d after reopening: %+v, want %+v", i, after[i], before[i])
		}
	}
	if n := count(t, w2, name, lakehouse.ScanOptions{}); n != a.NumRows()+b.NumRows() {
		t.Fatalf("rows after reopening: %d, want %d", n, a.NumRows()+b.NumRows())
	}
	if n := count(t, w2, name, lakehouse.ScanOptions{SnapshotID: s1.ID}); n != a.NumRows() {
		t.Errorf("rows of snapshot %d after reopening: %d, want %d", s1.ID, n, a.NumRows())
	}

	// The reopened catalog takes further commits on top of the old ones.
	c := withSource(t, trips(t, time.March, 30, 3), "c")
	s3 := mustAppend(t, w2, name, c)
	if s3.ParentID != s2.ID {
		t.Errorf("append after reopening: parent %d, want %d", s3.ParentID, s2.ID)
	}
	if n := count(t, w2, name, lakehouse.ScanOptions{}); n != a.NumRows()+b.NumRows()+c.NumRows() {
		t.Errorf("rows after appending to the reopened table: %d, want %d", n, a.NumRows()+b.NumRows()+c.NumRows())
	}
}
