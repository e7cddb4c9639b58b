package tlc

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
)

// DefaultBaseURL is where the TLC publishes its trip files: a CloudFront
// distribution in front of S3. Trip files live under /trip-data/ and the zone
// lookup under /misc/.
const DefaultBaseURL = "https://d37ci6vzurychx.cloudfront.net"

// Defaults used for a Downloader's zero fields.
const (
	DefaultConcurrency  = 4
	DefaultRetries      = 5
	DefaultMinBackoff   = 500 * time.Millisecond
	DefaultMaxBackoff   = 30 * time.Second
	DefaultStallTimeout = 60 * time.Second
)

var (
	// ErrNotPublished marks a file the server does not have (HTTP 403, 404
	// or 410). The TLC publishes each month about two months late, and its
	// CloudFront answers 403, not 404, for a missing object.
	ErrNotPublished = errors.New("file not published")

	// ErrCorrupt marks a file that is not a complete Parquet file.
	ErrCorrupt = errors.New("not a valid parquet file")
)

// TripFileName returns the TLC's name for the file of kind k and month m,
// such as "yellow_tripdata_2024-01.parquet".
func TripFileName(k Kind, m Month) string {
	return fmt.Sprintf("%s_tripdata_%s.parquet", k, m)
}

// TripURL returns the URL of the file of kind k and month m under baseURL
// (DefaultBaseURL when empty).
func TripURL(baseURL string, k Kind, m Month) string {
	if baseURL == "" {
		baseURL = DefaultBaseURL
	}
	return strings.TrimRight(baseURL, "/") + "/trip-data/" + TripFileName(k, m)
}

// Status is the outcome of downloading one file.
type Status int

// The outcomes of one file. The zero Status is StatusFailed, so a Result
// that was never filled in does not pass for a success.
const (
	StatusFailed       Status = iota // no usable file; Result.Err says why
	StatusDownloaded                 // fetched from byte zero in this run
	StatusResumed                    // completed from a .part left by an earlier attempt or run
	StatusSkipped                    // a complete, valid local file was kept
	StatusNotPublished               // the server does not have the file (ErrNotPublished)
)

// String returns a lower-case name for s, as used in CLI summaries.
func (s Status) String() string {
	switch s {
	case StatusFailed:
		return "failed"
	case StatusDownloaded:
		return "downloaded"
	case StatusResumed:
		return "resumed"
	case StatusSkipped:
		return "skipped"
	case StatusNotPublished:
		return "not published"
	}
	return fmt.Sprintf("Status(%d)", int(s))
}

// Result describes what happened to one file.
type Result struct {
	Kind  Kind   // zero for DownloadFile
	Month Month  // zero for DownloadFile
	URL   string // where the file comes from
	Path  string // where the complete file is (or would be) on disk

	Status Status
	// Bytes is the size of the complete file, or for a failed download the
	// size of the .part file left to resume.
	Bytes int64
	// Fetched counts the body bytes received in this run.
	Fetched int64
	// Attempts counts the GET requests sent for the body in this run
	// (0 when the file was skipped).
	Attempts int
	// Err is nil for Downloaded, Resumed and Skipped; it wraps
	// ErrNotPublished for NotPublished and names the URL or file otherwise.
	Err error
}

// Progress reports how far one file has got.
type Progress struct {
	URL  string
	Path string // final path of the file
	// Done counts the bytes of the file on disk, the resumed prefix
	// included. It grows with each call for a file, except that it drops to
	// zero when the server forces a restart (it ignored Range, or the file
	// changed since the .part was written).
	Done int64
	// Total is the file's full size, or -1 while unknown.
	Total int64
	// Finished is set on the last call for the file, with Status and Err.
	Finished bool
	Status   Status
	Err      error
}

// Downloader fetches TLC trip files with bounded concurrency, retries with
// exponential backoff and full jitter, resumption of partial files with HTTP
// Range requests, and a Parquet footer check before a file gets its final
// name. The zero value downloads from DefaultBaseURL into the current
// directory. A Downloader is not modified by its methods, so one may serve
// concurrent calls, but two calls must not write the same files at once.
//
// On disk, a file is written as NAME.part and renamed to NAME once its
// footer checks out, so NAME is always complete. Beside each lives a
// sidecar NAME.meta (NAME.part.meta for the partial file), a small JSON
// record of the server's ETag, Last-Modified and size. The .part sidecar
// feeds If-Range, so a resumed download never splices two versions of a
// file; the final sidecar lets a later run keep the file (after a HEAD
// request, without fetching the body) only while the server's ETag is
// unchanged, falling back to comparing sizes when either side lacks an ETag.
type Downloader struct {
	// BaseURL is the server root; DefaultBaseURL when empty.
	BaseURL string
	// Dir receives the files; the current directory when empty. Download
	// creates it if needed.
	Dir string
	// Client sends the requests; http.DefaultClient when nil. Do not set an
	// overall Timeout on it for large files; StallTimeout catches hung
	// transfers instead.
	Client *http.Client
	// Concurrency bounds the files in flight; DefaultConcurrency when <= 0.
	Concurrency int
	// Retries is how many times a failed GET is retried (5xx, 408, 429,
	// timeouts, dropped connections); DefaultRetries when 0, none when < 0.
	Retries int
	// MinBackoff and MaxBackoff bound the wait before retry n, drawn
	// uniformly from [0, min(MaxBackoff, MinBackoff<<n)] ("full jitter").
	// Zero means DefaultMinBackoff and DefaultMaxBackoff.
	MinBackoff, MaxBackoff time.Duration
	// StallTimeout aborts (and retries) an attempt that receives no data for
	// this long; DefaultStallTimeout when 0.
	StallTimeout time.Duration
	// Seed seeds the backoff jitter, so that retry timing is reproducible.
	// Processes sharing a server may pass different seeds to spread out.
	Seed uint64
	// Progress, when set, is called as files advance. Calls come from the
	// download goroutines but are serialized, so the function need not be
	// safe for concurrent use; it should return quickly, as it holds up the
	// transfer that called it.
	Progress func(Progress)
}

// run is one Download or DownloadFile call: the Downloader with defaults
// applied plus the state the call's goroutines share.
type run struct {
	cfg    Downloader
	client *http.Client

	rngMu sync.Mutex // rand.Rand is not safe for concurrent use
	rng   *rand.Rand

	progressMu sync.Mutex // serializes cfg.Progress calls
}

func (d *Downloader) start() *run {
	c := *d
	if c.BaseURL == "" {
		c.BaseURL = DefaultBaseURL
	}
	if c.Concurrency <= 0 {
		c.Concurrency = DefaultConcurrency
	}
	switch {
	case c.Retries == 0:
		c.Retries = DefaultRetries
	case c.Retries < 0:
		c.Retries = 0
	}
	if c.MinBackoff <= 0 {
		c.MinBackoff = DefaultMinBackoff
	}
	if c.MaxBackoff <= 0 {
		c.MaxBackoff = DefaultMaxBackoff
	}
	c.MaxBackoff = max(c.MaxBackoff, c.MinBackoff)
	if c.StallTimeout <= 0 {
		c.StallTimeout = DefaultStallTimeout
	}
	client := c.Client
	if client == nil {
		client = http.DefaultClient
	}
	// The second PCG word is fixed so that Seed alone decides the stream.
	return &run{cfg: c, client: client, rng: rand.New(rand.NewPCG(c.Seed, 0x9e3779b97f4a7c15))}
}

// Download fetches the file of every kind for every month into d.Dir, at
// most d.Concurrency at a time, and returns one Result per kind and month
// (kinds outer, months inner, duplicates dropped). Files the server has not
// published are reported with StatusNotPublished and are not errors. The
// error joins the failed files' errors; when ctx ends first it wraps
// ctx.Err(), and the .part files stay for a later call to resume.
func (d *Downloader) Download(ctx context.Context, kinds []Kind, months []Month) ([]Result, error) {
	kinds, months = uniq(kinds), uniq(months)
	for _, k := range kinds {
		if !k.Valid() {
			return nil, fmt.Errorf("tlc: download: unknown kind %q", k)
		}
	}
	for _, m := range months {
		if !m.Valid() {
			return nil, fmt.Errorf("tlc: download: invalid month %d-%d", m.Year, int(m.Month))
		}
	}
	r := d.start()
	if r.cfg.Dir != "" {
		if err := os.MkdirAll(r.cfg.Dir, 0o755); err != nil {
			return nil, fmt.Errorf("tlc: download: %w", err)
		}
	}
	results := make([]Result, 0, len(kinds)*len(months))
	for _, k := range kinds {
		for _, m := range months {
			results = append(results, Result{
				Kind: k, Month: m,
				URL:  TripURL(r.cfg.BaseURL, k, m),
				Path: filepath.Join(r.cfg.Dir, TripFileName(k, m)),
			})
		}
	}

	// A fixed pool fed by index: each goroutine writes only its own
	// results[i], so no lock guards the slice.
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(r.cfg.Concurrency, len(results)) {
		wg.Go(func() {
			for i := range next {
				r.fetch(ctx, &results[i], true)
			}
		})
	}
feed:
	for i := range results {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()

	if err := ctx.Err(); err != nil {
		for i := range results {
			if res := &results[i]; res.Status == StatusFailed && res.Err == nil {
				res.Err = fmt.Errorf("tlc: %s: not started: %w", res.URL, err)
			}
		}
		return results, fmt.Errorf("tlc: download interrupted: %w", err)
	}
	var errs []error
	for _, res := range results {
		if res.Status == StatusFailed {
			errs = append(errs, res.Err)
		}
	}
	return results, errors.Join(errs...)
}

// DownloadFile fetches one URL to dest with the same retries, resumption
// and skipping as Download. The Parquet check applies only when dest ends in
// ".parquet". The error is Result.Err, so a missing file gives an error
// matching ErrNotPublished.
func (d *Downloader) DownloadFile(ctx context.Context, url, dest string) (Result, error) {
	r := d.start()
	res := Result{URL: url, Path: dest}
	if err := os.MkdirAll(filepath.Dir(dest), 0o755); err != nil {
		res.Err = fmt.Errorf("tlc: download %s: %w", url, err)
		return res, res.Err
	}
	r.fetch(ctx, &res, strings.EqualFold(filepath.Ext(dest), ".parquet"))
	return res, res.Err
}

// job is the state of one file across its attempts.
type job struct {
	*Result
	verify   bool       // run the Parquet footer check
	part     string     // Path + ".part"
	partMeta remoteMeta // validators of the bytes in part
	total    int64      // full size, -1 when unknown
	resumed  bool       // the bytes in part include a prefix from before this attempt's response
}

// fetch brings one file up to date and fills in res.
func (r *run) fetch(ctx context.Context, res *Result, verify bool) {
	j := &job{Result: res, verify: verify, part: res.Path + ".part", total: -1}
	if err := r.fetchJob(ctx, j); err != nil {
		res.Status, res.Err = StatusFailed, err
		if errors.Is(err, ErrNotPublished) {
			res.Status = StatusNotPublished
		}
		if fi, err := os.Stat(j.part); err == nil {
			res.Bytes = fi.Size()
		}
	}
	r.report(Progress{URL: res.URL, Path: res.Path, Done: res.Bytes, Total: j.total,
		Finished: true, Status: res.Status, Err: res.Err})
}

func (r *run) fetchJob(ctx context.Context, j *job) error {
	if fi, err := os.Stat(j.Path); err == nil && fi.Mode().IsRegular() && r.upToDate(ctx, j, fi.Size()) {
		j.Status, j.Bytes, j.total = StatusSkipped, fi.Size(), fi.Size()
		return nil
	}
	j.partMeta = readMeta(metaPath(j.part))
	if err := r.retry(ctx, r.cfg.Retries, func() error { return r.get(ctx, j) }); err != nil {
		return err
	}
	if err := os.Rename(j.part, j.Path); err != nil {
		return fmt.Errorf("tlc: %w", err)
	}
	// The data is renamed before its sidecar: a crash in between leaves an
	// old sidecar that mismatches and costs a re-download, never a stale
	// sidecar vouching for new bytes.
	if err := os.Rename(metaPath(j.part), metaPath(j.Path)); err != nil {
		os.Remove(metaPath(j.Path))
	}
	fi, err := os.Stat(j.Path)
	if err != nil {
		return fmt.Errorf("tlc: %w", err)
	}
	j.Bytes, j.Status = fi.Size(), StatusDownloaded
	if j.resumed {
		j.Status = StatusResumed
	}
	return nil
}

// upToDate reports whether the complete local file of the given size can be
// kept. A file that fails the footer check is fetched again; one that
// passes is kept when the server cannot be asked, since offline is no reason
// to discard good data.
func (r *run) upToDate(ctx context.Context, j *job, size int64) bool {
	if j.verify && VerifyParquetFile(j.Path) != nil {
		return false
	}
	remote, err := r.head(ctx, j.URL)
	if err != nil {
		return true
	}
	local := readMeta(metaPath(j.Path))
	if local.ETag != "" && remote.ETag != "" {
		return local.ETag == remote.ETag && (local.Size < 0 || local.Size == size)
	}
	return remote.Size < 0 || remote.Size == size
}

func (r *run) report(p Progress) {
	if r.cfg.Progress == nil {
		return
	}
	r.progressMu.Lock()
	defer r.progressMu.Unlock()
	r.cfg.Progress(p)
}

func uniq[T comparable](xs []T) []T {
	seen := make(map[T]bool, len(xs))
	return slices.DeleteFunc(slices.Clone(xs), func(x T) bool {
		if seen[x] {
			return true
		}
		seen[x] = true
		return false
	})
}
