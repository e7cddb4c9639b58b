package lakehouse

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/apache/iceberg-go"
	icebergio "github.com/apache/iceberg-go/io"
	"github.com/apache/iceberg-go/io/gocloud/blobfs"
	"github.com/apache/iceberg-go/table"
	"gocloud.dev/blob"
	"gocloud.dev/gcerrors"
)

// DefaultOrphanAge is how old an unreferenced file must be before
// RemoveOrphanFiles deletes it when OrphanOptions.OlderThan is zero: three
// days, the default of Iceberg's DeleteOrphanFiles action and Spark's
// remove_orphan_files procedure.
const DefaultOrphanAge = 72 * time.Hour

// orphanWorkers bounds the concurrent manifest reads and object deletions
// of one RemoveOrphanFiles call.
const orphanWorkers = 8

// OrphanOptions tune RemoveOrphanFiles.
type OrphanOptions struct {
	// OlderThan is the age guard: only files last modified more than
	// OlderThan before the call can be orphans. Zero means
	// DefaultOrphanAge; negative is an error. The guard protects the files
	// of writes still in progress (in this process or any other), which
	// exist before the commit that references them: an age shorter than
	// the longest write can delete a concurrent write's files and corrupt
	// the table it commits.
	OlderThan time.Duration
	// DryRun reports the orphan files without deleting any.
	DryRun bool
}

// OrphanResult reports what RemoveOrphanFiles found and did.
type OrphanResult struct {
	// Files lists the orphan files found, sorted, as locations:
	// file:///abs/path URIs for a local warehouse, scheme://bucket/key for
	// an object store.
	Files []string
	// Bytes is the total size of Files.
	Bytes int64
	// Deleted is true when every file in Files was deleted (also when
	// Files is empty); it is false for a dry run and when RemoveOrphanFiles
	// returns an error, in which case some of Files may have been deleted
	// and a later call picks up the rest.
	Deleted bool
}

// RemoveOrphanFiles deletes the files of table name that no snapshot and
// no metadata file can reach: what a failed or abandoned write leaves
// behind (data files, manifests written before a commit that never
// happened), and what ExpireSnapshots with KeepFiles left in place. It is
// Iceberg's DeleteOrphanFiles action (Spark's remove_orphan_files).
//
// A file is reachable when it is the table's current metadata file or in
// its metadata log, a statistics or partition-statistics file, the
// manifest list of any snapshot still in the metadata (every branch, tag
// and time-travel target), a manifest of one, or a data or delete file
// that such a manifest holds live. Every other file under the table
// location's data/ and metadata/ directories whose modification time is
// older than now-OlderThan is an orphan. Nothing outside those two
// directories is listed or deleted, not even elsewhere under the table
// location; files a table writes outside its location (write.data.path)
// are never considered. Two tables must not share a location.
//
// Locations are compared after normalisation: file:// URIs (percent
// decoded, as iceberg-go's local FileIO reads them) and plain paths name
// the same local file; s3a:// and s3n:// name the same object as s3://
// (object keys are compared verbatim, as iceberg-go's object-store FileIO
// uses them). As a safety check, RemoveOrphanFiles deletes nothing and
// returns an error when a file the table referenced before the listing
// can be opened through the table's FileIO but the listing did not show
// it under a matching name.
//
// The reachable set is taken from the table as loaded before the listing
// and, when a commit lands during the listing, from the newer metadata too,
// so that files committed before the listing ended are never orphans;
// files written later are protected by the age guard. Local warehouses
// are walked and deleted on disk; object stores (s3://) are listed and
// deleted through the table's own FileIO bucket (the endpoint and
// credentials iceberg-go reads the table with), honouring ctx. Empty
// directories are left in place.
func (w *Warehouse) RemoveOrphanFiles(ctx context.Context, name string, opts OrphanOptions) (OrphanResult, error) {
	var res OrphanResult
	if opts.OlderThan < 0 {
		return res, fmt.Errorf("lakehouse: remove orphan files of %s: negative OlderThan %v", name, opts.OlderThan)
	}
	age := opts.OlderThan
	if age == 0 {
		age = DefaultOrphanAge
	}
	fail := func(format string, args ...any) (OrphanResult, error) {
		return res, fmt.Errorf("lakehouse: remove orphan files of %s: "+format, append([]any{name}, args...)...)
	}

	tbl, err := w.load(ctx, name)
	if err != nil {
		return res, err
	}
	fio, err := tbl.FS(ctx)
	if err != nil {
		return fail("file IO for %s: %w", tbl.Location(), err)
	}
	if c, ok := fio.(io.Closer); ok {
		defer c.Close()
	}
	st, err := newOrphanStore(tbl.Location(), fio)
	if err != nil {
		return fail("%w", err)
	}
	if ml := tbl.MetadataLocation(); strings.HasPrefix(ml, strings.TrimRight(tbl.Location(), "/")+"/") && !st.owns(normLocation(ml)) {
		// The metadata file lies under the table location as written but
		// not as normalised: comparing paths cannot be trusted.
		return fail("metadata file %s does not normalise to a path under %s", ml, st.root)
	}

	reach := newReachSet()
	if err := reach.addTable(ctx, fio, tbl, true); err != nil {
		return fail("%w", err)
	}
	cutoff := time.Now().Add(-age)
	listed, err := st.list(ctx)
	if err != nil {
		return fail("%w", err)
	}
	// A commit during the listing may reference files it showed: add the
	// files of the table as it is now.
	latest, err := w.load(ctx, name)
	if err != nil {
		return res, err
	}
	if latest.Location() != tbl.Location() {
		return fail("table location moved from %s to %s during the listing", tbl.Location(), latest.Location())
	}
	if latest.MetadataLocation() != tbl.MetadataLocation() {
		if err := reach.addTable(ctx, fio, latest, false); err != nil {
			return fail("%w", err)
		}
	}
	if err := reach.check(ctx, fio, st, listed); err != nil {
		return fail("%w", err)
	}

	var orphans []listedFile
	for _, f := range listed {
		if _, ok := reach.refs[f.key]; ok || !f.modTime.Before(cutoff) {
			continue
		}
		orphans = append(orphans, f)
		res.Files = append(res.Files, f.location)
		res.Bytes += f.size
	}
	slices.Sort(res.Files)
	if opts.DryRun {
		return res, nil
	}
	if err := st.remove(ctx, name, orphans); err != nil {
		return res, err
	}
	res.Deleted = true
	return res, nil
}

// normLocation returns the form of a file location that RemoveOrphanFiles
// compares: "file://" and the absolute, cleaned, percent-decoded path for
// local files (file: URIs and plain paths, as iceberg-go's LocalFS reads
// them); "scheme://authority/key" for other URIs, with s3a and s3n folded
// into s3 and the key kept verbatim (as iceberg-go's object-store FileIO
// uses it). It returns "" for a location it cannot parse, which matches
// nothing.
func normLocation(loc string) string {
	if len(loc) >= 5 && strings.EqualFold(loc[:5], "file:") {
		u, err := url.Parse(loc)
		if err != nil {
			return ""
		}
		p := u.Path
		if u.Opaque != "" {
			if p, err = url.PathUnescape(u.Opaque); err != nil {
				return ""
			}
		}
		if h := strings.ToLower(u.Host); h != "" && h != "localhost" {
			return "file://" + u.Host + p // another host's file: never local
		}
		return localKey(p)
	}
	if i := strings.Index(loc, "://"); i > 0 && validScheme(loc[:i]) {
		scheme := strings.ToLower(loc[:i])
		switch scheme {
		case "s3a", "s3n":
			scheme = "s3"
		}
		authority, key, _ := strings.Cut(loc[i+3:], "/")
		return scheme + "://" + authority + "/" + key
	}
	return localKey(loc)
}

// localKey is normLocation for a local path.
func localKey(p string) string {
	p = filepath.FromSlash(p)
	if !filepath.IsAbs(p) {
		abs, err := filepath.Abs(p)
		if err != nil {
			return ""
		}
		p = abs
	}
	return "file://" + filepath.ToSlash(filepath.Clean(p))
}

// validScheme reports whether s is a URI scheme (RFC 3986).
func validScheme(s string) bool {
	for i, c := range s {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		case i > 0 && (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.'):
		default:
			return false
		}
	}
	return s != ""
}

// --- reachable files ---------------------------------------------------------

// reachSet is the set of files a table's metadata reaches, by normalised
// location.
type reachSet struct {
	refs      map[string]reachRef // by normLocation
	lists     map[string]bool     // manifest lists read
	manifests map[string]bool     // manifests read
}

// reachRef is one reachable file.
type reachRef struct {
	location string // as the metadata spells it
	// early: reachable from the table as loaded before the listing, so the
	// listing must show it if it exists.
	early bool
}

func newReachSet() *reachSet {
	return &reachSet{refs: map[string]reachRef{}, lists: map[string]bool{}, manifests: map[string]bool{}}
}

func (r *reachSet) add(loc string, early bool) {
	if loc == "" {
		return
	}
	k := normLocation(loc)
	if old, ok := r.refs[k]; ok && (old.early || !early) {
		return
	}
	r.refs[k] = reachRef{location: loc, early: early}
}

// addTable adds every file tbl's metadata reaches. Manifest lists and
// manifests already read (they are immutable) are not read again.
func (r *reachSet) addTable(ctx context.Context, fio icebergio.IO, tbl *table.Table, early bool) error {
	meta := tbl.Metadata()
	r.add(tbl.MetadataLocation(), early)
	for e := range meta.PreviousFiles() {
		r.add(e.MetadataFile, early)
	}
	for s := range meta.Statistics() {
		r.add(s.StatisticsPath, early)
	}
	for s := range meta.PartitionStatistics() {
		r.add(s.StatisticsPath, early)
	}
	// Kept as Iceberg Java keeps it, for tables a Hadoop catalog also
	// tracks; it need not exist, so it is not subject to the listing check.
	r.add(strings.TrimRight(tbl.Location(), "/")+"/metadata/version-hint.text", false)

	var todo []manifestToRead
	for _, s := range meta.Snapshots() {
		if err := ctx.Err(); err != nil {
			return err
		}
		r.add(s.ManifestList, early)
		if s.ManifestList == "" || r.lists[s.ManifestList] {
			continue
		}
		mans, err := s.Manifests(fio)
		if err != nil {
			return fmt.Errorf("read manifest list %s of snapshot %d: %w", s.ManifestList, s.SnapshotID, err)
		}
		r.lists[s.ManifestList] = true
		for _, m := range mans {
			r.add(m.FilePath(), early)
			if !r.manifests[m.FilePath()] {
				r.manifests[m.FilePath()] = true
				todo = append(todo, manifestToRead{m: m})
			}
		}
	}
	if err := readManifests(ctx, fio, todo); err != nil {
		return err
	}
	for _, t := range todo {
		for _, p := range t.files {
			r.add(p, early)
		}
	}
	return nil
}

// manifestToRead is a manifest whose live entries readManifests collects.
type manifestToRead struct {
	m     iceberg.ManifestFile
	files []string
}

// readManifests reads the live entries (added and existing: a deleted
// entry is live in no snapshot, as in Iceberg Java) of every manifest in
// todo, a few at a time, recording their file locations.
func readManifests(ctx context.Context, fio icebergio.IO, todo []manifestToRead) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
		next = make(chan int)
	)
	for range min(orphanWorkers, len(todo)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				t := &todo[i]
				var err error
				for e, eerr := range t.m.Entries(fio, true) {
					if eerr != nil {
						err = eerr
						break
					}
					if err = ctx.Err(); err != nil {
						break
					}
					t.files = append(t.files, e.DataFile().FilePath())
				}
				if err != nil {
					mu.Lock()
					errs = append(errs, fmt.Errorf("read manifest %s: %w", t.m.FilePath(), err))
					mu.Unlock()
					cancel()
				}
			}
		}()
	}
feed:
	for i := range todo {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if len(errs) > 0 {
		return errs[0]
	}
	return context.Cause(ctx)
}

// check is the safety net against a path comparison gone wrong: a file
// that was reachable before the listing started and lies under the listed
// directories must be in the listing unless it no longer exists. One that
// the table's FileIO still opens means that the listing names files
// differently from the metadata, and deleting anything could delete it.
func (r *reachSet) check(ctx context.Context, fio icebergio.IO, st *orphanStore, listed []listedFile) error {
	seen := make(map[string]bool, len(listed))
	for _, f := range listed {
		seen[f.key] = true
	}
	for k, ref := range r.refs {
		if !ref.early || seen[k] || !st.owns(k) {
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		f, err := fio.Open(ref.location)
		if err == nil {
			_ = f.Close()
			return fmt.Errorf("referenced file %s exists but the listing of %s did not show it (as %s); deleting nothing", ref.location, st.root, k)
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("check referenced file %s: %w", ref.location, err)
		}
	}
	return nil
}

// --- listing and deleting ----------------------------------------------------

// listedFile is one file found under the table location.
type listedFile struct {
	key      string // normLocation of the file
	location string // reported in OrphanResult.Files
	handle   string // local path or object key to delete
	size     int64
	modTime  time.Time
}

// orphanStore lists and deletes the files of one table location: a local
// directory, or the bucket of an object-store FileIO.
type orphanStore struct {
	root string   // normLocation of the table location, no trailing slash
	dirs []string // listed directories: root + "/data/", root + "/metadata/"

	dir string // local: the table directory

	bucket *blob.Bucket // object store: the table FileIO's bucket
	prefix string       // object store: "scheme://authority/" of locations
	key    string       // object store: key of the table location, "" or "k/"
}

// orphanDirs are the directories of a table location that are listed.
var orphanDirs = []string{"data", "metadata"}

func newOrphanStore(location string, fio icebergio.IO) (*orphanStore, error) {
	root := strings.TrimRight(normLocation(location), "/")
	if root == "" {
		return nil, fmt.Errorf("unsupported table location %q", location)
	}
	st := &orphanStore{root: root}
	for _, d := range orphanDirs {
		st.dirs = append(st.dirs, root+"/"+d+"/")
	}
	if dir, ok := strings.CutPrefix(root, "file://"); ok {
		if _, local := fio.(icebergio.LocalFS); !local {
			return nil, fmt.Errorf("table location %s is local but its file IO is %T", location, fio)
		}
		st.dir = filepath.FromSlash(dir)
		return st, nil
	}
	bfs, ok := fio.(*blobfs.FileIO)
	if !ok || bfs.Bucket == nil {
		return nil, fmt.Errorf("cannot list table location %s with file IO %T", location, fio)
	}
	scheme, rest, _ := strings.Cut(location, "://")
	authority, key, _ := strings.Cut(rest, "/")
	st.bucket = bfs.Bucket
	st.prefix = scheme + "://" + authority + "/"
	if key = strings.TrimRight(key, "/"); key != "" {
		st.key = key + "/"
	}
	return st, nil
}

// owns reports whether the normalised location k is in a listed directory.
func (st *orphanStore) owns(k string) bool {
	for _, d := range st.dirs {
		if strings.HasPrefix(k, d) {
			return true
		}
	}
	return false
}

// list returns the regular files of the listed directories.
func (st *orphanStore) list(ctx context.Context) ([]listedFile, error) {
	var out []listedFile
	for _, d := range orphanDirs {
		var err error
		if st.bucket != nil {
			out, err = st.listObjects(ctx, st.key+d+"/", out)
		} else {
			out, err = st.listDir(ctx, filepath.Join(st.dir, d), out)
		}
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (st *orphanStore) listDir(ctx context.Context, dir string, out []listedFile) ([]listedFile, error) {
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == dir && errors.Is(err, fs.ErrNotExist) {
				return nil // nothing written there yet
			}
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if !d.Type().IsRegular() {
			return nil // directories, and symbolic links are never orphans
		}
		info, err := d.Info()
		if errors.Is(err, fs.ErrNotExist) {
			return nil // removed meanwhile
		}
		if err != nil {
			return err
		}
		slashed := filepath.ToSlash(p)
		out = append(out, listedFile{
			key:      localKey(p),
			location: (&url.URL{Scheme: "file", Path: slashed}).String(),
			handle:   p,
			size:     info.Size(),
			modTime:  info.ModTime(),
		})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", dir, err)
	}
	return out, nil
}

func (st *orphanStore) listObjects(ctx context.Context, prefix string, out []listedFile) ([]listedFile, error) {
	it := st.bucket.List(&blob.ListOptions{Prefix: prefix})
	for {
		obj, err := it.Next(ctx)
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("list %s%s: %w", st.prefix, prefix, err)
		}
		if obj.IsDir || strings.HasSuffix(obj.Key, "/") {
			continue // directory marker
		}
		loc := st.prefix + obj.Key
		out = append(out, listedFile{key: normLocation(loc), location: loc, handle: obj.Key, size: obj.Size, modTime: obj.ModTime})
	}
}

// remove deletes files, a few at a time on an object store. A file
// already gone counts as deleted. It returns every failure, each naming
// table name and the file.
func (st *orphanStore) remove(ctx context.Context, name string, files []listedFile) error {
	var (
		mu   sync.Mutex
		errs []error
		wg   sync.WaitGroup
		next = make(chan listedFile)
	)
	workers := 1
	if st.bucket != nil {
		workers = orphanWorkers
	}
	for range min(workers, len(files)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for f := range next {
				if err := st.removeOne(ctx, f); err != nil {
					mu.Lock()
					errs = append(errs, fmt.Errorf("lakehouse: remove orphan files of %s: delete %s: %w", name, f.location, err))
					mu.Unlock()
				}
			}
		}()
	}
feed:
	for _, f := range files {
		select {
		case next <- f:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		errs = append(errs, fmt.Errorf("lakehouse: remove orphan files of %s: %w", name, context.Cause(ctx)))
	}
	return errors.Join(errs...)
}

func (st *orphanStore) removeOne(ctx context.Context, f listedFile) error {
	if !st.owns(f.key) { // cannot happen: listed files are in the listed directories
		return fmt.Errorf("%s is outside %s/{%s}", f.location, st.root, strings.Join(orphanDirs, ","))
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if st.bucket != nil {
		if err := st.bucket.Delete(ctx, f.handle); err != nil && gcerrors.Code(err) != gcerrors.NotFound {
			return err
		}
		return nil
	}
	if err := os.Remove(f.handle); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}
