package tlc

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/file"
)

// ColumnFunc may replace the values a Writer writes for one physical column
// of one batch. It receives the canonical batch and def, the values the
// writer derived from it (all null for an extra such as Start_Lon). It
// returns def, or a new array of type col.Type.ArrowType() with
// rec.NumRows() values, which the writer releases.
type ColumnFunc func(col PhysicalColumn, rec arrow.RecordBatch, def arrow.Array) (arrow.Array, error)

// WriteOptions configures a Writer. The zero value writes like the TLC.
type WriteOptions struct {
	// RowGroupRows caps the rows per Parquet row group. Zero writes one
	// row group per file, as in every TLC file.
	RowGroupRows int
	// Column, when set, supplies or overrides physical column values,
	// typically the lat/lon extras of the 2009-2010 yellow layouts.
	Column ColumnFunc
	// Mem allocates the physical arrays; nil means memory.DefaultAllocator.
	Mem memory.Allocator
}

// Writer writes canonical record batches as a file in a chosen Layout,
// converting every column to the layout's physical type. It streams: each
// Write converts and encodes one batch and keeps no Arrow data afterwards.
// (A Parquet row group stays buffered in encoded, compressed form until it
// is complete, so the memory held is that of the compressed file.)
type Writer struct {
	layout Layout
	opts   WriteOptions
	pq     *file.Writer
	rgw    file.BufferedRowGroupWriter
	rgRows int // rows in the current row group
	csv    *csv.Writer
	buf    *bufio.Writer // set when CreateFile owns the file
	file   *os.File
	name   string
	rows   int64
	fields []string // CSV record, reused
}

// NewParquetWriter returns a Writer of Parquet data in layout l to w. The
// columns are optional, integers carry no logical type, timestamps are not
// UTC-adjusted and pages are Snappy-compressed: what the TLC's pyarrow
// writer produces.
func NewParquetWriter(w io.Writer, l Layout, opts WriteOptions) (*Writer, error) {
	wr, err := newWriter(l, opts)
	if err != nil {
		return nil, err
	}
	root, err := parquetSchema(l)
	if err != nil {
		return nil, fmt.Errorf("tlc: parquet schema of layout %s: %w", l.Name, err)
	}
	props := parquet.NewWriterProperties(parquet.WithCompression(compress.Codecs.Snappy),
		parquet.WithAllocator(wr.opts.Mem))
	wr.pq, err = file.NewParquetWriterWithError(w, root, file.WithWriterProps(props))
	if err != nil {
		return nil, fmt.Errorf("tlc: parquet writer for layout %s: %w", l.Name, err)
	}
	return wr, nil
}

// NewCSVWriter returns a Writer of CSV text in layout l to w, in the style
// of the TLC's CSV files: a header of the layout's column names, timestamps
// as "2020-04-01 07:23:54", numbers in their shortest form and empty fields
// for nulls.
func NewCSVWriter(w io.Writer, l Layout, opts WriteOptions) (*Writer, error) {
	wr, err := newWriter(l, opts)
	if err != nil {
		return nil, err
	}
	wr.csv = csv.NewWriter(w)
	if err := wr.csv.Write(l.ColumnNames()); err != nil {
		return nil, fmt.Errorf("tlc: csv header for layout %s: %w", l.Name, err)
	}
	return wr, nil
}

// CreateFile creates path and returns a Writer of layout l to it, Parquet or
// CSV by the extension (.parquet or .csv). Close finishes and closes the
// file.
func CreateFile(ctx context.Context, path string, l Layout, opts WriteOptions) (*Writer, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var newFormat func(io.Writer, Layout, WriteOptions) (*Writer, error)
	switch strings.ToLower(filepath.Ext(path)) {
	case ".parquet":
		newFormat = NewParquetWriter
	case ".csv":
		newFormat = NewCSVWriter
	default:
		return nil, fmt.Errorf("tlc: %s: unknown extension, want .parquet or .csv", path)
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("tlc: %w", err)
	}
	// The buffer is not an io.Closer, so the Parquet writer does not close
	// the file behind our back and Close can report both errors.
	buf := bufio.NewWriterSize(f, 1<<20)
	wr, err := newFormat(buf, l, opts)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("tlc: %s: %w", path, err)
	}
	wr.buf, wr.file, wr.name = buf, f, path
	return wr, nil
}

func newWriter(l Layout, opts WriteOptions) (*Writer, error) {
	if len(l.Columns) == 0 || !l.Kind.Valid() {
		return nil, fmt.Errorf("tlc: layout %q has no columns or no valid kind", l.Name)
	}
	if opts.Mem == nil {
		opts.Mem = memory.DefaultAllocator
	}
	for _, c := range l.Columns {
		if c.Type.ArrowType() == nil {
			return nil, fmt.Errorf("tlc: layout %s column %s has invalid type %v", l.Name, c.Name, c.Type)
		}
	}
	return &Writer{layout: l, opts: opts, fields: make([]string, len(l.Columns))}, nil
}

// Layout returns the layout the writer writes.
func (w *Writer) Layout() Layout { return w.layout }

// Rows returns the number of rows written so far.
func (w *Writer) Rows() int64 { return w.rows }

// Write converts the canonical batch rec (of the layout's kind; extra
// columns are ignored) to the layout's physical types and writes it.
func (w *Writer) Write(rec arrow.RecordBatch) error {
	n := int(rec.NumRows())
	cols := make([]arrow.Array, len(w.layout.Columns))
	defer func() {
		for _, c := range cols {
			if c != nil {
				c.Release()
			}
		}
	}()
	for i, pc := range w.layout.Columns {
		var src arrow.Array
		if pc.Canonical != "" {
			idx := rec.Schema().FieldIndices(pc.Canonical)
			if len(idx) != 1 {
				return w.errorf("batch has no canonical column %q for %s", pc.Canonical, pc.Name)
			}
			src = rec.Column(idx[0])
		}
		def, err := w.convert(pc, src, n)
		if err != nil {
			return w.errorf("column %s: %w", pc.Name, err)
		}
		cols[i] = def
		if w.opts.Column != nil {
			got, err := w.opts.Column(pc, rec, def)
			if err != nil {
				return w.errorf("column %s: %w", pc.Name, err)
			}
			if got != def {
				if !arrow.TypeEqual(got.DataType(), def.DataType()) || got.Len() != n {
					err := w.errorf("column %s: ColumnFunc returned %d values of %s, want %d of %s",
						pc.Name, got.Len(), got.DataType(), n, def.DataType())
					got.Release()
					return err
				}
				cols[i] = got
				def.Release()
			}
		}
	}
	var err error
	if w.pq != nil {
		err = w.writeParquet(cols, n)
	} else {
		err = w.writeCSV(cols, n)
	}
	if err != nil {
		return w.errorf("%w", err)
	}
	w.rows += int64(n)
	return nil
}

// WriteTrips writes typed rows through w, batch by batch: it holds one
// canonical batch of Arrow data at a time.
func WriteTrips[T Trip](w *Writer, trips []T) error {
	const batch = 64 << 10
	for len(trips) > 0 {
		n := min(batch, len(trips))
		rec := NewRecordBatch(w.opts.Mem, trips[:n])
		err := w.Write(rec)
		rec.Release()
		if err != nil {
			return err
		}
		trips = trips[n:]
	}
	return nil
}

// Close finishes the file (the Parquet footer, or the CSV buffer) and, when
// the writer was made by CreateFile, closes it.
func (w *Writer) Close() error {
	var err error
	if w.pq != nil {
		if w.rgw == nil { // an empty file still has its row group
			_, err = w.pq.AppendBufferedRowGroupChecked()
		}
		if cerr := w.pq.Close(); err == nil {
			err = cerr
		}
	} else {
		w.csv.Flush()
		err = w.csv.Error()
	}
	if w.buf != nil {
		if ferr := w.buf.Flush(); err == nil {
			err = ferr
		}
		if cerr := w.file.Close(); err == nil {
			err = cerr
		}
		w.buf = nil
	}
	if err != nil {
		return w.errorf("close: %w", err)
	}
	return nil
}

func (w *Writer) errorf(format string, args ...any) error {
	name := w.name
	if name == "" {
		name = "layout " + w.layout.Name
	}
	return fmt.Errorf("tlc: writing %s: "+format, append([]any{name}, args...)...)
}

// convert returns the values of physical column pc from the canonical
// array src (nil for an extra): the inverse of the readers' conversions.
func (w *Writer) convert(pc PhysicalColumn, src arrow.Array, n int) (arrow.Array, error) {
	mem := w.opts.Mem
	dt := pc.Type.ArrowType()
	switch {
	case pc.Type == PhysNull:
		return array.NewNull(n), nil
	case src == nil && pc.Name == "__index_level_0__":
		// The pandas RangeIndex that leaked into two 2010 files.
		b := array.NewInt64Builder(mem)
		defer b.Release()
		for i := range n {
			b.Append(w.rows + int64(i))
		}
		return b.NewArray(), nil
	case src == nil:
		return array.MakeArrayOfNull(mem, dt, n), nil
	case arrow.TypeEqual(src.DataType(), dt):
		src.Retain()
		return src, nil
	}
	b := array.NewBuilder(mem, dt)
	defer b.Release()
	b.Reserve(n)
	for i := range n {
		if src.IsNull(i) {
			b.AppendNull()
			continue
		}
		if err := appendConverted(b, pc, src, i); err != nil {
			return nil, err
		}
	}
	return b.NewArray(), nil
}

func appendConverted(b array.Builder, pc PhysicalColumn, src arrow.Array, i int) error {
	switch s := src.(type) {
	case *array.Int32:
		return appendInt(b, pc, int64(s.Value(i)))
	case *array.Int64:
		return appendInt(b, pc, s.Value(i))
	case *array.Timestamp:
		us := int64(s.Value(i))
		switch bb := b.(type) {
		case *array.TimestampBuilder: // canonical micros to nanos
			bb.Append(arrow.Timestamp(us * 1000))
		case *array.StringBuilder:
			bb.Append(time.UnixMicro(us).UTC().Format(time.DateTime))
		default:
			return fmt.Errorf("cannot write a timestamp as %s", pc.Type)
		}
	case *array.String:
		bb, ok := b.(*array.Float64Builder)
		if !ok {
			return fmt.Errorf("cannot write a string as %s", pc.Type)
		}
		// store_and_forward was 0/1 before 2011.
		switch s.Value(i) {
		case "Y":
			bb.Append(1)
		case "N":
			bb.Append(0)
		default:
			bb.AppendNull()
		}
	default:
		return fmt.Errorf("cannot write %s as %s", src.DataType(), pc.Type)
	}
	return nil
}

func appendInt(b array.Builder, pc PhysicalColumn, v int64) error {
	switch bb := b.(type) {
	case *array.Int32Builder:
		if v < math.MinInt32 || v > math.MaxInt32 {
			return fmt.Errorf("value %d overflows INT32", v)
		}
		bb.Append(int32(v))
	case *array.Int64Builder:
		bb.Append(v)
	case *array.Float64Builder:
		bb.Append(float64(v))
	case *array.StringBuilder:
		// Codes outside the tables (vendor 6, payment 5) are written as
		// numbers, which the TLC files of the time never held.
		if s, ok := code(pc.Name, v); ok {
			bb.Append(s)
		} else {
			bb.Append(strconv.FormatInt(v, 10))
		}
	default:
		return fmt.Errorf("cannot write an integer as %s", pc.Type)
	}
	return nil
}
