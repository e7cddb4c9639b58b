package lakehouse

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/apache/iceberg-go"
	"github.com/apache/iceberg-go/catalog"
	_ "github.com/apache/iceberg-go/catalog/rest" // registers the REST catalog for http(s) URIs
	sqlcat "github.com/apache/iceberg-go/catalog/sql"
	icebergio "github.com/apache/iceberg-go/io"
	_ "github.com/apache/iceberg-go/io/gocloud/s3" // registers the s3:// file system
	"github.com/uptrace/bun/driver/pgdriver"
	"github.com/uptrace/bun/driver/sqliteshim"
)

// DefaultDir is the local directory of the embedded default warehouse when
// neither Config.Warehouse nor $OPUS_WAREHOUSE names one.
const DefaultDir = "./opus-data"

// DefaultName is the catalog name used when Config.Name is empty.
const DefaultName = "opus"

// CatalogFile is the file name of the embedded SQLite catalog inside the
// warehouse directory.
const CatalogFile = "catalog.db"

// Config says where a Warehouse keeps its catalog and its files.
type Config struct {
	// CatalogURI selects the catalog: "" for the embedded SQLite catalog
	// (CatalogFile in the local warehouse directory, or in DefaultDir when
	// the warehouse is on S3), "sqlite:PATH" or "file:PATH" for a SQLite
	// catalog in PATH, "postgres://..." for the SQL (JDBC-compatible)
	// catalog in PostgreSQL, "http(s)://..." for a REST catalog.
	CatalogURI string
	// Warehouse is where table data and metadata go: a local directory or
	// s3://bucket/prefix. Empty means $OPUS_WAREHOUSE, else DefaultDir.
	Warehouse string
	// S3 configures access to an s3:// warehouse.
	S3 S3Config
	// Name is the catalog name (one SQL database can hold several
	// catalogs); empty means DefaultName.
	Name string
	// Retry bounds the retries of writes that lose a race with another
	// writer; the zero value means DefaultRetry.
	Retry RetryPolicy
}

// S3Config holds the S3 settings of an s3:// warehouse. Empty fields fall
// back to the AWS SDK's usual sources (environment, shared config).
type S3Config struct {
	// Endpoint is the S3 endpoint URL, such as http://127.0.0.1:9000 for
	// MinIO; setting it selects path-style addressing.
	Endpoint string
	// AccessKey and SecretKey are static credentials.
	AccessKey, SecretKey string
	// Region is the bucket's region, such as us-east-1.
	Region string
}

// RetryPolicy bounds how a Warehouse retries a write whose commit lost a
// race with another writer: it reloads the table and redoes the operation,
// waiting between attempts with exponential backoff and jitter.
type RetryPolicy struct {
	// Attempts is the total number of attempts of one operation; zero means
	// 10.
	Attempts int
	// MinWait is the wait before the first retry, doubled at each further
	// retry; zero means 20 ms.
	MinWait time.Duration
	// MaxWait caps the wait; zero means 2 s.
	MaxWait time.Duration
	// Seed seeds the jitter; zero means 1. Waits are drawn uniformly from
	// the upper half of the backoff interval.
	Seed uint64
	// CommitRetries is the commit.retry.num-retries property given to the
	// tables this Warehouse creates (iceberg-go's own refresh-and-replay of
	// a conflicting commit, which defaults to 0); zero means 4, negative
	// means 0.
	CommitRetries int
}

// DefaultRetry is the retry policy used for a zero RetryPolicy.
var DefaultRetry = RetryPolicy{Attempts: 10, MinWait: 20 * time.Millisecond, MaxWait: 2 * time.Second, Seed: 1, CommitRetries: 4}

func (p RetryPolicy) withDefaults() RetryPolicy {
	d := DefaultRetry
	if p.Attempts > 0 {
		d.Attempts = p.Attempts
	}
	if p.MinWait > 0 {
		d.MinWait = p.MinWait
	}
	if p.MaxWait > 0 {
		d.MaxWait = p.MaxWait
	}
	if p.Seed != 0 {
		d.Seed = p.Seed
	}
	switch {
	case p.CommitRetries > 0:
		d.CommitRetries = p.CommitRetries
	case p.CommitRetries < 0:
		d.CommitRetries = 0
	}
	if d.MaxWait < d.MinWait {
		d.MaxWait = d.MinWait
	}
	return d
}

// Warehouse is an open Iceberg catalog and warehouse. Its methods are safe
// for concurrent use.
type Warehouse struct {
	cat      catalog.Catalog
	db       *sql.DB // owned SQL handle, nil for REST
	location string  // warehouse location given to the catalog
	kind     string  // "sqlite", "postgres" or "rest"
	retry    RetryPolicy

	mu  sync.Mutex // guards rng
	rng *rand.Rand

	retries atomic.Int64 // operations redone after a lost commit race
}

// Open opens (creating when needed) the catalog and warehouse cfg describes.
// Close releases it.
func Open(ctx context.Context, cfg Config) (*Warehouse, error) {
	name := cfg.Name
	if name == "" {
		name = DefaultName
	}
	location, localDir, err := warehouseLocation(cfg.Warehouse)
	if err != nil {
		return nil, err
	}
	props := iceberg.Properties{"warehouse": location}
	if s := cfg.S3; s != (S3Config{}) {
		setIf(props, icebergio.S3EndpointURL, s.Endpoint)
		setIf(props, icebergio.S3AccessKeyID, s.AccessKey)
		setIf(props, icebergio.S3SecretAccessKey, s.SecretKey)
		setIf(props, icebergio.S3Region, s.Region)
	}
	retry := cfg.Retry.withDefaults()
	w := &Warehouse{location: location, retry: retry, rng: rand.New(rand.NewPCG(retry.Seed, retry.Seed^0x9e3779b97f4a7c15))}

	uri := cfg.CatalogURI
	lower := strings.ToLower(uri)
	switch {
	case uri == "" || strings.HasPrefix(lower, "sqlite:") || strings.HasPrefix(lower, "file:"):
		path := filepath.Join(localDir, CatalogFile)
		if localDir == "" {
			path = filepath.Join(DefaultDir, CatalogFile)
		}
		if uri != "" {
			path = strings.TrimPrefix(uri[strings.Index(uri, ":")+1:], "//")
		}
		w.kind = "sqlite"
		w.db, err = openSQLite(path)
		if err != nil {
			return nil, err
		}
		w.cat, err = sqlcat.NewCatalog(name, w.db, sqlcat.SQLite, props)
	case strings.HasPrefix(lower, "postgres://") || strings.HasPrefix(lower, "postgresql://"):
		w.kind = "postgres"
		w.db = sql.OpenDB(pgdriver.NewConnector(pgdriver.WithDSN(uri)))
		if err = w.db.PingContext(ctx); err != nil {
			_ = w.db.Close()
			return nil, fmt.Errorf("lakehouse: open PostgreSQL catalog %s: %w", RedactURI(uri), err)
		}
		w.cat, err = sqlcat.NewCatalog(name, w.db, sqlcat.Postgres, props)
	case strings.HasPrefix(lower, "http://") || strings.HasPrefix(lower, "https://"):
		w.kind = "rest"
		props["uri"] = uri
		props["type"] = "rest"
		w.cat, err = catalog.Load(ctx, name, props)
	default:
		return nil, fmt.Errorf("lakehouse: unsupported catalog URI %q (want empty, sqlite:PATH, postgres://, http:// or https://)", RedactURI(uri))
	}
	if err != nil {
		if w.db != nil {
			_ = w.db.Close()
		}
		return nil, fmt.Errorf("lakehouse: open %s catalog %q: %w", w.kind, name, err)
	}
	return w, nil
}

// Close releases the catalog and its database connections.
func (w *Warehouse) Close() error {
	var errs []error
	if c, ok := w.cat.(catalog.Closer); ok {
		errs = append(errs, c.Close())
	}
	if w.db != nil {
		errs = append(errs, w.db.Close())
	}
	return errors.Join(errs...)
}

// Location returns the warehouse location tables are created under, such
// as file:///abs/opus-data or s3://bucket/prefix.
func (w *Warehouse) Location() string { return w.location }

// Catalog returns the underlying iceberg-go catalog, for operations this
// package does not wrap.
func (w *Warehouse) Catalog() catalog.Catalog { return w.cat }

// warehouseLocation resolves the configured warehouse to the location given
// to the catalog and, for a local warehouse, the directory (created).
func warehouseLocation(wh string) (location, dir string, err error) {
	if wh == "" {
		wh = os.Getenv("OPUS_WAREHOUSE")
	}
	if wh == "" {
		wh = DefaultDir
	}
	if u, perr := url.Parse(wh); perr == nil && u.Scheme != "" && u.Scheme != "file" && len(u.Scheme) > 1 {
		if u.Scheme != "s3" && u.Scheme != "s3a" {
			return "", "", fmt.Errorf("lakehouse: unsupported warehouse %q (want a directory or s3://bucket/prefix)", wh)
		}
		return strings.TrimRight(wh, "/"), "", nil
	}
	dir = strings.TrimPrefix(wh, "file://")
	if dir, err = filepath.Abs(dir); err != nil {
		return "", "", fmt.Errorf("lakehouse: warehouse %q: %w", wh, err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", "", fmt.Errorf("lakehouse: create warehouse directory: %w", err)
	}
	return "file://" + filepath.ToSlash(dir), dir, nil
}

// openSQLite opens a SQLite catalog file (creating its directory) with WAL,
// a busy timeout and immediate write transactions so that concurrent
// writers wait for each other instead of failing.
func openSQLite(path string) (*sql.DB, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("lakehouse: catalog file %q: %w", path, err)
	}
	if err := os.MkdirAll(filepath.Dir(abs), 0o755); err != nil {
		return nil, fmt.Errorf("lakehouse: create catalog directory: %w", err)
	}
	dsn := "file:" + filepath.ToSlash(abs) +
		"?_pragma=busy_timeout(30000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_txlock=immediate"
	db, err := sql.Open(sqliteshim.ShimName, dsn)
	if err != nil {
		return nil, fmt.Errorf("lakehouse: open SQLite catalog %s: %w", abs, err)
	}
	if err := db.Ping(); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("lakehouse: open SQLite catalog %s: %w", abs, err)
	}
	return db, nil
}

func setIf(p iceberg.Properties, k, v string) {
	if v != "" {
		p[k] = v
	}
}

// RedactURI returns uri with its password, if any, replaced by "xxxxx",
// for messages and reports.
func RedactURI(uri string) string {
	u, err := url.Parse(uri)
	if err != nil || u.User == nil {
		return uri
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// wait sleeps before retry number n (1 for the first retry), or returns the
// context's error.
func (w *Warehouse) wait(ctx context.Context, n int) error {
	w.retries.Add(1)
	d := w.retry.MinWait << min(n-1, 30)
	if d <= 0 || d > w.retry.MaxWait {
		d = w.retry.MaxWait
	}
	w.mu.Lock()
	d = d/2 + time.Duration(w.rng.Int64N(int64(d/2)+1))
	w.mu.Unlock()
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return context.Cause(ctx)
	case <-t.C:
		return nil
	}
}
