package testsvc

import (
	"bytes"
	"context"
	"database/sql"
	"io"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
)

func TestSanitize(t *testing.T) {
	for _, c := range []struct {
		in   string
		sep  byte
		max  int
		want string
	}{
		{"TestX/sub_case#01", '-', 44, "testx-sub-case-01"},
		{"TestX/sub_case#01", '_', 40, "testx_sub_case_01"},
		{"//", '-', 10, "x"},
		{"abcdef/ghij", '-', 6, "abcdef"},
		{"abcde/fghij", '-', 6, "abcdef"}, // no room for the separator
	} {
		if got := sanitize(c.in, c.sep, c.max); got != c.want {
			t.Errorf("sanitize(%q, %q, %d) = %q, want %q", c.in, c.sep, c.max, got, c.want)
		}
	}
	long := strings.Repeat("TestAVeryLongName/", 10)
	if n := len("opus-" + sanitize(long, '-', 44) + "-" + randomHex(6)); n > 63 {
		t.Errorf("bucket name of %d characters", n)
	}
	if n := len("t_" + sanitize(long, '_', 40) + "_" + randomHex(6)); n > 63 {
		t.Errorf("database name of %d characters", n)
	}
}

func TestPostgres(t *testing.T) {
	admin := OpenPostgres(t, Postgres(t))
	ctx := context.Background()

	var one int
	if err := admin.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil || one != 1 {
		t.Fatalf("SELECT 1 = %d, %v", one, err)
	}

	var name string
	var leak *sql.DB // a session still open when the database is dropped
	t.Run("fresh", func(t *testing.T) {
		dsn := FreshPostgresDatabase(t)
		u, err := url.Parse(dsn)
		if err != nil {
			t.Fatal(err)
		}
		name = strings.TrimPrefix(u.Path, "/")
		db := OpenPostgres(t, dsn)
		var cur string
		if err := db.QueryRowContext(ctx, "SELECT current_database()").Scan(&cur); err != nil || cur != name {
			t.Fatalf("current_database() = %q, %v; want %q", cur, err, name)
		}
		for _, q := range []string{
			"CREATE TABLE t (id bigint PRIMARY KEY, v text NOT NULL)",
			"INSERT INTO t VALUES (1, 'a'), (2, 'b')",
		} {
			if _, err := db.ExecContext(ctx, q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		var n int
		if err := db.QueryRowContext(ctx, "SELECT count(*) FROM t WHERE v <> $1", "a").Scan(&n); err != nil || n != 1 {
			t.Fatalf("count = %d, %v; want 1", n, err)
		}
		if _, err := db.ExecContext(ctx, "DROP TABLE t"); err != nil {
			t.Fatal(err)
		}
		// Leave a table and an open connection behind: the cleanup must
		// drop the database anyway.
		if _, err := db.ExecContext(ctx, "CREATE TABLE leftover (x int)"); err != nil {
			t.Fatal(err)
		}
		var err2 error
		leak, err2 = sql.Open(PostgresDriver, dsn)
		if err2 == nil {
			err2 = leak.PingContext(ctx)
		}
		if err2 != nil {
			t.Fatal(err2)
		}
	})
	if leak != nil {
		defer leak.Close() // after the drop, which ended its session
	}
	if name == "" {
		t.Fatal("subtest did not create a database")
	}
	if !databaseGone(t, admin, name) {
		t.Errorf("database %s still exists after the test", name)
	}
}

func databaseGone(t *testing.T, db *sql.DB, name string) bool {
	var n int
	if err := db.QueryRow("SELECT count(*) FROM pg_database WHERE datname = $1", name).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n == 0
}

func TestFreshPostgresDatabaseUnique(t *testing.T) {
	Postgres(t)
	a, b := FreshPostgresDatabase(t), FreshPostgresDatabase(t)
	if a == b {
		t.Fatalf("two fresh databases with one DSN %s", a)
	}
}

func TestS3(t *testing.T) {
	cfg := S3(t)
	client, err := cfg.Client()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()

	var bucket string
	t.Run("bucket", func(t *testing.T) {
		bucket = FreshBucket(t, cfg)
		if other := FreshBucket(t, cfg); other == bucket {
			t.Fatalf("two fresh buckets named %s", bucket)
		}
		keys := []string{"warehouse/db/t/data/part-0.parquet", "top.txt"}
		for _, key := range keys {
			putObject(t, client, bucket, key, "hello "+key)
		}
		for _, key := range keys {
			if got := getObject(t, client, bucket, key); got != "hello "+key {
				t.Errorf("get %s = %q", key, got)
			}
		}
		var listed []string
		for obj := range client.ListObjects(ctx, bucket, minio.ListObjectsOptions{Recursive: true}) {
			if obj.Err != nil {
				t.Fatal(obj.Err)
			}
			listed = append(listed, obj.Key)
		}
		if strings.Join(listed, ",") != "top.txt,warehouse/db/t/data/part-0.parquet" {
			t.Errorf("listed %q", listed)
		}
		// An unfinished multipart upload must not keep the bucket alive.
		core := minio.Core{Client: client}
		if _, err := core.NewMultipartUpload(ctx, bucket, "unfinished", minio.PutObjectOptions{}); err != nil {
			t.Fatal(err)
		}
	})
	if bucket == "" {
		t.Fatal("subtest did not create a bucket")
	}
	exists, err := client.BucketExists(ctx, bucket)
	if err != nil {
		t.Fatal(err)
	}
	if exists {
		t.Errorf("bucket %s still exists after the test", bucket)
	}
}

func TestVersityGWRestart(t *testing.T) {
	cfg, stop, restart := StartVersityGW(t)
	client, err := cfg.Client()
	if err != nil {
		t.Fatal(err)
	}
	bucket := FreshBucket(t, cfg)
	putObject(t, client, bucket, "k/obj.txt", "survives a restart")

	stop()
	stop() // idempotent
	// One attempt, no retries: a stopped server refuses at once.
	noRetry, err := cfg.client(1)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := noRetry.BucketExists(ctx, bucket); err == nil {
		t.Fatal("request to a stopped versitygw succeeded")
	} else {
		t.Logf("while stopped: %v", err)
	}

	restart()
	if got := getObject(t, client, bucket, "k/obj.txt"); got != "survives a restart" {
		t.Errorf("after restart got %q", got)
	}
	restart() // while running: stops first
	putObject(t, client, bucket, "k/second.txt", "x")
}

func putObject(t *testing.T, c *minio.Client, bucket, key, body string) {
	t.Helper()
	_, err := c.PutObject(context.Background(), bucket, key, strings.NewReader(body), int64(len(body)),
		minio.PutObjectOptions{ContentType: "text/plain"})
	if err != nil {
		t.Fatalf("put %s/%s: %v", bucket, key, err)
	}
}

func getObject(t *testing.T, c *minio.Client, bucket, key string) string {
	t.Helper()
	obj, err := c.GetObject(context.Background(), bucket, key, minio.GetObjectOptions{})
	if err != nil {
		t.Fatalf("get %s/%s: %v", bucket, key, err)
	}
	defer obj.Close()
	var buf bytes.Buffer
	if _, err := io.Copy(&buf, obj); err != nil {
		t.Fatalf("get %s/%s: %v", bucket, key, err)
	}
	return buf.String()
}
