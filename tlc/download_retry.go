package tlc

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// HTTPError is an unexpected HTTP status from the server.
type HTTPError struct {
	Method     string
	URL        string
	StatusCode int
	Status     string        // e.g. "503 Service Unavailable"
	RetryAfter time.Duration // from the Retry-After header; 0 when absent
}

// Error implements error.
func (e *HTTPError) Error() string {
	return fmt.Sprintf("tlc: %s %s: %s", e.Method, e.URL, e.Status)
}

// Retryable reports whether retrying may help: server errors (5xx), 408
// Request Timeout and 429 Too Many Requests.
func (e *HTTPError) Retryable() bool {
	return e.StatusCode >= 500 || e.StatusCode == http.StatusRequestTimeout ||
		e.StatusCode == http.StatusTooManyRequests
}

// statusError turns an unwanted response into an error: ErrNotPublished for
// a missing file, a retryable or permanent *HTTPError otherwise.
func statusError(resp *http.Response) error {
	he := &HTTPError{Method: resp.Request.Method, URL: resp.Request.URL.String(),
		StatusCode: resp.StatusCode, Status: resp.Status,
		RetryAfter: retryAfter(resp.Header.Get("Retry-After"))}
	switch resp.StatusCode {
	case http.StatusForbidden, http.StatusNotFound, http.StatusGone:
		return permanent(fmt.Errorf("%w: %w", he, ErrNotPublished))
	}
	if he.Retryable() {
		return he
	}
	return permanent(he)
}

func retryAfter(v string) time.Duration {
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil && s > 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(time.Until(t), 0)
	}
	return 0
}

// permanentError marks an error that retrying cannot fix.
type permanentError struct{ err error }

// Error returns the wrapped error's text.
func (e *permanentError) Error() string { return e.err.Error() }

// Unwrap returns the wrapped error.
func (e *permanentError) Unwrap() error { return e.err }

func permanent(err error) error { return &permanentError{err} }

// retry runs op until it succeeds, fails permanently, ctx ends, or it has
// been retried retries times, sleeping a jittered backoff in between.
func (r *run) retry(ctx context.Context, retries int, op func() error) error {
	for attempt := 0; ; attempt++ {
		err := op()
		if err == nil {
			return nil
		}
		if cerr := ctx.Err(); cerr != nil {
			if errors.Is(err, cerr) {
				return err
			}
			return fmt.Errorf("%w: %w", err, cerr)
		}
		if p, ok := errors.AsType[*permanentError](err); ok {
			return p.err
		}
		if attempt >= retries {
			return fmt.Errorf("%w (gave up after %d attempts)", err, attempt+1)
		}
		t := time.NewTimer(r.backoff(attempt, err))
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("tlc: %w while waiting to retry after: %v", ctx.Err(), err)
		}
	}
}

// backoff returns the wait before retry number attempt+1: full jitter over
// an exponentially growing ceiling, or the server's Retry-After if longer
// (capped at MaxBackoff so that a run always finishes).
func (r *run) backoff(attempt int, err error) time.Duration {
	ceiling := r.cfg.MinBackoff
	for i := 0; i < attempt && ceiling < r.cfg.MaxBackoff; i++ {
		ceiling *= 2
	}
	ceiling = min(ceiling, r.cfg.MaxBackoff)
	r.rngMu.Lock()
	d := time.Duration(r.rng.Int64N(int64(ceiling) + 1))
	r.rngMu.Unlock()
	if he, ok := errors.AsType[*HTTPError](err); ok && he.RetryAfter > d {
		d = min(he.RetryAfter, r.cfg.MaxBackoff)
	}
	return d
}
