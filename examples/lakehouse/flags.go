package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/magnumopus/opus/lakehouse"
)

// commonUsage documents the flags every subcommand takes.
const commonUsage = `
common flags (every subcommand):
  -catalog URI        catalog: empty for the embedded SQLite catalog (catalog.db
                      in the local warehouse directory, or in ./opus-data when
                      the warehouse is on S3), sqlite:PATH, postgres://...,
                      http(s)://... (REST)
  -warehouse DIR|s3://bucket/prefix
                      where table files go (default $OPUS_WAREHOUSE, else ./opus-data)
  -s3-endpoint URL    S3 endpoint, e.g. http://127.0.0.1:9000 (default
                      $OPUS_S3_ENDPOINT, else $AWS_ENDPOINT_URL_S3, else $AWS_ENDPOINT_URL)
  -s3-access-key KEY  (default $OPUS_S3_ACCESS_KEY, else $AWS_ACCESS_KEY_ID)
  -s3-secret-key KEY  (default $OPUS_S3_SECRET_KEY, else $AWS_SECRET_ACCESS_KEY)
  -s3-region REGION   (default $OPUS_S3_REGION, else $AWS_REGION, else $AWS_DEFAULT_REGION)
Flags come after the subcommand and before any file arguments. Exit status:
0 success, 1 runtime failure, 2 usage error (bad flag, argument or input path).
`

// commonFlags are the flags every subcommand takes: where the catalog and
// the warehouse are.
type commonFlags struct {
	catalog   string
	warehouse string
	s3        lakehouse.S3Config
}

// newFlagSet returns the flag set of subcommand name, with the common flags
// registered; synopsis is its one-line usage (see command.synopsis).
// Diagnostics go to stderr.
func newFlagSet(name, synopsis string, stderr io.Writer) (*flag.FlagSet, *commonFlags) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	c := &commonFlags{}
	def := os.Getenv("OPUS_WAREHOUSE")
	if def == "" {
		def = lakehouse.DefaultDir
	}
	fs.StringVar(&c.catalog, "catalog", "", "catalog `URI`: empty (embedded SQLite), sqlite:PATH, postgres://..., http(s)://...")
	fs.StringVar(&c.warehouse, "warehouse", def, "warehouse: a local `directory` or s3://bucket/prefix (env OPUS_WAREHOUSE)")
	// The S3 defaults come from the environment after parsing, so that -h
	// never prints a secret.
	fs.StringVar(&c.s3.Endpoint, "s3-endpoint", "", "S3 endpoint `URL` (env OPUS_S3_ENDPOINT, AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL)")
	fs.StringVar(&c.s3.AccessKey, "s3-access-key", "", "S3 access `key` id (env OPUS_S3_ACCESS_KEY, AWS_ACCESS_KEY_ID)")
	fs.StringVar(&c.s3.SecretKey, "s3-secret-key", "", "S3 secret access `key` (env OPUS_S3_SECRET_KEY, AWS_SECRET_ACCESS_KEY)")
	fs.StringVar(&c.s3.Region, "s3-region", "", "S3 `region` (env OPUS_S3_REGION, AWS_REGION, AWS_DEFAULT_REGION)")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: lakehouse %s\n\nflags:\n", synopsis)
		fs.PrintDefaults()
	}
	return fs, c
}

// parseFlags parses args into fs. A bad flag is a usage error (already
// reported by the flag package); -h is errHelp.
func parseFlags(fs *flag.FlagSet, args []string) error {
	err := fs.Parse(args)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, flag.ErrHelp):
		return errHelp
	default:
		return &usageError{err: err, reported: true}
	}
}

// config returns the lakehouse configuration the flags (and, for the S3
// settings they leave empty, the environment) describe.
func (c *commonFlags) config() lakehouse.Config {
	s3 := c.s3
	fill := func(v *string, envs ...string) {
		for _, e := range envs {
			if *v != "" {
				return
			}
			*v = os.Getenv(e)
		}
	}
	fill(&s3.Endpoint, "OPUS_S3_ENDPOINT", "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL")
	fill(&s3.AccessKey, "OPUS_S3_ACCESS_KEY", "AWS_ACCESS_KEY_ID")
	fill(&s3.SecretKey, "OPUS_S3_SECRET_KEY", "AWS_SECRET_ACCESS_KEY")
	fill(&s3.Region, "OPUS_S3_REGION", "AWS_REGION", "AWS_DEFAULT_REGION")
	return lakehouse.Config{CatalogURI: c.catalog, Warehouse: c.warehouse, S3: s3}
}

// open opens the warehouse the flags describe.
func (c *commonFlags) open(ctx context.Context) (*lakehouse.Warehouse, error) {
	cfg := c.config()
	w, err := lakehouse.Open(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open catalog %s, warehouse %s: %w", catalogName(cfg.CatalogURI), cfg.Warehouse, err)
	}
	return w, nil
}

// catalogName names a catalog URI in messages, without its password.
func catalogName(uri string) string {
	if uri == "" {
		return "(embedded)"
	}
	return lakehouse.RedactURI(uri)
}

// closeWarehouse closes w, reporting its error through *err when nothing
// failed before; use it deferred.
func closeWarehouse(w *lakehouse.Warehouse, err *error) {
	if cerr := w.Close(); cerr != nil && *err == nil {
		*err = fmt.Errorf("close warehouse: %w", cerr)
	}
}

// usageError is a usage error: a bad subcommand, flag value, argument or
// input path. The dispatcher prints it with the subcommand's synopsis, unless
// reported (the flag package has printed it already), and exits with
// exitUsage.
type usageError struct {
	err      error
	reported bool
}

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

// usagef returns a usage error; name the offending flag or argument in it.
func usagef(format string, args ...any) error {
	return &usageError{err: fmt.Errorf(format, args...)}
}

// errHelp reports that -h printed the usage: exit status 0.
var errHelp = errors.New("help requested")

// noArgs is a usage error when fs has positional arguments left.
func noArgs(fs *flag.FlagSet) error {
	if fs.NArg() > 0 {
		return usagef("unexpected arguments %q (flags go before arguments)", fs.Args())
	}
	return nil
}

// splitList splits a comma-separated flag value into its trimmed,
// non-empty items.
func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// tableName matches "namespace.table": two non-empty parts without further
// dots.
var tableName = regexp.MustCompile(`^[^.\s]+\.[^.\s]+$`)

// checkTable validates the -table flag value.
func checkTable(name string) error {
	if name == "" {
		return usagef("-table is required")
	}
	if !tableName.MatchString(name) {
		return usagef("-table %q: want namespace.table (one dot, no spaces)", name)
	}
	return nil
}

// Wall-clock forms accepted by parseTime, all read as UTC.
var timeLayouts = []string{
	"2006-01-02 15:04:05",
	"2006-01-02T15:04:05",
	"2006-01-02",
}

// parseTime parses a time flag: a UTC wall clock "YYYY-MM-DD HH:MM:SS"
// (optionally with fractional seconds, or with a T instead of the space),
// a date "YYYY-MM-DD" (midnight UTC), or RFC 3339 with a zone ("...Z",
// "...+02:00"). The result is in UTC.
func parseTime(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC(), nil
	}
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil { // fractional seconds are accepted after the seconds
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a time: want 'YYYY-MM-DD HH:MM:SS[.ffffff]' (UTC) or RFC 3339", s)
}
