// Package testsvc gives tests the external services they need: a PostgreSQL
// server and an S3 server.
//
// The services come from the environment. .ci/run (through .ci/services.sh)
// starts PostgreSQL and versitygw and exports
//
//	OPUS_TEST_POSTGRES_DSN   postgres://opus@127.0.0.1:PORT/opus?sslmode=disable
//	OPUS_TEST_S3_ENDPOINT    http://127.0.0.1:PORT
//	OPUS_TEST_S3_ACCESS_KEY
//	OPUS_TEST_S3_SECRET_KEY
//	OPUS_TEST_S3_REGION      (us-east-1 when unset)
//
// When a variable is missing the helpers skip the test with a message that
// says what to set, so `go test ./...` stays green on a machine without the
// services. When a variable is set but the service does not work, the test
// fails: a configured service that is down is a real error.
//
// Tests get isolation from [FreshPostgresDatabase] and [FreshBucket], which
// create a uniquely named database or bucket and remove it when the test ends.
// Tests that must kill the S3 server mid-operation start their own with
// [StartVersityGW].
package testsvc

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	// Registers the database/sql driver "pg".
	_ "github.com/uptrace/bun/driver/pgdriver"
)

// Environment variables read by this package; .ci/run sets all of them.
const (
	EnvPostgresDSN = "OPUS_TEST_POSTGRES_DSN"  // PostgreSQL URL whose user may CREATE DATABASE
	EnvS3Endpoint  = "OPUS_TEST_S3_ENDPOINT"   // S3 endpoint URL with scheme, e.g. http://127.0.0.1:57070
	EnvS3AccessKey = "OPUS_TEST_S3_ACCESS_KEY" // S3 access key id
	EnvS3SecretKey = "OPUS_TEST_S3_SECRET_KEY" // S3 secret access key
	EnvS3Region    = "OPUS_TEST_S3_REGION"     // S3 region; DefaultS3Region when unset
)

// PostgresDriver is the database/sql driver name this package registers and
// uses for PostgreSQL (github.com/uptrace/bun/driver/pgdriver).
const PostgresDriver = "pg"

// DefaultS3Region is the region used when OPUS_TEST_S3_REGION is unset.
const DefaultS3Region = "us-east-1"

// opTimeout bounds each administrative call (create or drop a database or
// bucket) so that a hung server fails the test instead of hanging it.
const opTimeout = 60 * time.Second

// Postgres returns the DSN in OPUS_TEST_POSTGRES_DSN, or skips the test when
// it is unset. The DSN names the shared database; tests that create tables
// should use [FreshPostgresDatabase] instead.
func Postgres(tb testing.TB) (dsn string) {
	tb.Helper()
	dsn = os.Getenv(EnvPostgresDSN)
	if dsn == "" {
		tb.Skip("needs PostgreSQL: set " + EnvPostgresDSN + " (.ci/run starts one)")
	}
	return dsn
}

// OpenPostgres opens dsn with the "pg" driver, checks the connection, and
// closes the handle when the test ends. It fails the test if the server does
// not answer.
func OpenPostgres(tb testing.TB, dsn string) *sql.DB {
	tb.Helper()
	db, err := sql.Open(PostgresDriver, dsn)
	if err != nil {
		tb.Fatalf("testsvc: open PostgreSQL %s: %v", redactDSN(dsn), err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	defer cancel()
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		tb.Fatalf("testsvc: PostgreSQL %s does not answer: %v", redactDSN(dsn), err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// FreshPostgresDatabase creates a database with a name unique to this test
// and run, and returns a DSN for it (the OPUS_TEST_POSTGRES_DSN one with the
// database replaced). The database is dropped when the test ends, closing any
// connections still open to it. It skips like [Postgres].
func FreshPostgresDatabase(tb testing.TB) (dsn string) {
	tb.Helper()
	admin := Postgres(tb)
	u, err := url.Parse(admin)
	if err != nil {
		tb.Fatalf("testsvc: %s is not a URL: %v", EnvPostgresDSN, err)
	}
	name := "t_" + sanitize(tb.Name(), '_', 40) + "_" + randomHex(6)
	db := OpenPostgres(tb, admin)

	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	defer cancel()
	// CREATE DATABASE copies template1 and fails while another session is
	// connected to it; that is transient, so retry a few times.
	for attempt := 1; ; attempt++ {
		_, err = db.ExecContext(ctx, `CREATE DATABASE "`+name+`"`)
		if err == nil || attempt == 5 || !strings.Contains(err.Error(), "being accessed by other users") {
			break
		}
		time.Sleep(time.Duration(attempt) * 200 * time.Millisecond)
	}
	if err != nil {
		tb.Fatalf("testsvc: CREATE DATABASE %s: %v", name, err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
		defer cancel()
		// WITH (FORCE) (PostgreSQL 13+) ends sessions the test left open,
		// such as a catalog's connection pool.
		if _, err := db.ExecContext(ctx, `DROP DATABASE IF EXISTS "`+name+`" WITH (FORCE)`); err != nil {
			tb.Errorf("testsvc: DROP DATABASE %s: %v", name, err)
		}
	})

	u.Path = "/" + name
	u.RawPath = ""
	return u.String()
}

// S3Config says how to reach an S3 server. Endpoint is a URL with scheme
// (http://host:port), as Iceberg's s3.endpoint property wants it.
type S3Config struct {
	Endpoint  string // URL with scheme, e.g. http://127.0.0.1:57070
	AccessKey string // access key id
	SecretKey string // secret access key
	Region    string // region, e.g. us-east-1
}

// S3 returns the S3 server configured by the OPUS_TEST_S3_* variables, or
// skips the test when OPUS_TEST_S3_ENDPOINT is unset. It fails the test when
// the endpoint is set but the keys are not.
func S3(tb testing.TB) S3Config {
	tb.Helper()
	cfg := S3Config{
		Endpoint:  os.Getenv(EnvS3Endpoint),
		AccessKey: os.Getenv(EnvS3AccessKey),
		SecretKey: os.Getenv(EnvS3SecretKey),
		Region:    os.Getenv(EnvS3Region),
	}
	if cfg.Endpoint == "" {
		tb.Skip("needs an S3 server: set " + EnvS3Endpoint + ", " + EnvS3AccessKey + " and " +
			EnvS3SecretKey + " (.ci/run starts versitygw)")
	}
	if cfg.AccessKey == "" || cfg.SecretKey == "" {
		tb.Fatalf("testsvc: %s is set but %s or %s is not", EnvS3Endpoint, EnvS3AccessKey, EnvS3SecretKey)
	}
	if cfg.Region == "" {
		cfg.Region = DefaultS3Region
	}
	return cfg
}

// Client returns a minio-go client for the server: path-style addressing,
// static credentials, the configured region, minio-go's default retries.
func (c S3Config) Client() (*minio.Client, error) {
	return c.client(0)
}

// client builds a minio-go client; maxRetries 0 keeps minio-go's default.
func (c S3Config) client(maxRetries int) (*minio.Client, error) {
	u, err := url.Parse(c.Endpoint)
	if err != nil {
		return nil, fmt.Errorf("testsvc: S3 endpoint %q: %w", c.Endpoint, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") {
		return nil, fmt.Errorf("testsvc: S3 endpoint %q: want http://host:port or https://host:port", c.Endpoint)
	}
	return minio.New(u.Host, &minio.Options{
		Creds:        credentials.NewStaticV4(c.AccessKey, c.SecretKey, ""),
		Secure:       u.Scheme == "https",
		Region:       c.Region,
		BucketLookup: minio.BucketLookupPath,
		MaxRetries:   maxRetries,
	})
}

// FreshBucket creates a bucket with a name unique to this test and run on the
// server cfg, and returns its name. When the test ends the bucket is emptied
// (objects and unfinished multipart uploads) and removed; a failure to clean
// up is logged, not fatal, because fault tests may leave the server down.
func FreshBucket(tb testing.TB, cfg S3Config) string {
	tb.Helper()
	client, err := cfg.Client()
	if err != nil {
		tb.Fatal(err)
	}
	// Bucket names: 3-63 characters, lower-case letters, digits and hyphens.
	name := "opus-" + sanitize(tb.Name(), '-', 44) + "-" + randomHex(6)
	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	defer cancel()
	if err := client.MakeBucket(ctx, name, minio.MakeBucketOptions{Region: cfg.Region}); err != nil {
		tb.Fatalf("testsvc: create bucket %s at %s: %v", name, cfg.Endpoint, err)
	}
	tb.Cleanup(func() {
		if err := removeBucket(client, name); err != nil {
			tb.Logf("testsvc: bucket %s at %s left behind: %v", name, cfg.Endpoint, err)
		}
	})
	return name
}

// removeBucket aborts unfinished multipart uploads, deletes every object and
// removes the bucket.
func removeBucket(client *minio.Client, bucket string) error {
	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	defer cancel()
	// Best effort: not every server lists uploads, and a leftover upload only
	// matters if it blocks the removal below, which then reports it.
	for up := range client.ListIncompleteUploads(ctx, bucket, "", true) {
		if up.Err != nil {
			break
		}
		_ = client.RemoveIncompleteUpload(ctx, bucket, up.Key)
	}
	objects := make(chan minio.ObjectInfo)
	var listErr error
	go func() {
		defer close(objects)
		for obj := range client.ListObjects(ctx, bucket, minio.ListObjectsOptions{Recursive: true}) {
			if obj.Err != nil {
				listErr = obj.Err
				return
			}
			objects <- obj
		}
	}()
	var errs []error
	for rerr := range client.RemoveObjects(ctx, bucket, objects, minio.RemoveObjectsOptions{}) {
		errs = append(errs, fmt.Errorf("remove %s: %w", rerr.ObjectName, rerr.Err))
	}
	// RemoveObjects has drained objects, so the lister has finished.
	if listErr != nil {
		errs = append(errs, fmt.Errorf("list: %w", listErr))
	}
	if len(errs) == 0 {
		if err := client.RemoveBucket(ctx, bucket); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// sanitize lower-cases s and keeps at most max characters of [a-z0-9],
// replacing runs of anything else by one sep and trimming sep at both ends.
func sanitize(s string, sep byte, max int) string {
	var b strings.Builder
	pendingSep := false
	for _, r := range strings.ToLower(s) {
		if b.Len() >= max {
			break
		}
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			if pendingSep && b.Len() > 0 && b.Len() < max-1 {
				b.WriteByte(sep)
			}
			pendingSep = false
			b.WriteRune(r)
			continue
		}
		pendingSep = true
	}
	if b.Len() == 0 {
		return "x"
	}
	return b.String()
}

// randomHex returns 2n random hex digits.
func randomHex(n int) string {
	buf := make([]byte, n)
	if _, err := rand.Read(buf); err != nil {
		panic(err)
	}
	return hex.EncodeToString(buf)
}

// redactDSN hides a password in dsn for messages.
func redactDSN(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "(unparsable DSN)"
	}
	return u.Redacted()
}
