package lakehouse

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/magnumopus/opus/tlc"
)

// LandingPrefix is the first element of every landing key: local landing
// files live under <warehouse>/landing/, S3 ones under
// s3://bucket/prefix/landing/.
const LandingPrefix = "landing"

// ChecksumSuffix is appended to a local landing file's name to name its
// checksum sidecar, which holds "<sha256 hex>  <file name>\n" (the format of
// sha256sum, so `sha256sum -c` verifies it).
const ChecksumSuffix = ".sha256"

// ChecksumMetadata is the user metadata key holding the SHA-256 (hex) of an
// S3 landing object; on the wire it is the X-Amz-Meta-Sha256 header.
const ChecksumMetadata = "Sha256"

// LandedFile describes one file in the landing zone.
type LandedFile struct {
	// Key is the file's key relative to the warehouse, such as
	// "landing/yellow/2024/yellow_tripdata_2024-01.parquet".
	Key string
	// Size is the file's size in bytes.
	Size int64
	// SHA256 is the hex SHA-256 of the file's content; List leaves it empty
	// for a file whose checksum was never recorded (an interrupted upload).
	SHA256 string
	// Uploaded reports whether Put wrote the file; false means an identical
	// copy (same size and checksum) was already there. List leaves it false.
	Uploaded bool
}

// Landing is the landing zone of a warehouse: raw monthly TLC files kept
// as downloaded, under a predictable key layout (see LandingKey), each with
// its SHA-256. Its methods are safe for concurrent use, but two concurrent
// Puts of different content under the same key race (the last one wins).
type Landing struct {
	// Local landing: dir is the absolute warehouse directory.
	dir string
	// S3 landing: client, bucket and the object prefix ("" or "p/").
	client *minio.Client
	bucket string
	prefix string
	where  string // for messages: the directory or s3://bucket/prefix
}

// NewLanding opens the landing zone of the warehouse cfg.Warehouse names
// (empty means $OPUS_WAREHOUSE, else DefaultDir): the directory
// <warehouse>/landing/ for a local warehouse, or the objects under
// <prefix>/landing/ in the bucket of an s3://bucket/prefix warehouse,
// reached with cfg.S3 (path-style addressing; https unless the endpoint
// says http; AWS environment or shared credentials when the keys are
// empty). The bucket must exist.
func NewLanding(ctx context.Context, cfg Config) (*Landing, error) {
	location, dir, err := warehouseLocation(cfg.Warehouse)
	if err != nil {
		return nil, err
	}
	if dir != "" {
		return &Landing{dir: dir, where: dir}, nil
	}
	u, err := url.Parse(location)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("lakehouse: landing: warehouse %q has no bucket", location)
	}
	client, err := newS3Client(cfg.S3)
	if err != nil {
		return nil, fmt.Errorf("lakehouse: landing in %s: %w", location, err)
	}
	l := &Landing{client: client, bucket: u.Host, where: location}
	if p := strings.Trim(u.Path, "/"); p != "" {
		l.prefix = p + "/"
	}
	ok, err := client.BucketExists(ctx, l.bucket)
	if err != nil {
		return nil, fmt.Errorf("lakehouse: landing in %s: check bucket %s: %w", location, l.bucket, err)
	}
	if !ok {
		return nil, fmt.Errorf("lakehouse: landing in %s: bucket %s does not exist", location, l.bucket)
	}
	return l, nil
}

// newS3Client builds a path-style minio-go client from c.
func newS3Client(c S3Config) (*minio.Client, error) {
	host, secure := "s3.amazonaws.com", true
	if c.Endpoint != "" {
		if strings.Contains(c.Endpoint, "://") {
			u, err := url.Parse(c.Endpoint)
			if err != nil {
				return nil, fmt.Errorf("S3 endpoint %q: %w", c.Endpoint, err)
			}
			if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") {
				return nil, fmt.Errorf("S3 endpoint %q: want http://host[:port] or https://host[:port]", c.Endpoint)
			}
			host, secure = u.Host, u.Scheme == "https"
		} else {
			host = strings.TrimRight(c.Endpoint, "/")
		}
	}
	var creds *credentials.Credentials
	if c.AccessKey != "" || c.SecretKey != "" {
		creds = credentials.NewStaticV4(c.AccessKey, c.SecretKey, "")
	} else {
		creds = credentials.NewChainCredentials([]credentials.Provider{
			&credentials.EnvAWS{},
			&credentials.FileAWSCredentials{},
			&credentials.IAM{},
		})
	}
	client, err := minio.New(host, &minio.Options{
		Creds:        creds,
		Secure:       secure,
		Region:       c.Region,
		BucketLookup: minio.BucketLookupPath,
	})
	if err != nil {
		return nil, fmt.Errorf("S3 client for %s: %w", host, err)
	}
	return client, nil
}

// monthInName finds the YYYY-MM of a TLC file name.
var monthInName = regexp.MustCompile(`(?:^|[^0-9])([0-9]{4}-[0-9]{2})(?:[^0-9]|$)`)

// LandingKey returns the landing key of a file name (its directory is
// ignored): "landing/<kind>/<year>/<name>" when the name starts with a TLC
// kind (tlc.KindFromFileName) and holds a valid YYYY-MM, as in
// "landing/yellow/2024/yellow_tripdata_2024-01.parquet", else
// "landing/other/<name>".
func LandingKey(name string) string {
	name = filepath.Base(name)
	if k, ok := tlc.KindFromFileName(name); ok {
		if m := monthInName.FindStringSubmatch(name); m != nil {
			if month, err := tlc.ParseMonth(m[1]); err == nil {
				return fmt.Sprintf("%s/%s/%04d/%s", LandingPrefix, k, month.Year, name)
			}
		}
	}
	return LandingPrefix + "/other/" + name
}

// Put lands the file at localPath under LandingKey(localPath) with its
// SHA-256, and reports what it did. When the landing zone already holds a
// copy with the same size and checksum, Put writes nothing and reports
// Uploaded false. A local landing file is written to a temporary file and
// renamed into place, then its checksum sidecar likewise; an S3 object is
// uploaded with PutObject (multipart for large files) carrying the checksum
// as user metadata. Put fails, leaving no new copy, when the file changes
// while it is being read.
func (l *Landing) Put(ctx context.Context, localPath string) (LandedFile, error) {
	name := filepath.Base(localPath)
	if strings.HasPrefix(name, ".") || strings.HasSuffix(name, ChecksumSuffix) {
		return LandedFile{}, fmt.Errorf("lakehouse: land %s: names starting with a dot or ending in %s are reserved", localPath, ChecksumSuffix)
	}
	f, err := os.Open(localPath)
	if err != nil {
		return LandedFile{}, fmt.Errorf("lakehouse: land %s: %w", localPath, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return LandedFile{}, fmt.Errorf("lakehouse: land %s: %w", localPath, err)
	}
	if !st.Mode().IsRegular() {
		return LandedFile{}, fmt.Errorf("lakehouse: land %s: not a regular file", localPath)
	}
	h := sha256.New()
	size, err := io.Copy(h, ctxReader{ctx, f})
	if err != nil {
		return LandedFile{}, fmt.Errorf("lakehouse: land %s: read: %w", localPath, err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return LandedFile{}, fmt.Errorf("lakehouse: land %s: %w", localPath, err)
	}
	lf := LandedFile{Key: LandingKey(name), Size: size, SHA256: hex.EncodeToString(h.Sum(nil))}

	var existing LandedFile
	var found bool
	if l.client != nil {
		existing, found, err = l.statS3(ctx, lf.Key)
	} else {
		existing, found, err = l.statLocal(lf.Key)
	}
	if err != nil {
		return LandedFile{}, fmt.Errorf("lakehouse: land %s: stat %s: %w", localPath, l.describe(lf.Key), err)
	}
	if found && existing.Size == lf.Size && existing.SHA256 == lf.SHA256 {
		return lf, nil
	}

	// The content is read a second time to write it; verify that it is the
	// content just hashed.
	v := &verifyReader{r: ctxReader{ctx, f}, h: sha256.New()}
	if l.client != nil {
		err = l.putS3(ctx, lf, v)
	} else {
		err = l.putLocal(lf, v)
	}
	if err != nil {
		return LandedFile{}, fmt.Errorf("lakehouse: land %s as %s: %w", localPath, l.describe(lf.Key), err)
	}
	lf.Uploaded = true
	return lf, nil
}

// List returns the files of the landing zone whose keys start with prefix
// (such as "landing/yellow/" or "" for all), sorted by key.
func (l *Landing) List(ctx context.Context, prefix string) ([]LandedFile, error) {
	var (
		out []LandedFile
		err error
	)
	if l.client != nil {
		out, err = l.listS3(ctx, prefix)
	} else {
		out, err = l.listLocal(ctx, prefix)
	}
	if err != nil {
		return nil, fmt.Errorf("lakehouse: list landing %s: %w", l.describe(prefix), err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, nil
}

// describe names a key for messages, with the landing zone's location.
func (l *Landing) describe(key string) string {
	if l.client != nil {
		return "s3://" + l.bucket + "/" + l.prefix + key
	}
	return filepath.Join(l.dir, filepath.FromSlash(key))
}

// --- local directory -------------------------------------------------------

func (l *Landing) statLocal(key string) (LandedFile, bool, error) {
	p := filepath.Join(l.dir, filepath.FromSlash(key))
	st, err := os.Stat(p)
	if errors.Is(err, fs.ErrNotExist) {
		return LandedFile{}, false, nil
	}
	if err != nil {
		return LandedFile{}, false, err
	}
	sum, err := readSidecar(p + ChecksumSuffix)
	if err != nil {
		return LandedFile{}, false, err
	}
	return LandedFile{Key: key, Size: st.Size(), SHA256: sum}, true, nil
}

// readSidecar returns the checksum a sidecar holds, or "" when there is
// none (or it is unreadable as one).
func readSidecar(p string) (string, error) {
	b, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	fields := strings.Fields(string(b))
	if len(fields) == 0 || len(fields[0]) != sha256.Size*2 {
		return "", nil
	}
	return strings.ToLower(fields[0]), nil
}

func (l *Landing) putLocal(lf LandedFile, v *verifyReader) error {
	p := filepath.Join(l.dir, filepath.FromSlash(lf.Key))
	dir, name := filepath.Split(p)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	// Remove the old sidecar first: a crash between the two renames below
	// then leaves a file without a checksum, which the next Put rewrites,
	// never a new file with the old checksum.
	if err := os.Remove(p + ChecksumSuffix); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if err := writeAtomic(dir, name, func(w io.Writer) error {
		if _, err := io.Copy(w, v); err != nil {
			return err
		}
		return v.check(lf)
	}); err != nil {
		return err
	}
	return writeAtomic(dir, name+ChecksumSuffix, func(w io.Writer) error {
		_, err := fmt.Fprintf(w, "%s  %s\n", lf.SHA256, name)
		return err
	})
}

// writeAtomic writes dir/name through a hidden temporary file in dir that
// is synced and renamed into place, or removed on failure.
func writeAtomic(dir, name string, write func(io.Writer) error) (err error) {
	tmp, err := os.CreateTemp(dir, "."+name+".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	if err = write(tmp); err != nil {
		return err
	}
	if err = tmp.Chmod(0o644); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), filepath.Join(dir, name))
}

func (l *Landing) listLocal(ctx context.Context, prefix string) ([]LandedFile, error) {
	root := filepath.Join(l.dir, LandingPrefix)
	var out []LandedFile
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == root && errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() || strings.HasPrefix(name, ".") || strings.HasSuffix(name, ChecksumSuffix) {
			return nil
		}
		rel, err := filepath.Rel(l.dir, p)
		if err != nil {
			return err
		}
		key := filepath.ToSlash(rel)
		if !strings.HasPrefix(key, prefix) {
			return nil
		}
		lf, found, err := l.statLocal(key)
		if err != nil || !found { // removed meanwhile
			return err
		}
		out = append(out, lf)
		return nil
	})
	return out, err
}

// --- S3 ---------------------------------------------------------------------

func (l *Landing) statS3(ctx context.Context, key string) (LandedFile, bool, error) {
	info, err := l.client.StatObject(ctx, l.bucket, l.prefix+key, minio.StatObjectOptions{})
	if err != nil {
		if r := minio.ToErrorResponse(err); r.StatusCode == http.StatusNotFound || r.Code == minio.NoSuchKey {
			return LandedFile{}, false, nil
		}
		return LandedFile{}, false, err
	}
	return LandedFile{Key: key, Size: info.Size, SHA256: metadataChecksum(info)}, true, nil
}

// metadataChecksum returns the ChecksumMetadata of an object, matching the
// key case-insensitively as servers differ in how they spell it.
func metadataChecksum(info minio.ObjectInfo) string {
	for k, v := range info.UserMetadata {
		if strings.EqualFold(k, ChecksumMetadata) || strings.EqualFold(k, "X-Amz-Meta-"+ChecksumMetadata) {
			return strings.ToLower(v)
		}
	}
	for k, vs := range info.Metadata {
		if strings.EqualFold(k, "X-Amz-Meta-"+ChecksumMetadata) && len(vs) > 0 {
			return strings.ToLower(vs[0])
		}
	}
	return ""
}

func (l *Landing) putS3(ctx context.Context, lf LandedFile, v *verifyReader) error {
	name := l.prefix + lf.Key
	_, err := l.client.PutObject(ctx, l.bucket, name, v, lf.Size, minio.PutObjectOptions{
		ContentType:  contentType(lf.Key),
		UserMetadata: map[string]string{ChecksumMetadata: lf.SHA256},
	})
	if err == nil {
		err = v.check(lf)
		if err != nil {
			// The object holds content that does not match its checksum.
			if rerr := l.client.RemoveObject(context.WithoutCancel(ctx), l.bucket, name, minio.RemoveObjectOptions{}); rerr != nil {
				err = errors.Join(err, fmt.Errorf("remove mismatched object: %w", rerr))
			}
		}
	}
	return err
}

func contentType(key string) string {
	switch strings.ToLower(path.Ext(key)) {
	case ".parquet":
		return "application/vnd.apache.parquet"
	case ".csv":
		return "text/csv"
	}
	return "application/octet-stream"
}

func (l *Landing) listS3(ctx context.Context, prefix string) ([]LandedFile, error) {
	var out []LandedFile
	for obj := range l.client.ListObjects(ctx, l.bucket, minio.ListObjectsOptions{Prefix: l.prefix + prefix, Recursive: true}) {
		if obj.Err != nil {
			return nil, obj.Err
		}
		key := strings.TrimPrefix(obj.Key, l.prefix)
		if strings.HasSuffix(key, "/") {
			continue // directory marker
		}
		// Listings carry no user metadata; stat each object for it.
		lf, found, err := l.statS3(ctx, key)
		if err != nil {
			return nil, fmt.Errorf("stat %s: %w", l.describe(key), err)
		}
		if found {
			out = append(out, lf)
		}
	}
	return out, nil
}

// --- readers ----------------------------------------------------------------

// ctxReader stops reading once its context is done.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

// Read reads from the wrapped reader unless the context is done.
func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// verifyReader hashes and counts what is read through it.
type verifyReader struct {
	r io.Reader
	h hash.Hash
	n int64
}

// Read reads through, hashing and counting.
func (v *verifyReader) Read(p []byte) (int, error) {
	n, err := v.r.Read(p)
	v.h.Write(p[:n])
	v.n += int64(n)
	return n, err
}

// check reports an error unless exactly the content of lf was read.
func (v *verifyReader) check(lf LandedFile) error {
	if v.n != lf.Size || hex.EncodeToString(v.h.Sum(nil)) != lf.SHA256 {
		return fmt.Errorf("file changed while being landed (read %d bytes, expected %d with SHA-256 %s)", v.n, lf.Size, lf.SHA256)
	}
	return nil
}
