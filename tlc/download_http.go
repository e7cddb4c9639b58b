package tlc

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/parquet-go/parquet-go"
)

// errStalled is the cancellation cause of an attempt that went quiet.
var errStalled = errors.New("no data received")

// get makes one GET attempt for j: it resumes j.part when it exists, writes
// the body into it, and checks the result. A nil error means j.part holds
// the complete, verified file.
func (r *run) get(ctx context.Context, j *job) (err error) {
	actx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	stall := time.AfterFunc(r.cfg.StallTimeout, func() { cancel(errStalled) })
	defer stall.Stop()
	defer func() {
		if err != nil && ctx.Err() == nil && errors.Is(context.Cause(actx), errStalled) {
			err = fmt.Errorf("tlc: GET %s: %w for %v", j.URL, errStalled, r.cfg.StallTimeout)
		}
	}()

	var have int64
	if fi, err := os.Stat(j.part); err == nil {
		have = fi.Size()
	}
	req, err := http.NewRequestWithContext(actx, http.MethodGet, j.URL, nil)
	if err != nil {
		return permanent(fmt.Errorf("tlc: GET %s: %w", j.URL, err))
	}
	// Without this Go's transport asks for gzip and decompresses
	// transparently, and Range offsets would count compressed bytes.
	req.Header.Set("Accept-Encoding", "identity")
	if have > 0 {
		req.Header.Set("Range", fmt.Sprintf("bytes=%d-", have))
		if v := j.partMeta.validator(); v != "" {
			req.Header.Set("If-Range", v)
		}
	}
	j.Attempts++
	resp, err := r.client.Do(req)
	if err != nil {
		return fmt.Errorf("tlc: %w", err)
	}
	defer resp.Body.Close()

	var offset int64
	switch resp.StatusCode {
	case http.StatusOK:
		// A fresh copy: either no Range was sent, the server ignores Range,
		// or If-Range found the file changed. Start over either way.
		j.resumed, j.total = false, resp.ContentLength
		// Drop the old bytes before recording the new version's validators:
		// a crash in between must not leave old bytes under new validators.
		if err := os.Remove(j.part); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return permanent(fmt.Errorf("tlc: %w", err))
		}
		j.partMeta = metaFrom(resp, resp.ContentLength)
		if err := writeMeta(metaPath(j.part), j.partMeta); err != nil {
			return permanent(err)
		}
	case http.StatusPartialContent:
		cr := resp.Header.Get("Content-Range")
		start, end, total, ok := parseContentRange(cr)
		if !ok || start != have || end < start || total >= 0 && end >= total ||
			resp.ContentLength >= 0 && resp.ContentLength != end-start+1 ||
			total >= 0 && j.partMeta.Size >= 0 && total != j.partMeta.Size {
			// Bytes we did not ask for cannot be appended safely.
			r.discardPart(j)
			return fmt.Errorf("tlc: GET %s: Content-Range %q does not answer bytes=%d-; restarting", j.URL, cr, have)
		}
		offset, j.total, j.resumed = have, total, true
	case http.StatusRequestedRangeNotSatisfiable:
		_, _, total, ok := parseContentRange(resp.Header.Get("Content-Range"))
		if ok && total == have && have > 0 {
			// The .part already holds every byte: an earlier run stopped
			// between the last byte and the rename.
			j.total, j.resumed = total, true
			return r.check(j)
		}
		r.discardPart(j)
		return fmt.Errorf("tlc: GET %s: range bytes=%d- not satisfiable; restarting", j.URL, have)
	default:
		return statusError(resp)
	}
	r.report(Progress{URL: j.URL, Path: j.Path, Done: offset, Total: j.total})

	flags := os.O_WRONLY | os.O_CREATE
	if offset == 0 {
		flags |= os.O_TRUNC
	}
	f, err := os.OpenFile(j.part, flags, 0o644)
	if err != nil {
		return permanent(fmt.Errorf("tlc: %w", err))
	}
	n, copyErr := r.copyBody(f, resp.Body, j, offset, stall)
	j.Fetched += n
	// Sync before the rename that follows success, so that a crash cannot
	// leave a complete-looking name over missing bytes.
	if err := errors.Join(f.Sync(), f.Close()); err != nil && copyErr == nil {
		return permanent(fmt.Errorf("tlc: %w", err))
	}
	if copyErr != nil {
		return copyErr
	}
	if j.total >= 0 && offset+n != j.total {
		return fmt.Errorf("tlc: GET %s: body ended at byte %d of %d: %w", j.URL, offset+n, j.total, io.ErrUnexpectedEOF)
	}
	return r.check(j)
}

// copyBody appends src to dst, resetting the stall timer and reporting
// progress as bytes arrive. Read errors are retryable, write errors not.
func (r *run) copyBody(dst *os.File, src io.Reader, j *job, offset int64, stall *time.Timer) (int64, error) {
	if _, err := dst.Seek(offset, io.SeekStart); err != nil {
		return 0, permanent(fmt.Errorf("tlc: %w", err))
	}
	buf := make([]byte, 64<<10)
	var n int64
	for {
		m, rerr := src.Read(buf)
		if m > 0 {
			stall.Reset(r.cfg.StallTimeout)
			if _, err := dst.Write(buf[:m]); err != nil {
				return n, permanent(fmt.Errorf("tlc: %w", err))
			}
			n += int64(m)
			r.report(Progress{URL: j.URL, Path: j.Path, Done: offset + n, Total: j.total})
		}
		switch {
		case rerr == io.EOF:
			return n, nil
		case rerr != nil:
			return n, fmt.Errorf("tlc: GET %s: reading body at byte %d: %w", j.URL, offset+n, rerr)
		}
	}
}

// check runs the Parquet footer check on a complete j.part. A bad file is
// removed; it is retried from zero only when it was assembled from a
// resumed prefix, since a fresh copy of a bad file would be just as bad.
func (r *run) check(j *job) error {
	if !j.verify {
		return nil
	}
	err := VerifyParquetFile(j.part)
	if err == nil {
		return nil
	}
	if !errors.Is(err, ErrCorrupt) {
		return permanent(err)
	}
	resumed := j.resumed
	r.discardPart(j)
	err = fmt.Errorf("tlc: %s (from %s): %w; partial file removed", j.Path, j.URL, errors.Unwrap(err))
	if resumed {
		return err
	}
	return permanent(err)
}

func (r *run) discardPart(j *job) {
	os.Remove(j.part)
	os.Remove(metaPath(j.part))
	j.partMeta, j.resumed = remoteMeta{Size: -1}, false
}

// head asks the server for the validators of url. It retries at most once:
// it only decides whether a good local file is current, and an offline run
// should not wait out a full backoff schedule for every file.
func (r *run) head(ctx context.Context, url string) (remoteMeta, error) {
	var m remoteMeta
	err := r.retry(ctx, min(r.cfg.Retries, 1), func() error {
		hctx, cancel := context.WithTimeout(ctx, r.cfg.StallTimeout)
		defer cancel()
		req, err := http.NewRequestWithContext(hctx, http.MethodHead, url, nil)
		if err != nil {
			return permanent(fmt.Errorf("tlc: HEAD %s: %w", url, err))
		}
		req.Header.Set("Accept-Encoding", "identity")
		resp, err := r.client.Do(req)
		if err != nil {
			return fmt.Errorf("tlc: %w", err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return statusError(resp)
		}
		m = metaFrom(resp, resp.ContentLength)
		return nil
	})
	return m, err
}

// remoteMeta is the sidecar record of where a file's bytes came from.
type remoteMeta struct {
	URL          string `json:"url"`
	ETag         string `json:"etag,omitempty"`
	LastModified string `json:"last_modified,omitempty"`
	Size         int64  `json:"size"` // -1 when the server did not say
}

func metaFrom(resp *http.Response, size int64) remoteMeta {
	return remoteMeta{URL: resp.Request.URL.String(), ETag: resp.Header.Get("ETag"),
		LastModified: resp.Header.Get("Last-Modified"), Size: size}
}

// validator returns the If-Range value for resuming, or "" when resuming
// blind is the only option. If-Range needs a strong validator: a weak ETag
// would make a conforming server resend the whole body every time.
func (m remoteMeta) validator() string {
	if m.ETag != "" && !strings.HasPrefix(m.ETag, "W/") {
		return m.ETag
	}
	return m.LastModified
}

func metaPath(path string) string { return path + ".meta" }

// readMeta reads a sidecar; a missing or unreadable one reads as "nothing
// known", which only costs a blind resume or a size comparison.
func readMeta(path string) remoteMeta {
	m := remoteMeta{Size: -1}
	if b, err := os.ReadFile(path); err == nil {
		if json.Unmarshal(b, &m) != nil {
			return remoteMeta{Size: -1}
		}
	}
	return m
}

func writeMeta(path string, m remoteMeta) error {
	b, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("tlc: encode %s: %w", path, err)
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("tlc: %w", err)
	}
	return nil
}

// parseContentRange parses "bytes START-END/TOTAL" or "bytes */TOTAL";
// total is -1 for "*", start and end are -1 in the second form.
func parseContentRange(s string) (start, end, total int64, ok bool) {
	rest, found := strings.CutPrefix(s, "bytes ")
	if !found {
		return 0, 0, 0, false
	}
	span, size, found := strings.Cut(rest, "/")
	if !found {
		return 0, 0, 0, false
	}
	total = -1
	if size != "*" {
		t, err := strconv.ParseInt(size, 10, 64)
		if err != nil || t < 0 {
			return 0, 0, 0, false
		}
		total = t
	}
	if span == "*" {
		return -1, -1, total, total >= 0
	}
	a, b, found := strings.Cut(span, "-")
	if !found {
		return 0, 0, 0, false
	}
	start, err1 := strconv.ParseInt(a, 10, 64)
	end, err2 := strconv.ParseInt(b, 10, 64)
	if err1 != nil || err2 != nil || start < 0 {
		return 0, 0, 0, false
	}
	return start, end, total, true
}

// VerifyParquetFile checks that path holds a complete Parquet file: "PAR1"
// at both ends, a footer length that fits in the file, and a footer that
// decodes. It reads only the ends of the file, so it catches truncation and
// non-Parquet bodies (an HTML error page, say) but not a damaged page
// inside. Failures of the check wrap ErrCorrupt and name the file.
func VerifyParquetFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("tlc: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return fmt.Errorf("tlc: %w", err)
	}
	if err := verifyParquet(f, fi.Size()); err != nil {
		return fmt.Errorf("tlc: %s: %w", path, err)
	}
	return nil
}

func verifyParquet(r io.ReaderAt, size int64) (err error) {
	const magic = "PAR1"
	if size < 12 {
		return fmt.Errorf("%w: only %d bytes", ErrCorrupt, size)
	}
	head, tail := make([]byte, 4), make([]byte, 8)
	if _, err := r.ReadAt(head, 0); err != nil {
		return err
	}
	if _, err := r.ReadAt(tail, size-8); err != nil {
		return err
	}
	if string(head) != magic || string(tail[4:]) != magic {
		return fmt.Errorf("%w: no PAR1 magic (starts %q, ends %q)", ErrCorrupt, head, tail[4:])
	}
	// Checked here because parquet-go allocates the footer length unchecked.
	n := int64(binary.LittleEndian.Uint32(tail[:4]))
	if n == 0 || n > size-12 {
		return fmt.Errorf("%w: footer length %d does not fit a %d-byte file", ErrCorrupt, n, size)
	}
	// Garbage that passes the checks above reaches a Thrift decoder; treat
	// a panic there as the corruption it is rather than crash the caller.
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%w: footer: %v", ErrCorrupt, p)
		}
	}()
	if _, err := parquet.OpenFile(r, size, parquet.SkipPageIndex(true), parquet.SkipBloomFilters(true)); err != nil {
		return fmt.Errorf("%w: footer: %w", ErrCorrupt, err)
	}
	return nil
}
