package tlc

import (
	"bufio"
	"compress/gzip"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// OpenCSV opens a TLC CSV file, gzip-compressed or not (told by its content).
func OpenCSV(ctx context.Context, path string, opts ReadOptions) (*Reader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("tlc: %w", err)
	}
	return NewCSVReader(ctx, f, path, opts, f.Close)
}

// NewCSVReader reads CSV text with a header line, as the TLC published it
// before Parquet and as its samples circulate; name names the file in errors
// and problems, and closer (when not nil) is called by Close. Every value is
// read as text and converted to the canonical type with the same rules as
// Parquet columns, so "1.0" is a passenger count of 1 and "1.5" a problem.
// A line with the wrong number of fields is an error naming its line number:
// it means a truncated or corrupt file, not a bad value.
func NewCSVReader(ctx context.Context, r io.Reader, name string, opts ReadOptions, closer func() error) (*Reader, error) {
	if closer == nil {
		closer = func() error { return nil }
	}
	br := bufio.NewReaderSize(r, 1<<20)
	// Compressed data is recognized by its magic, whatever the name says.
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		gz, err := gzip.NewReader(br)
		if err != nil {
			closer()
			return nil, fmt.Errorf("tlc: %s: corrupt gzip data: %w", name, err)
		}
		inner := closer
		closer = func() error { gz.Close(); return inner() }
		br = bufio.NewReaderSize(gz, 1<<20)
	}
	cr := csv.NewReader(br)
	cr.ReuseRecord = true
	// Some early TLC CSVs end every line with a comma: one empty field more
	// than the header is accepted, anything else is an error (see next).
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		closer()
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("tlc: %s: empty CSV file, no header", name)
		}
		return nil, fmt.Errorf("tlc: %s: reading CSV header: %w", name, err)
	}
	cols := make([]ColumnMapping, len(header))
	seen := map[string]bool{}
	for i, h := range header {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		if h == "" {
			closer()
			return nil, fmt.Errorf("tlc: %s: CSV header field %d is empty", name, i+1)
		}
		if seen[h] {
			closer()
			return nil, fmt.Errorf("tlc: %s: CSV header repeats column %q", name, h)
		}
		seen[h] = true
		cols[i] = ColumnMapping{Source: h, SourceType: arrow.BinaryTypes.String}
	}
	open := func(needed []int) (source, error) {
		return &csvSource{name: name, r: cr, needed: needed, width: len(cols),
			batch: opts.batchSize(), mem: opts.allocator(), closer: closer}, nil
	}
	return newReader(ctx, name, cols, -1, opts, open, closer)
}

type csvSource struct {
	name   string
	r      *csv.Reader
	needed []int
	width  int
	batch  int
	mem    memory.Allocator
	closer func() error
}

func (s *csvSource) next(ctx context.Context) (rawBatch, error) {
	builders := make([]*array.StringBuilder, len(s.needed))
	for j := range builders {
		builders[j] = array.NewStringBuilder(s.mem)
		defer builders[j].Release()
	}
	rows := 0
	for rows < s.batch {
		if rows%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return rawBatch{}, fmt.Errorf("tlc: %s: %w", s.name, err)
			}
		}
		rec, err := s.r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return rawBatch{}, fmt.Errorf("tlc: %s: corrupt or truncated CSV: %w", s.name, err)
		}
		if len(rec) != s.width && !(len(rec) == s.width+1 && rec[s.width] == "") {
			line, _ := s.r.FieldPos(0)
			return rawBatch{}, fmt.Errorf("tlc: %s: corrupt or truncated CSV: line %d has %d fields, the header %d",
				s.name, line, len(rec), s.width)
		}
		for j, m := range s.needed {
			if v := rec[m]; v == "" {
				builders[j].AppendNull()
			} else {
				builders[j].Append(v)
			}
		}
		rows++
	}
	if rows == 0 {
		return rawBatch{}, errEndOfFile
	}
	raw := rawBatch{cols: make([]arrow.Array, s.width), rows: rows}
	for j, m := range s.needed {
		raw.cols[m] = builders[j].NewArray()
	}
	return raw, nil
}

func (s *csvSource) close() error { return s.closer() }
