package lakehouse_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"

	"github.com/magnumopus/opus/internal/testsvc"
	"github.com/magnumopus/opus/lakehouse"
	"github.com/magnumopus/opus/tlc"
)

func TestLandingKey(t *testing.T) {
	for _, tc := range []struct{ name, want string }{
		{tlc.TripFileName(tlc.Yellow, tlc.Month{Year: 2024, Month: time.January}), "landing/yellow/2024/yellow_tripdata_2024-01.parquet"},
		{"/some/dir/fhvhv_tripdata_2020-04.parquet", "landing/fhvhv/2020/fhvhv_tripdata_2020-04.parquet"},
		{"fhv_tripdata_2015-12.csv", "landing/fhv/2015/fhv_tripdata_2015-12.csv"},
		{"green_tripdata_2019-02.parquet", "landing/green/2019/green_tripdata_2019-02.parquet"},
		{"yellow-tripdata-sample.csv", "landing/other/yellow-tripdata-sample.csv"}, // kind but no month
		{"yellow_tripdata_2024-13.parquet", "landing/other/yellow_tripdata_2024-13.parquet"},
		{"taxi_zone_lookup_2024-01.csv", "landing/other/taxi_zone_lookup_2024-01.csv"}, // month but no kind
		{"notes.txt", "landing/other/notes.txt"},
	} {
		if got := lakehouse.LandingKey(tc.name); got != tc.want {
			t.Errorf("LandingKey(%q) = %q, want %q", tc.name, got, tc.want)
		}
	}
}

// landingBackend is a landing zone under test plus a way to read the
// checksum it recorded for a key.
type landingBackend struct {
	landing  *lakehouse.Landing
	checksum func(t *testing.T, key string) string
}

func TestLandingLocal(t *testing.T) {
	runLandingTests(t, func(t *testing.T) landingBackend {
		wh := t.TempDir()
		l, err := lakehouse.NewLanding(context.Background(), lakehouse.Config{Warehouse: wh})
		if err != nil {
			t.Fatal(err)
		}
		return landingBackend{l, func(t *testing.T, key string) string {
			p := filepath.Join(wh, filepath.FromSlash(key))
			b, err := os.ReadFile(p + lakehouse.ChecksumSuffix)
			if err != nil {
				t.Fatalf("sidecar: %v", err)
			}
			sum, name, ok := strings.Cut(strings.TrimSuffix(string(b), "\n"), "  ")
			if !ok || name != filepath.Base(p) {
				t.Fatalf("sidecar %q: want \"<sha256>  %s\\n\"", b, filepath.Base(p))
			}
			// No temporary files are left behind.
			ents, err := os.ReadDir(filepath.Dir(p))
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range ents {
				if strings.HasPrefix(e.Name(), ".") {
					t.Errorf("leftover temporary file %s", e.Name())
				}
			}
			return sum
		}}
	})
}

func TestLandingS3(t *testing.T) {
	cfg := testsvc.S3(t)
	runLandingTests(t, func(t *testing.T) landingBackend {
		bucket := testsvc.FreshBucket(t, cfg)
		l, err := lakehouse.NewLanding(context.Background(), lakehouse.Config{
			Warehouse: "s3://" + bucket + "/wh",
			S3:        lakehouse.S3Config{Endpoint: cfg.Endpoint, AccessKey: cfg.AccessKey, SecretKey: cfg.SecretKey, Region: cfg.Region},
		})
		if err != nil {
			t.Fatal(err)
		}
		client, err := cfg.Client()
		if err != nil {
			t.Fatal(err)
		}
		return landingBackend{l, func(t *testing.T, key string) string {
			info, err := client.StatObject(context.Background(), bucket, "wh/"+key, minio.StatObjectOptions{})
			if err != nil {
				t.Fatalf("stat %s: %v", key, err)
			}
			if got := info.Metadata.Get("X-Amz-Meta-Sha256"); got == "" {
				t.Fatalf("object %s has no X-Amz-Meta-Sha256 (metadata %v)", key, info.Metadata)
			}
			return info.Metadata.Get("X-Amz-Meta-Sha256")
		}}
	})
}

func TestLandingErrors(t *testing.T) {
	l, err := lakehouse.NewLanding(context.Background(), lakehouse.Config{Warehouse: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, tc := range []struct{ name, path, want string }{
		{"missing", filepath.Join(dir, "nope.parquet"), "nope.parquet"},
		{"directory", dir, "not a regular file"},
		{"reserved", writeFile(t, dir, "x.parquet.sha256", "x"), "reserved"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := l.Put(context.Background(), tc.path)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Put(%s) = %v, want an error mentioning %q", tc.path, err, tc.want)
			}
		})
	}
	if _, err := lakehouse.NewLanding(context.Background(), lakehouse.Config{Warehouse: "gs://bucket/x"}); err == nil {
		t.Error("NewLanding(gs://...) succeeded")
	}
}

func runLandingTests(t *testing.T, open func(t *testing.T) landingBackend) {
	ctx := context.Background()
	yellow := tlc.TripFileName(tlc.Yellow, tlc.Month{Year: 2024, Month: time.January})
	for _, tc := range []struct {
		name     string
		file     string
		content  []string // contents put in turn
		uploaded []bool   // Uploaded expected for each put
		key      string
	}{
		{"put", yellow, []string{"PAR1 jan"}, []bool{true}, "landing/yellow/2024/" + yellow},
		{"re-put is a no-op", yellow, []string{"PAR1 jan", "PAR1 jan"}, []bool{true, false}, "landing/yellow/2024/" + yellow},
		{"changed file uploads again", yellow, []string{"PAR1 jan", "PAR1 jan v2", "PAR1 jan v2"}, []bool{true, true, false}, "landing/yellow/2024/" + yellow},
		{"same size, other content", "green_tripdata_2019-02.parquet", []string{"aaaa", "bbbb"}, []bool{true, true}, "landing/green/2019/green_tripdata_2019-02.parquet"},
		{"empty file", "fhv_tripdata_2015-12.csv", []string{"", ""}, []bool{true, false}, "landing/fhv/2015/fhv_tripdata_2015-12.csv"},
		{"other", "taxi_zone_lookup.csv", []string{"LocationID,Borough\n"}, []bool{true}, "landing/other/taxi_zone_lookup.csv"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := open(t)
			src := t.TempDir()
			var last string
			for i, content := range tc.content {
				path := writeFile(t, src, tc.file, content)
				got, err := b.landing.Put(ctx, path)
				if err != nil {
					t.Fatalf("put %d: %v", i, err)
				}
				want := lakehouse.LandedFile{Key: tc.key, Size: int64(len(content)), SHA256: sha256Hex(content), Uploaded: tc.uploaded[i]}
				if got != want {
					t.Fatalf("put %d = %+v, want %+v", i, got, want)
				}
				if sum := b.checksum(t, tc.key); sum != want.SHA256 {
					t.Fatalf("put %d: recorded checksum %s, want %s", i, sum, want.SHA256)
				}
				last = content
			}
			list, err := b.landing.List(ctx, "")
			if err != nil {
				t.Fatal(err)
			}
			want := lakehouse.LandedFile{Key: tc.key, Size: int64(len(last)), SHA256: sha256Hex(last)}
			if len(list) != 1 || list[0] != want {
				t.Fatalf("List = %+v, want [%+v]", list, want)
			}
		})
	}

	t.Run("list by prefix", func(t *testing.T) {
		b := open(t)
		src := t.TempDir()
		names := []string{
			tlc.TripFileName(tlc.Yellow, tlc.Month{Year: 2024, Month: time.February}),
			tlc.TripFileName(tlc.Yellow, tlc.Month{Year: 2023, Month: time.December}),
			tlc.TripFileName(tlc.FHVHV, tlc.Month{Year: 2024, Month: time.February}),
			"readme.txt",
		}
		for _, n := range names {
			if _, err := b.landing.Put(ctx, writeFile(t, src, n, "content of "+n)); err != nil {
				t.Fatal(err)
			}
		}
		for _, tc := range []struct {
			prefix string
			want   []string
		}{
			{"", []string{"landing/fhvhv/2024/fhvhv_tripdata_2024-02.parquet", "landing/other/readme.txt", "landing/yellow/2023/yellow_tripdata_2023-12.parquet", "landing/yellow/2024/yellow_tripdata_2024-02.parquet"}},
			{"landing/yellow/", []string{"landing/yellow/2023/yellow_tripdata_2023-12.parquet", "landing/yellow/2024/yellow_tripdata_2024-02.parquet"}},
			{"landing/yellow/2024/", []string{"landing/yellow/2024/yellow_tripdata_2024-02.parquet"}},
			{"landing/fhv/", nil},
		} {
			list, err := b.landing.List(ctx, tc.prefix)
			if err != nil {
				t.Fatal(err)
			}
			var keys []string
			for _, f := range list {
				keys = append(keys, f.Key)
				name := f.Key[strings.LastIndex(f.Key, "/")+1:]
				if f.SHA256 != sha256Hex("content of "+name) {
					t.Errorf("List(%q): %s has SHA-256 %s", tc.prefix, f.Key, f.SHA256)
				}
			}
			if strings.Join(keys, ",") != strings.Join(tc.want, ",") {
				t.Errorf("List(%q) = %v, want %v", tc.prefix, keys, tc.want)
			}
		}
	})

	t.Run("large file", func(t *testing.T) {
		if testing.Short() {
			t.Skip("short mode")
		}
		b := open(t)
		// Larger than minio-go's 16 MiB minimum part size: a multipart upload.
		content := bytes.Repeat([]byte("0123456789abcdef"), (17<<20)/16)
		path := filepath.Join(t.TempDir(), "fhvhv_tripdata_2022-06.parquet")
		if err := os.WriteFile(path, content, 0o644); err != nil {
			t.Fatal(err)
		}
		for i, wantUploaded := range []bool{true, false} {
			got, err := b.landing.Put(ctx, path)
			if err != nil {
				t.Fatal(err)
			}
			if got.Uploaded != wantUploaded || got.Size != int64(len(content)) || got.SHA256 != sha256Hex(string(content)) {
				t.Fatalf("put %d = %+v", i, got)
			}
		}
	})
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}
