package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/magnumopus/opus/tlc"
)

// runDownload implements "tlc download": it fetches the monthly files of
// one or more kinds into a directory, with a byte progress bar on stderr
// and one summary line per file on stdout. Months the TLC has not published
// yet are reported, not failed. An interrupted run leaves .part files that
// the next run resumes.
func runDownload(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("download", flag.ContinueOnError)
	fs.SetOutput(stderr)
	kinds := fs.String("kind", "yellow", "trip kinds, comma-separated: yellow, green, fhv, fhvhv")
	var from, to tlc.Month
	fs.TextVar(&from, "from", tlc.Month{}, "first month, YYYY-MM (required)")
	fs.TextVar(&to, "to", tlc.Month{}, "last month, YYYY-MM (default: -from)")
	dir := fs.String("dir", ".", "directory to write the files into")
	baseURL := fs.String("base-url", tlc.DefaultBaseURL, "server to download from")
	concurrency := fs.Int("concurrency", tlc.DefaultConcurrency, "files downloaded at once")
	retries := fs.Int("retries", tlc.DefaultRetries, "retries per file after a failed attempt (0: none)")
	zones := fs.Bool("zones", false, "also fetch the taxi zone lookup table into -dir")
	progress := fs.Bool("progress", true, "show a progress bar on stderr")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("download: unexpected arguments %q", fs.Args())
	}
	if !from.Valid() {
		return fmt.Errorf("download: -from YYYY-MM is required")
	}
	if !to.Valid() {
		to = from
	}
	months := tlc.MonthRange(from, to)
	if len(months) == 0 {
		return fmt.Errorf("download: -to %v is before -from %v", to, from)
	}
	var ks []tlc.Kind
	for s := range strings.SplitSeq(*kinds, ",") {
		k, err := tlc.ParseKind(s)
		if err != nil {
			return fmt.Errorf("download: %w", err)
		}
		ks = append(ks, k)
	}
	if *retries == 0 {
		*retries = -1 // the flag's 0 means none; the Downloader's 0 means default
	}

	// A clock seed spreads the retries of separate runs hitting the same
	// outage; tests that need reproducible timing use the library directly.
	d := &tlc.Downloader{BaseURL: *baseURL, Dir: *dir, Concurrency: *concurrency,
		Retries: *retries, Seed: uint64(time.Now().UnixNano())}
	var bar *byteBar
	if *progress {
		bar = newByteBar(stderr, len(ks)*len(months))
		d.Progress = bar.update
	}
	results, err := d.Download(ctx, ks, months)
	if bar != nil {
		bar.close()
	}
	for _, r := range results {
		fmt.Fprintln(stdout, summary(r))
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("download interrupted; run again to resume the .part files: %w", err)
	}
	if *zones {
		z, zerr := tlc.FetchZones(ctx, nil, *baseURL, *dir)
		if zerr == nil {
			fmt.Fprintf(stdout, "zones  %d zones  %s\n", z.Len(), filepath.Join(*dir, tlc.ZoneLookupFileName))
		}
		err = errors.Join(err, zerr)
	}
	return err
}

// summary formats one result as a line: kind, month, status, size,
// attempts and path, or the error for a failure.
func summary(r tlc.Result) string {
	line := fmt.Sprintf("%-6s %v  %-13s %9s  %d attempt(s)  %s",
		r.Kind, r.Month, r.Status, humanBytes(r.Bytes), r.Attempts, r.Path)
	if r.Status == tlc.StatusFailed && r.Err != nil {
		line += "  error: " + r.Err.Error()
	}
	return line
}

func humanBytes(n int64) string {
	const unit = 1000
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %cB", float64(n)/float64(div), "kMGTPE"[exp])
}

// byteBar shows the bytes of all files on one bar. Totals become known only
// as each file's response arrives, so the bar's maximum grows as files
// start; it is kept above the bytes done until every file has finished,
// because the progressbar library stops drawing once a bar is full.
type byteBar struct {
	w        io.Writer
	bar      *progressbar.ProgressBar
	files    int
	finished int
	done     map[string]int64
	total    map[string]int64
}

func newByteBar(w io.Writer, files int) *byteBar {
	return &byteBar{
		w: w,
		bar: progressbar.NewOptions64(-1,
			progressbar.OptionSetWriter(w),
			progressbar.OptionShowBytes(true),
			progressbar.OptionShowCount(),
			progressbar.OptionSetWidth(30),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionSetDescription(fmt.Sprintf("0/%d files", files)),
			progressbar.OptionOnCompletion(func() { fmt.Fprintln(w) }),
		),
		files: files,
		done:  map[string]int64{},
		total: map[string]int64{},
	}
}

// update is the Downloader's Progress callback; the Downloader serializes
// the calls, so byteBar needs no lock.
func (b *byteBar) update(p tlc.Progress) {
	b.done[p.Path] = p.Done
	if p.Total >= 0 {
		b.total[p.Path] = p.Total
	}
	if p.Finished {
		b.finished++
		b.bar.Describe(fmt.Sprintf("%d/%d files", b.finished, b.files))
	}
	var done, total int64
	for _, n := range b.done {
		done += n
	}
	for _, n := range b.total {
		total += n
	}
	if b.finished < b.files {
		total = max(total, done+1)
	}
	if total > 0 && total != b.bar.GetMax64() {
		b.bar.ChangeMax64(total)
	}
	b.bar.Set64(min(done, total))
}

// close completes the bar so that the summary starts on a fresh line.
func (b *byteBar) close() {
	if !b.bar.IsFinished() {
		b.bar.Exit()
		fmt.Fprintln(b.w)
	}
}
