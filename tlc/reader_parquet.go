package tlc

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// OpenParquet opens a Parquet file of any TLC year.
func OpenParquet(ctx context.Context, path string, opts ReadOptions) (*Reader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("tlc: %w", err)
	}
	return NewParquetReader(ctx, f, path, opts, f.Close)
}

// NewParquetReader reads Parquet data from r; name names the file in errors
// and problems. closer, when not nil, is called by Close (and on error).
//
// Pages are streamed, so memory follows the batch size even when, as in
// every TLC file, a whole month is one row group.
func NewParquetReader(ctx context.Context, r parquet.ReaderAtSeeker, name string, opts ReadOptions, closer func() error) (*Reader, error) {
	if closer == nil {
		closer = func() error { return nil }
	}
	mem := opts.allocator()
	props := parquet.NewReaderProperties(mem)
	props.BufferedStreamEnabled = true
	props.BufferSize = 1 << 20
	pf, err := openParquetFile(r, props)
	if err != nil {
		closer()
		return nil, fmt.Errorf("tlc: %s: not a readable Parquet file (truncated or corrupt?): %w", name, err)
	}
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{
		BatchSize: int64(opts.batchSize()), Parallel: true}, mem)
	if err != nil {
		closer()
		return nil, fmt.Errorf("tlc: %s: %w", name, err)
	}
	sc, err := fr.Schema()
	if err != nil {
		closer()
		return nil, fmt.Errorf("tlc: %s: unsupported Parquet schema: %w", name, err)
	}
	if sc.NumFields() != pf.MetaData().Schema.NumColumns() {
		closer()
		return nil, fmt.Errorf("tlc: %s: nested Parquet columns are not TLC trip records", name)
	}
	cols := make([]ColumnMapping, sc.NumFields())
	for i, f := range sc.Fields() {
		cols[i] = ColumnMapping{Source: f.Name, SourceType: f.Type}
	}
	open := func(needed []int) (source, error) {
		rr, err := fr.GetRecordReader(ctx, needed, nil)
		if err != nil {
			return nil, err
		}
		return &parquetSource{name: name, rr: rr, needed: needed, width: len(cols), closer: closer}, nil
	}
	return newReader(ctx, name, cols, pf.NumRows(), opts, open, closer)
}

// openParquetFile turns the footer parser's panics on garbage into errors.
func openParquetFile(r parquet.ReaderAtSeeker, props *parquet.ReaderProperties) (pf *file.Reader, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("corrupt footer: %v", p)
		}
	}()
	return file.NewParquetReader(r, file.WithReadProps(props))
}

type parquetSource struct {
	name   string
	rr     pqarrow.RecordReader
	needed []int
	width  int
	closer func() error
}

func (s *parquetSource) next(ctx context.Context) (raw rawBatch, err error) {
	defer func() {
		if p := recover(); p != nil { // corrupt pages can panic deep in the decoders
			err = fmt.Errorf("tlc: %s: corrupt data: %v", s.name, p)
		}
	}()
	rec, err := s.rr.Read() // rec stays owned by the record reader
	switch {
	case err != nil && !errors.Is(err, io.EOF):
		return rawBatch{}, fmt.Errorf("tlc: %s: reading: %w", s.name, err)
	case rec == nil:
		return rawBatch{}, errEndOfFile
	}
	raw = rawBatch{cols: make([]arrow.Array, s.width), rows: int(rec.NumRows())}
	for j, m := range s.needed {
		c := rec.Column(j)
		c.Retain()
		raw.cols[m] = c
	}
	return raw, nil
}

func (s *parquetSource) close() error {
	s.rr.Release()
	return s.closer()
}
