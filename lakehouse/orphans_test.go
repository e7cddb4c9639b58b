package lakehouse_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log"
	"maps"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/iceberg-go/table"
	"github.com/minio/minio-go/v7"

	"github.com/magnumopus/opus/internal/testsvc"
	"github.com/magnumopus/opus/lakehouse"
	"github.com/magnumopus/opus/tlc"
)

// clockStep separates files the tests want on either side of an age
// cutoff. S3 reports modification times to the second, so it is over one.
const clockStep = 1100 * time.Millisecond

// fileStore is the tests' own view of a warehouse's files, independent of
// the code under test: the local file system, or an S3 server through
// minio-go. Locations are file:// URIs or s3://bucket/key.
type fileStore struct {
	client *minio.Client // nil for a local warehouse
}

// storeOf returns the fileStore of a warehouse opened by forEachBackend.
func storeOf(t *testing.T, w *lakehouse.Warehouse) fileStore {
	t.Helper()
	if !strings.HasPrefix(w.Location(), "s3://") {
		return fileStore{}
	}
	client, err := testsvc.S3(t).Client()
	if err != nil {
		t.Fatal(err)
	}
	return fileStore{client: client}
}

// splitS3 splits s3://bucket/key, keeping the key verbatim.
func splitS3(t *testing.T, loc string) (bucket, key string) {
	t.Helper()
	rest, ok := strings.CutPrefix(loc, "s3://")
	if !ok {
		t.Fatalf("%s is not an s3:// location", loc)
	}
	bucket, key, _ = strings.Cut(rest, "/")
	return bucket, key
}

// localPath returns the path a file:// location names.
func localPath(t *testing.T, loc string) string {
	t.Helper()
	u, err := url.Parse(loc)
	if err != nil || u.Scheme != "file" {
		t.Fatalf("%s is not a file:// location (%v)", loc, err)
	}
	return filepath.FromSlash(u.Path)
}

// canon returns the form locations are compared in by the tests: decoded
// "file://" + path for local files (also for plain paths), verbatim for S3.
func canon(t *testing.T, loc string) string {
	t.Helper()
	switch {
	case strings.HasPrefix(loc, "s3://"):
		return loc
	case strings.HasPrefix(loc, "file:"):
		return "file://" + filepath.ToSlash(localPath(t, loc))
	}
	return "file://" + filepath.ToSlash(loc)
}

func canonSet(t *testing.T, locs []string) map[string]bool {
	t.Helper()
	out := make(map[string]bool, len(locs))
	for _, l := range locs {
		out[canon(t, l)] = true
	}
	return out
}

// join appends a relative path to a location.
func join(loc, rel string) string { return strings.TrimRight(loc, "/") + "/" + rel }

func (s fileStore) put(t *testing.T, loc string, content []byte) {
	t.Helper()
	if s.client == nil {
		p := localPath(t, loc)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, content, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	bucket, key := splitS3(t, loc)
	if _, err := s.client.PutObject(testContext(t), bucket, key, bytes.NewReader(content), int64(len(content)), minio.PutObjectOptions{}); err != nil {
		t.Fatalf("put %s: %v", loc, err)
	}
}

func (s fileStore) get(t *testing.T, loc string) []byte {
	t.Helper()
	if s.client == nil {
		b, err := os.ReadFile(localPath(t, loc))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	bucket, key := splitS3(t, loc)
	obj, err := s.client.GetObject(testContext(t), bucket, key, minio.GetObjectOptions{})
	if err != nil {
		t.Fatalf("get %s: %v", loc, err)
	}
	defer obj.Close()
	b, err := io.ReadAll(obj)
	if err != nil {
		t.Fatalf("get %s: %v", loc, err)
	}
	return b
}

// list returns the files under location dir (canonical) with their sizes.
func (s fileStore) list(t *testing.T, dir string) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	if s.client == nil {
		root := localPath(t, dir)
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			info, err := d.Info()
			if err != nil {
				return err
			}
			out["file://"+filepath.ToSlash(p)] = info.Size()
			return nil
		})
		if err != nil {
			t.Fatalf("list %s: %v", dir, err)
		}
		return out
	}
	bucket, prefix := splitS3(t, join(dir, ""))
	for obj := range s.client.ListObjects(testContext(t), bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true}) {
		if obj.Err != nil {
			t.Fatalf("list %s: %v", dir, obj.Err)
		}
		out["s3://"+bucket+"/"+obj.Key] = obj.Size
	}
	return out
}

func (s fileStore) exists(t *testing.T, loc string) bool {
	t.Helper()
	if s.client == nil {
		_, err := os.Stat(localPath(t, loc))
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			t.Fatal(err)
		}
		return err == nil
	}
	bucket, key := splitS3(t, loc)
	_, err := s.client.StatObject(testContext(t), bucket, key, minio.StatObjectOptions{})
	if err != nil && minio.ToErrorResponse(err).StatusCode != http.StatusNotFound {
		t.Fatalf("stat %s: %v", loc, err)
	}
	return err == nil
}

// backdate sets the modification time of a local file to age ago.
func (s fileStore) backdate(t *testing.T, loc string, age time.Duration) {
	t.Helper()
	if s.client != nil {
		t.Fatal("S3 objects cannot be backdated")
	}
	when := time.Now().Add(-age)
	if err := os.Chtimes(localPath(t, loc), when, when); err != nil {
		t.Fatal(err)
	}
}

func tableLocation(t *testing.T, w *lakehouse.Warehouse, name string) string {
	t.Helper()
	tbl, err := w.Table(testContext(t), name)
	if err != nil {
		t.Fatal(err)
	}
	return tbl.Location()
}

// keysOf returns the sorted keys of a set.
func keysOf[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

// sameSet fails the test unless got and want hold the same locations.
func sameSet(t *testing.T, what string, got, want map[string]bool) {
	t.Helper()
	var missing, extra []string
	for k := range want {
		if !got[k] {
			missing = append(missing, k)
		}
	}
	for k := range got {
		if !want[k] {
			extra = append(extra, k)
		}
	}
	if len(missing)+len(extra) > 0 {
		slices.Sort(missing)
		slices.Sort(extra)
		t.Errorf("%s: missing %v, unexpected %v", what, missing, extra)
	}
}

// underTableDirs reports whether canonical location c is in the data/ or
// metadata/ directory of canonical table location root.
func underTableDirs(c, root string) bool {
	return strings.HasPrefix(c, root+"/data/") || strings.HasPrefix(c, root+"/metadata/")
}

func removeOrphans(t *testing.T, w *lakehouse.Warehouse, name string, opts lakehouse.OrphanOptions) lakehouse.OrphanResult {
	t.Helper()
	res, err := w.RemoveOrphanFiles(testContext(t), name, opts)
	if err != nil {
		t.Fatalf("RemoveOrphanFiles(%s, %+v): %v", name, opts, err)
	}
	if want := !opts.DryRun; res.Deleted != want {
		t.Errorf("RemoveOrphanFiles(%s, %+v): Deleted %v, want %v", name, opts, res.Deleted, want)
	}
	if !slices.IsSorted(res.Files) {
		t.Errorf("RemoveOrphanFiles(%s): Files not sorted: %v", name, res.Files)
	}
	return res
}

// TestRemoveOrphanFiles builds a table with history (appends, a
// copy-on-write replace, snapshots expired with KeepFiles), plants stray
// files inside and around it, and checks what RemoveOrphanFiles finds and
// deletes: the old strays and the files only expired snapshots used, not
// a stray younger than the cutoff, not files outside the table's data/ and
// metadata/ (a sibling table whose name extends this one's, the table
// directory itself, the warehouse root), and never a referenced file: the
// table and every retained snapshot read the same rows afterwards, and its
// result matches iceberg-go's own orphan planner.
func TestRemoveOrphanFiles(t *testing.T) {
	forEachBackend(t, func(t *testing.T, w *lakehouse.Warehouse) {
		ctx := testContext(t)
		st := storeOf(t, w)
		const name, sibling = "orphans.trips", "orphans.trips_b"
		createYellow(t, w, name)
		createYellow(t, w, sibling)
		jan := withSource(t, trips(t, time.January, 100, 1), "jan")
		feb := withSource(t, trips(t, time.February, 80, 2), "feb")
		jan2 := withSource(t, trips(t, time.January, 50, 3), "jan2")
		mar := withSource(t, trips(t, time.March, 60, 4), "mar")
		mustAppend(t, w, name, jan)
		mustAppend(t, w, name, feb)
		s3, err := w.ReplaceWhere(ctx, name, lakehouse.MonthRange("pickup_datetime", 2024, time.January), []arrow.RecordBatch{jan2})
		if err != nil {
			t.Fatal(err)
		}
		s4 := mustAppend(t, w, name, mar)
		mustAppend(t, w, sibling, feb)
		expired, err := w.ExpireSnapshots(ctx, name, lakehouse.ExpireOptions{OlderThan: time.Nanosecond, RetainLast: 2, KeepFiles: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(expired) != 2 {
			t.Fatalf("ExpireSnapshots removed %d snapshots, want 2", len(expired))
		}

		loc, sibLoc := tableLocation(t, w, name), tableLocation(t, w, sibling)
		if sibLoc != loc+"_b" {
			t.Fatalf("sibling table at %s, want %s_b (the test relies on the shared prefix)", sibLoc, loc)
		}
		nsDir := loc[:strings.LastIndex(loc, "/")]
		root := canon(t, loc)
		stray := []byte("written by a writer that died")
		oldStrays := []string{
			join(loc, "data/stray.parquet"),
			join(loc, "data/pickup_datetime_month=2024-01/stray.parquet"),
			join(loc, "metadata/stray.avro"),
			join(loc, "metadata/99999-stray.metadata.json"),
		}
		outside := []string{
			join(loc, "stray.parquet"),          // table directory, not data/ or metadata/
			join(loc, "data_old/stray.parquet"), // shares the prefix "data"
			join(sibLoc, "data/stray.parquet"),  // shares the prefix loc
			join(w.Location(), "stray.parquet"), // warehouse root
		}
		for _, l := range append(slices.Clone(oldStrays), outside...) {
			st.put(t, l, stray)
		}
		time.Sleep(clockStep)
		mark := time.Now()
		time.Sleep(clockStep)
		young := join(loc, "data/young.parquet")
		st.put(t, young, stray)
		before := st.list(t, nsDir)

		// Dry run: reports, deletes nothing.
		dry := removeOrphans(t, w, name, lakehouse.OrphanOptions{OlderThan: time.Since(mark), DryRun: true})
		found := canonSet(t, dry.Files)
		for _, l := range oldStrays {
			if !found[canon(t, l)] {
				t.Errorf("old stray %s not found; found %v", l, dry.Files)
			}
		}
		for _, l := range append([]string{young}, outside...) {
			if found[canon(t, l)] {
				t.Errorf("%s reported as an orphan", l)
			}
		}
		var size int64
		expiredOnly := 0
		for f := range found {
			if !underTableDirs(f, root) {
				t.Errorf("orphan %s is outside %s/{data,metadata}/", f, root)
			}
			size += before[f]
			if !slices.ContainsFunc(oldStrays, func(l string) bool { return canon(t, l) == f }) {
				expiredOnly++
				if strings.HasSuffix(f, ".parquet") {
					expiredOnly += 1000 // the January file the replace dropped
				}
			}
		}
		if dry.Bytes != size {
			t.Errorf("Bytes = %d, want %d", dry.Bytes, size)
		}
		if expiredOnly < 1000+2 {
			t.Errorf("orphans besides the strays: %v; want the replaced data file and the expired snapshots' manifest lists", dry.Files)
		}
		sameSet(t, "files after a dry run", setOf(st.list(t, nsDir)), setOf(before))

		// iceberg-go's own planner agrees (restricted to data/ and metadata/,
		// as it walks the whole table location).
		tbl, err := w.Table(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		plan, err := tbl.PlanOrphanFiles(ctx, table.WithFilesOlderThan(time.Since(mark)))
		if err != nil {
			t.Fatalf("iceberg-go PlanOrphanFiles: %v", err)
		}
		oracle := map[string]bool{}
		for _, f := range plan.Files() {
			if c := canon(t, f); underTableDirs(c, root) {
				oracle[c] = true
			}
		}
		sameSet(t, "orphans vs iceberg-go's PlanOrphanFiles", found, oracle)

		// The real run deletes exactly what the dry run reported.
		res := removeOrphans(t, w, name, lakehouse.OrphanOptions{OlderThan: time.Since(mark)})
		sameSet(t, "deleted vs dry run", canonSet(t, res.Files), found)
		if res.Bytes != dry.Bytes {
			t.Errorf("Bytes = %d, dry run said %d", res.Bytes, dry.Bytes)
		}
		want := setOf(before)
		for f := range found {
			delete(want, f)
		}
		sameSet(t, "files after removing orphans", setOf(st.list(t, nsDir)), want)
		if !st.exists(t, join(w.Location(), "stray.parquet")) {
			t.Error("the stray at the warehouse root was deleted")
		}

		// The table, its retained history and its sibling are intact.
		for _, c := range []struct {
			table string
			opts  lakehouse.ScanOptions
			want  int64
		}{
			{name, lakehouse.ScanOptions{}, jan2.NumRows() + feb.NumRows() + mar.NumRows()},
			{name, lakehouse.ScanOptions{SnapshotID: s3.ID}, jan2.NumRows() + feb.NumRows()},
			{name, lakehouse.ScanOptions{SnapshotID: s4.ID}, jan2.NumRows() + feb.NumRows() + mar.NumRows()},
			{name, lakehouse.ScanOptions{Filter: lakehouse.Eq("source_file", "jan")}, 0},
			{sibling, lakehouse.ScanOptions{}, feb.NumRows()},
		} {
			if n := count(t, w, c.table, c.opts); n != c.want {
				t.Errorf("%s %+v: %d rows, want %d", c.table, c.opts, n, c.want)
			}
		}
		tbl, err = w.Table(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		for e := range tbl.Metadata().PreviousFiles() {
			if !st.exists(t, e.MetadataFile) {
				t.Errorf("metadata log file %s was deleted", e.MetadataFile)
			}
		}

		// Nothing left to do; with the default age, nothing is old enough.
		if again := removeOrphans(t, w, name, lakehouse.OrphanOptions{OlderThan: time.Since(mark)}); len(again.Files) != 0 {
			t.Errorf("second run found %v", again.Files)
		}
		if def := removeOrphans(t, w, name, lakehouse.OrphanOptions{DryRun: true}); len(def.Files) != 0 {
			t.Errorf("with the default age, found %v", def.Files)
		}
		if !st.exists(t, young) {
			t.Error("the young stray was deleted")
		}
		// The table still takes writes.
		mustAppend(t, w, name, jan)
		if n := count(t, w, name, lakehouse.ScanOptions{}); n != jan.NumRows()+jan2.NumRows()+feb.NumRows()+mar.NumRows() {
			t.Errorf("after a further append: %d rows", n)
		}
	})
}

func setOf[V any](m map[string]V) map[string]bool {
	out := make(map[string]bool, len(m))
	for k := range m {
		out[k] = true
	}
	return out
}

// TestRemoveOrphanFilesAge checks the age guard against backdated local
// files, with the default age (72 hours) and an explicit one. (S3 objects
// cannot be backdated; TestRemoveOrphanFiles covers the guard there.)
func TestRemoveOrphanFilesAge(t *testing.T) {
	forEachBackend(t, func(t *testing.T, w *lakehouse.Warehouse) {
		st := storeOf(t, w)
		if st.client != nil {
			t.Skip("needs a local warehouse: S3 objects cannot be backdated")
		}
		const name = "orphans.aged"
		createYellow(t, w, name)
		mustAppend(t, w, name, withSource(t, trips(t, time.January, 40, 1), "a"))
		loc := tableLocation(t, w, name)
		cases := []struct {
			name      string
			mtimeAge  time.Duration
			olderThan time.Duration
			orphan    bool
		}{
			{"four days old, default age", 96 * time.Hour, 0, true},
			{"71 hours old, default age", 71 * time.Hour, 0, false},
			{"new, default age", 0, 0, false},
			{"two hours old, one hour age", 2 * time.Hour, time.Hour, true},
			{"30 minutes old, one hour age", 30 * time.Minute, time.Hour, false},
		}
		files := make([]string, len(cases))
		for i, c := range cases {
			files[i] = join(loc, fmt.Sprintf("data/aged-%d.parquet", i))
			st.put(t, files[i], []byte(c.name))
			st.backdate(t, files[i], c.mtimeAge)
		}
		for i, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				res := removeOrphans(t, w, name, lakehouse.OrphanOptions{OlderThan: c.olderThan, DryRun: true})
				if got := canonSet(t, res.Files)[canon(t, files[i])]; got != c.orphan {
					t.Errorf("orphan = %v, want %v (found %v)", got, c.orphan, res.Files)
				}
				for _, f := range res.Files {
					if !strings.Contains(f, "/data/aged-") {
						t.Errorf("table file %s reported as an orphan", f)
					}
				}
			})
		}
		res := removeOrphans(t, w, name, lakehouse.OrphanOptions{})
		sameSet(t, "deleted with the default age", canonSet(t, res.Files), map[string]bool{canon(t, files[0]): true})
		for i, f := range files {
			if st.exists(t, f) == (i == 0) {
				t.Errorf("%s: exists %v after the default run", f, i != 0)
			}
		}
		if n := count(t, w, name, lakehouse.ScanOptions{}); n != 40 {
			t.Errorf("%d rows after removing orphans, want 40", n)
		}
	})
}

// TestRemoveOrphanFilesAbandonedWrite reproduces a real orphan through the
// write path: a writer stages an append (iceberg-go writes the data file,
// manifest and manifest list) and dies before its commit. RemoveOrphanFiles
// must find exactly the files it left, and the table must be unaffected.
func TestRemoveOrphanFilesAbandonedWrite(t *testing.T) {
	forEachBackend(t, func(t *testing.T, w *lakehouse.Warehouse) {
		ctx := testContext(t)
		st := storeOf(t, w)
		const name = "orphans.abandoned"
		createYellow(t, w, name)
		a := withSource(t, trips(t, time.January, 120, 1), "a")
		b := withSource(t, trips(t, time.February, 70, 2), "b")
		s1 := mustAppend(t, w, name, a)
		loc := tableLocation(t, w, name)
		before := setOf(st.list(t, loc))

		tbl, err := w.Table(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		rdr, err := array.NewRecordReader(b.Schema(), []arrow.RecordBatch{b})
		if err != nil {
			t.Fatal(err)
		}
		defer rdr.Release()
		if err := tbl.NewTransaction().Append(ctx, rdr, nil); err != nil {
			t.Fatalf("stage append: %v", err)
		}
		// ... and no Commit: the writer is gone.
		left := setOf(st.list(t, loc))
		for k := range before {
			delete(left, k)
		}
		if !slices.ContainsFunc(keysOf(left), func(k string) bool { return strings.HasSuffix(k, ".parquet") }) {
			t.Fatalf("the staged append left %v, want a data file among them", keysOf(left))
		}
		t.Logf("the abandoned append left %d file(s)", len(left))
		if cur := current(t, w, name); cur.ID != s1.ID {
			t.Fatalf("current snapshot %d, want %d", cur.ID, s1.ID)
		}

		time.Sleep(clockStep)
		dry := removeOrphans(t, w, name, lakehouse.OrphanOptions{OlderThan: time.Millisecond, DryRun: true})
		sameSet(t, "orphans of the abandoned write", canonSet(t, dry.Files), left)
		res := removeOrphans(t, w, name, lakehouse.OrphanOptions{OlderThan: time.Millisecond})
		sameSet(t, "deleted", canonSet(t, res.Files), left)
		sameSet(t, "files after removing orphans", setOf(st.list(t, loc)), before)
		if n := count(t, w, name, lakehouse.ScanOptions{}); n != a.NumRows() {
			t.Fatalf("%d rows, want %d", n, a.NumRows())
		}
		mustAppend(t, w, name, b)
		if n := count(t, w, name, lakehouse.ScanOptions{}); n != a.NumRows()+b.NumRows() {
			t.Fatalf("after appending again: %d rows, want %d", n, a.NumRows()+b.NumRows())
		}
	})
}

// TestRemoveOrphanFilesOddTableName uses a table whose location needs
// escaping (iceberg-go percent-encodes it in file:// locations and writes
// the decoded path to disk): every table file must still compare equal
// to its reference, and only the planted stray is an orphan.
func TestRemoveOrphanFilesOddTableName(t *testing.T) {
	forEachBackend(t, func(t *testing.T, w *lakehouse.Warehouse) {
		st := storeOf(t, w)
		const name = "orphans.odd name+x"
		createYellow(t, w, name)
		a := withSource(t, trips(t, time.January, 30, 1), "a")
		mustAppend(t, w, name, a)
		mustAppend(t, w, name, withSource(t, trips(t, time.February, 20, 2), "b"))
		loc := tableLocation(t, w, name)
		t.Logf("table location %s", loc)
		stray := join(loc, "data/stray file.parquet")
		st.put(t, stray, []byte("stray"))
		time.Sleep(clockStep)
		res := removeOrphans(t, w, name, lakehouse.OrphanOptions{OlderThan: time.Millisecond})
		sameSet(t, "orphans", canonSet(t, res.Files), map[string]bool{canon(t, stray): true})
		if st.exists(t, stray) {
			t.Error("the stray was not deleted")
		}
		if n := count(t, w, name, lakehouse.ScanOptions{}); n != 50 {
			t.Errorf("%d rows, want 50", n)
		}
	})
}

// TestRemoveOrphanFilesEquivalentLocations registers a data file under
// another spelling of its location than the listing produces (a plain path
// for a file:// table, s3a:// for an s3:// one): it must count as
// referenced, not as an orphan.
func TestRemoveOrphanFilesEquivalentLocations(t *testing.T) {
	forEachBackend(t, func(t *testing.T, w *lakehouse.Warehouse) {
		ctx := testContext(t)
		st := storeOf(t, w)
		const name = "orphans.spelled"
		createYellow(t, w, name)
		a := withSource(t, trips(t, time.January, 30, 1), "a")
		mustAppend(t, w, name, a)
		loc := tableLocation(t, w, name)
		var dataFile string
		for f := range st.list(t, join(loc, "data")) {
			dataFile = f
		}
		if dataFile == "" {
			t.Fatal("no data file")
		}
		copied := join(loc, "data/registered.parquet")
		st.put(t, copied, st.get(t, dataFile))
		spelled := "s3a://" + strings.TrimPrefix(copied, "s3://")
		if st.client == nil {
			spelled = localPath(t, copied) // a plain path
		}
		tbl, err := w.Table(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		txn := tbl.NewTransaction()
		if err := txn.AddFiles(ctx, []string{spelled}, nil, false); err != nil {
			t.Fatalf("AddFiles(%s): %v", spelled, err)
		}
		if tbl, err = txn.Commit(ctx); err != nil {
			t.Fatalf("commit AddFiles: %v", err)
		}
		tasks, err := tbl.Scan().PlanFiles(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(tasks, func(task table.FileScanTask) bool { return task.File.FilePath() == spelled }) {
			t.Fatalf("the table does not reference %s", spelled)
		}

		time.Sleep(clockStep)
		if res := removeOrphans(t, w, name, lakehouse.OrphanOptions{OlderThan: time.Millisecond}); len(res.Files) != 0 {
			t.Errorf("found orphans %v; want none (%s is referenced as %s)", res.Files, copied, spelled)
		}
		if !st.exists(t, copied) {
			t.Fatalf("%s, referenced as %s, was deleted", copied, spelled)
		}
		if n := count(t, w, name, lakehouse.ScanOptions{}); n != 2*a.NumRows() {
			t.Errorf("%d rows, want %d", n, 2*a.NumRows())
		}
	})
}

// TestRemoveOrphanFilesErrors checks argument and lookup errors.
func TestRemoveOrphanFilesErrors(t *testing.T) {
	w := openWarehouse(t, lakehouse.Config{Warehouse: t.TempDir()})
	createYellow(t, w, "orphans.trips")
	for _, c := range []struct {
		name, table string
		opts        lakehouse.OrphanOptions
		is          error
		contains    string
	}{
		{"no such table", "orphans.nope", lakehouse.OrphanOptions{}, lakehouse.ErrNoSuchTable, "orphans.nope"},
		{"bad name", "nodots", lakehouse.OrphanOptions{}, lakehouse.ErrBadName, "nodots"},
		{"negative age", "orphans.trips", lakehouse.OrphanOptions{OlderThan: -time.Hour}, nil, "orphans.trips: negative OlderThan"},
	} {
		t.Run(c.name, func(t *testing.T) {
			res, err := w.RemoveOrphanFiles(testContext(t), c.table, c.opts)
			if err == nil {
				t.Fatalf("no error; result %+v", res)
			}
			if c.is != nil && !errors.Is(err, c.is) {
				t.Errorf("error %v is not %v", err, c.is)
			}
			if !strings.Contains(err.Error(), c.contains) {
				t.Errorf("error %q does not mention %q", err, c.contains)
			}
			if res.Deleted || len(res.Files) > 0 {
				t.Errorf("result %+v with an error", res)
			}
		})
	}
}

// privateS3Warehouse opens a warehouse (SQLite catalog) on a private
// versitygw behind a gate that can hold requests, for tests that break or
// stall S3. It returns the warehouse, an S3 client that bypasses the gate,
// the bucket, the gate and the server's stop and restart functions.
func privateS3Warehouse(t *testing.T, bucket string) (*lakehouse.Warehouse, *minio.Client, *gate, func(), func()) {
	t.Helper()
	if testing.Short() {
		t.Skip("-short: needs a private versitygw")
	}
	s3, stop, restart := testsvc.StartVersityGW(t)
	client, err := s3.Client()
	if err != nil {
		t.Fatal(err)
	}
	mkctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := client.MakeBucket(mkctx, bucket, minio.MakeBucketOptions{Region: s3.Region}); err != nil {
		t.Fatalf("create bucket: %v", err)
	}
	g, endpoint := newGate(t, s3.Endpoint)
	w := openWarehouse(t, lakehouse.Config{
		CatalogURI: "sqlite:" + filepath.Join(t.TempDir(), "catalog.db"),
		Warehouse:  "s3://" + bucket + "/warehouse",
		S3:         lakehouse.S3Config{Endpoint: endpoint, AccessKey: s3.AccessKey, SecretKey: s3.SecretKey, Region: s3.Region},
		Retry:      faultRetry,
	})
	return w, client, g, stop, restart
}

// TestRemoveOrphanFilesAfterS3Outage reproduces the orphans of an S3 outage
// mid-append: the server stops while the append uploads its manifest, after
// its data file. Once S3 is back, RemoveOrphanFiles must find and delete
// exactly the objects the failed append left, and the append can be redone.
func TestRemoveOrphanFilesAfterS3Outage(t *testing.T) {
	const bucket = "opus-orphans"
	w, client, g, stop, restart := privateS3Warehouse(t, bucket)
	const name = "outage.trips"
	createYellow(t, w, name)
	a := withSource(t, trips(t, time.January, 120, 1), "a")
	b := withSource(t, trips(t, time.January, 80, 2), "b")
	s1 := mustAppend(t, w, name, a)
	before := listKeys(t, client, bucket, "warehouse/")

	hit, proceed := g.arm(putOf(func(k string) bool { return strings.HasSuffix(k, ".avro") }))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
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
	case err := <-done:
		t.Fatalf("Append finished (err %v) without uploading a manifest", err)
	}
	if err := <-done; err == nil {
		t.Fatal("Append with S3 stopped succeeded")
	}
	restart()
	if cur := current(t, w, name); cur.ID != s1.ID {
		t.Fatalf("current snapshot %d after the failed append, want %d", cur.ID, s1.ID)
	}
	leftKeys := diffKeys(listKeys(t, client, bucket, "warehouse/"), before)
	if !slices.ContainsFunc(leftKeys, func(k string) bool { return strings.Contains(k, "/data/") }) {
		t.Fatalf("the failed append left %v, want its data file among them", leftKeys)
	}
	t.Logf("the failed append left %v", leftKeys)
	left := map[string]bool{}
	for _, k := range leftKeys {
		left["s3://"+bucket+"/"+k] = true
	}

	time.Sleep(clockStep)
	res := removeOrphans(t, w, name, lakehouse.OrphanOptions{OlderThan: time.Millisecond})
	sameSet(t, "orphans of the failed append", canonSet(t, res.Files), left)
	if extra := diffKeys(listKeys(t, client, bucket, "warehouse/"), before); len(extra) > 0 {
		t.Errorf("objects left after removing orphans: %v", extra)
	}
	if n := count(t, w, name, lakehouse.ScanOptions{}); n != a.NumRows() {
		t.Fatalf("%d rows, want %d", n, a.NumRows())
	}
	mustAppend(t, w, name, b)
	if n := count(t, w, name, lakehouse.ScanOptions{}); n != a.NumRows()+b.NumRows() {
		t.Fatalf("after redoing the append: %d rows, want %d", n, a.NumRows()+b.NumRows())
	}
}

// TestRemoveOrphanFilesContext holds RemoveOrphanFiles's S3 listing, then
// one of its deletions, and cancels its context: it must return promptly
// with the context's error, and delete nothing while listing.
func TestRemoveOrphanFilesContext(t *testing.T) {
	const bucket = "opus-orphans-ctx"
	w, client, g, _, _ := privateS3Warehouse(t, bucket)
	const name = "ctx.trips"
	createYellow(t, w, name)
	mustAppend(t, w, name, withSource(t, trips(t, time.January, 50, 1), "a"))
	loc := tableLocation(t, w, name)
	st := fileStore{client: client}
	var strays []string
	for i := range 3 {
		strays = append(strays, join(loc, fmt.Sprintf("data/stray-%d.parquet", i)))
		st.put(t, strays[i], []byte("stray"))
	}
	time.Sleep(clockStep)

	for _, c := range []struct {
		name  string
		match func(*http.Request) bool
	}{
		{"listing", func(r *http.Request) bool { return r.Method == http.MethodGet && r.URL.Query().Has("list-type") }},
		{"deleting", func(r *http.Request) bool { return r.Method == http.MethodDelete }},
	} {
		t.Run(c.name, func(t *testing.T) {
			hit, proceed := g.arm(c.match)
			defer close(proceed)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			type result struct {
				res lakehouse.OrphanResult
				err error
			}
			done := make(chan result, 1)
			go func() {
				res, err := w.RemoveOrphanFiles(ctx, name, lakehouse.OrphanOptions{OlderThan: time.Millisecond})
				done <- result{res, err}
			}()
			select {
			case req := <-hit:
				t.Logf("holding %s", req)
			case r := <-done:
				t.Fatalf("RemoveOrphanFiles returned (%+v, %v) without the held request", r.res, r.err)
			}
			start := time.Now()
			cancel()
			select {
			case r := <-done:
				if !errors.Is(r.err, context.Canceled) {
					t.Errorf("error %v, want context.Canceled", r.err)
				}
				if r.res.Deleted {
					t.Error("Deleted with a cancelled context")
				}
				t.Logf("returned %v after the cancel: %v", time.Since(start).Round(time.Millisecond), r.err)
			case <-time.After(10 * time.Second):
				t.Fatal("RemoveOrphanFiles ignored the cancelled context for 10s")
			}
			if c.name == "listing" {
				for _, s := range strays {
					if !st.exists(t, s) {
						t.Errorf("%s deleted by a run cancelled while listing", s)
					}
				}
			}
		})
	}
	// Unhindered, a run removes whatever strays are left.
	removeOrphans(t, w, name, lakehouse.OrphanOptions{OlderThan: time.Millisecond})
	for _, s := range strays {
		if st.exists(t, s) {
			t.Errorf("%s still there", s)
		}
	}
	if n := count(t, w, name, lakehouse.ScanOptions{}); n != 50 {
		t.Errorf("%d rows, want 50", n)
	}
}

// ExampleWarehouse_RemoveOrphanFiles finds, then deletes, a data file that
// a writer which crashed four days ago left in a table's data directory.
func ExampleWarehouse_RemoveOrphanFiles() {
	dir, err := os.MkdirTemp("", "opus-orphans")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	ctx := context.Background()

	w, err := lakehouse.Open(ctx, lakehouse.Config{Warehouse: dir})
	if err != nil {
		log.Fatal(err)
	}
	defer w.Close()
	schema, _ := tlc.Schema(tlc.Yellow)
	if err := w.CreateTable(ctx, "bronze.yellow", lakehouse.TableSpec{Schema: schema}); err != nil {
		log.Fatal(err)
	}
	g, _ := tlc.NewGenerator(tlc.GenerateConfig{Kind: tlc.Yellow, Year: 2024, Month: 1, Rows: 100, Seed: 1})
	rec := g.Next(memory.DefaultAllocator, 100)
	defer rec.Release()
	if _, err := w.Append(ctx, "bronze.yellow", []arrow.RecordBatch{rec}); err != nil {
		log.Fatal(err)
	}

	// The crashed writer's file, last modified four days ago.
	tbl, _ := w.Table(ctx, "bronze.yellow")
	u, _ := url.Parse(tbl.Location())
	stray := filepath.Join(filepath.FromSlash(u.Path), "data", "crashed-writer.parquet")
	_ = os.WriteFile(stray, []byte("never committed"), 0o644)
	then := time.Now().Add(-96 * time.Hour)
	_ = os.Chtimes(stray, then, then)

	// With the default age guard (72 hours), files of writes in progress
	// are safe; the table's own files are referenced anyway.
	found, err := w.RemoveOrphanFiles(ctx, "bronze.yellow", lakehouse.OrphanOptions{DryRun: true})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("dry run:", len(found.Files), "orphan file(s),", found.Bytes, "bytes, deleted:", found.Deleted)

	removed, err := w.RemoveOrphanFiles(ctx, "bronze.yellow", lakehouse.OrphanOptions{})
	if err != nil {
		log.Fatal(err)
	}
	for _, f := range removed.Files {
		fmt.Println("removed", path.Base(f), "deleted:", removed.Deleted)
	}
	n, _ := w.Count(ctx, "bronze.yellow", lakehouse.ScanOptions{})
	fmt.Println("rows:", n)
	// Output:
	// dry run: 1 orphan file(s), 15 bytes, deleted: false
	// removed crashed-writer.parquet deleted: true
	// rows: 100
}
