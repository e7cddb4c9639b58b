package tlc

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// DefaultBatchSize is the number of rows per batch when ReadOptions leaves
// BatchSize at zero: large enough to amortize per-batch work, small enough
// that a batch of the widest kind stays around 10 MB.
const DefaultBatchSize = 64 * 1024

// ReadOptions configure a Reader. The zero value reads with detection of the
// kind, default batches and the default allocator.
type ReadOptions struct {
	// Kind forces the trip kind. Empty means: detect it from the columns,
	// else from the file name. A forced kind that contradicts the columns is
	// an error.
	Kind Kind
	// BatchSize is the maximum number of rows per record batch.
	BatchSize int
	// KeepExtra appends the source columns that map to no canonical column
	// (2009 latitude/longitude, pandas index columns, columns of future
	// years) after the canonical ones, under their source names and types.
	// Without it they are still listed by Reader.Extra.
	KeepExtra bool
	// Allocator allocates the batches; nil means memory.DefaultAllocator.
	Allocator memory.Allocator
}

func (o ReadOptions) batchSize() int {
	if o.BatchSize <= 0 {
		return DefaultBatchSize
	}
	return o.BatchSize
}

func (o ReadOptions) allocator() memory.Allocator {
	if o.Allocator == nil {
		return memory.DefaultAllocator
	}
	return o.Allocator
}

// Problem is one source value that could not be converted exactly to its
// canonical column. The reader stores null in its place and reports it, so
// that the quality stage can quarantine the row instead of trusting a
// rounded or guessed value.
type Problem struct {
	File   string // file name as opened
	Row    int64  // 0-based data row in the file (CSV header not counted)
	Column string // canonical column
	Source string // column name as found in the file
	Value  string // the offending value, as text
	Reason string // why it was rejected
}

// String renders the problem as "FILE: row N: COLUMN (source S) = "V": REASON".
func (p Problem) String() string {
	return fmt.Sprintf("%s: row %d: %s (source %s) = %q: %s", p.File, p.Row, p.Column, p.Source, p.Value, p.Reason)
}

// ColumnMapping tells how one source column was read.
type ColumnMapping struct {
	Source     string         // name as found in the file
	SourceType arrow.DataType // type as read from the file
	Canonical  string         // canonical column it feeds, "" for an extra
}

// rawBatch is one batch of source columns, in the order of Reader.mappings.
type rawBatch struct {
	cols []arrow.Array
	rows int
}

// source yields raw batches of a file's columns.
type source interface {
	next(ctx context.Context) (rawBatch, error) // io.EOF at the end
	close() error
}

// Reader streams a TLC file as record batches of its kind's canonical
// schema, whatever the file's year, format or physical types. Memory is
// bounded by the batch size, not the file size.
//
// Reader implements array.RecordReader. Use it as
//
//	r, err := tlc.Open(ctx, path, tlc.ReadOptions{})
//	defer r.Close()
//	for r.Next() {
//		batch := r.RecordBatch() // valid until the next call to Next
//		problems := r.Problems() // the batch's row-level problems
//	}
//	if err := r.Err(); err != nil { ... }
type Reader struct {
	ctx      context.Context
	name     string
	kind     Kind
	opts     ReadOptions
	src      source
	schema   *arrow.Schema
	mappings []ColumnMapping
	convs    []converter // per mapping; nil for an extra
	target   []int       // per canonical column: mapping index, or -1 when absent
	extras   []int       // mapping indices of kept extras
	numRows  int64       // -1 when unknown before reading (CSV)

	refs     atomic.Int64
	rec      arrow.RecordBatch
	problems []Problem
	counts   map[string]int64
	rowsRead int64
	err      error
	done     bool
}

// Open opens a TLC file by its extension: .parquet, .csv or .csv.gz.
func Open(ctx context.Context, path string, opts ReadOptions) (*Reader, error) {
	lower := strings.ToLower(path)
	switch {
	case strings.HasSuffix(lower, ".parquet"):
		return OpenParquet(ctx, path, opts)
	case strings.HasSuffix(lower, ".csv"), strings.HasSuffix(lower, ".csv.gz"):
		return OpenCSV(ctx, path, opts)
	}
	return nil, fmt.Errorf("tlc: %s: unknown file type (want .parquet, .csv or .csv.gz)", path)
}

// openSource starts reading the columns at the given positions of the
// file's column list; raw batches hold nil at every other position.
type openSource func(needed []int) (source, error)

// newReader resolves the kind, maps source columns to canonical ones, picks a
// converter per column and opens the source on the columns it needs. closeFile
// releases the file when opening fails before a source owns it.
func newReader(ctx context.Context, name string, cols []ColumnMapping, numRows int64, opts ReadOptions, open openSource, closeFile func() error) (*Reader, error) {
	fail := func(err error) (*Reader, error) {
		closeFile()
		return nil, err
	}
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.Source
	}
	kind, err := resolveKind(name, names, opts.Kind)
	if err != nil {
		return fail(err)
	}
	r := &Reader{ctx: ctx, name: name, kind: kind, opts: opts, numRows: numRows,
		mappings: cols, counts: map[string]int64{}}
	r.refs.Store(1)
	canon := canonical[kind]
	index := canonicalIndex(kind)
	r.target = make([]int, len(canon))
	for i := range r.target {
		r.target[i] = -1
	}
	r.convs = make([]converter, len(cols))
	for m := range r.mappings {
		c := &r.mappings[m]
		ci, ok := index[strings.ToLower(c.Source)]
		if !ok || r.target[ci] >= 0 { // unknown, or a second spelling of a mapped column
			continue
		}
		conv, err := converterFor(canon[ci], c.SourceType)
		if err != nil {
			return fail(fmt.Errorf("tlc: %s: column %q: %w", name, c.Source, err))
		}
		c.Canonical = canon[ci].Name
		r.convs[m] = conv
		r.target[ci] = m
	}
	if r.target[slices.IndexFunc(canon, func(c Column) bool { return c.Name == "pickup_datetime" })] < 0 {
		return fail(fmt.Errorf("tlc: %s: no pickup time among its columns %v: not a TLC trip file", name, names))
	}
	fields := MustSchema(kind).Fields()
	for m, c := range r.mappings {
		if c.Canonical == "" && opts.KeepExtra {
			r.extras = append(r.extras, m)
			fields = append(fields, arrow.Field{Name: c.Source, Type: c.SourceType, Nullable: true})
		}
	}
	md := arrow.NewMetadata([]string{"tlc.kind", "tlc.source"}, []string{string(kind), filepath.Base(name)})
	r.schema = arrow.NewSchema(fields, &md)
	var needed []int
	for m := range r.mappings {
		if r.convs[m] != nil {
			needed = append(needed, m)
		}
	}
	needed = append(needed, r.extras...)
	slices.Sort(needed)
	if r.src, err = open(needed); err != nil {
		return fail(fmt.Errorf("tlc: %s: %w", name, err))
	}
	return r, nil
}

func resolveKind(name string, columns []string, forced Kind) (Kind, error) {
	byCols, okCols := KindFromColumns(columns)
	switch {
	case forced != "":
		if !forced.Valid() {
			return "", fmt.Errorf("tlc: %s: unknown kind %q", name, forced)
		}
		if okCols && byCols != forced {
			return "", fmt.Errorf("tlc: %s: columns are those of %s trips, not %s", name, byCols, forced)
		}
		return forced, nil
	case okCols:
		return byCols, nil
	}
	if k, ok := KindFromFileName(name); ok {
		return k, nil
	}
	return "", fmt.Errorf("tlc: %s: cannot tell the trip kind from its name or its columns %v", name, columns)
}

// Name returns the file name the reader was opened on.
func (r *Reader) Name() string { return r.name }

// Kind returns the file's trip kind.
func (r *Reader) Kind() Kind { return r.kind }

// Schema returns the schema of every batch: the canonical schema of Kind,
// followed by kept extras when ReadOptions.KeepExtra is set.
func (r *Reader) Schema() *arrow.Schema { return r.schema }

// Mappings returns how every source column was read, in file order.
func (r *Reader) Mappings() []ColumnMapping { return append([]ColumnMapping(nil), r.mappings...) }

// SourceColumns returns the column names as found in the file, in file order.
func (r *Reader) SourceColumns() []string {
	out := make([]string, len(r.mappings))
	for i, m := range r.mappings {
		out[i] = m.Source
	}
	return out
}

// Extra returns the source columns that map to no canonical column. They are
// reported here whether or not ReadOptions.KeepExtra keeps them.
func (r *Reader) Extra() []string {
	var out []string
	for _, m := range r.mappings {
		if m.Canonical == "" {
			out = append(out, m.Source)
		}
	}
	return out
}

// Missing returns the canonical columns the file does not have; they are
// all-null in every batch (for example airport_fee before 2021).
func (r *Reader) Missing() []string {
	var out []string
	for ci, m := range r.target {
		if m < 0 {
			out = append(out, canonical[r.kind][ci].Name)
		}
	}
	return out
}

// NumRows returns the row count from the file's metadata, or -1 when the
// format has none (CSV).
func (r *Reader) NumRows() int64 { return r.numRows }

// RowsRead returns the number of rows delivered so far.
func (r *Reader) RowsRead() int64 { return r.rowsRead }

// Problems returns the row-level problems of the current batch, in row
// order. Row numbers count from the start of the file. Each batch gets a
// new slice, so a kept slice stays valid.
func (r *Reader) Problems() []Problem { return r.problems }

// ProblemCounts returns the number of problems so far per canonical column.
func (r *Reader) ProblemCounts() map[string]int64 {
	out := make(map[string]int64, len(r.counts))
	for k, v := range r.counts {
		out[k] = v
	}
	return out
}

// ProblemCount returns the total number of problems so far.
func (r *Reader) ProblemCount() int64 {
	var n int64
	for _, v := range r.counts {
		n += v
	}
	return n
}

// RecordBatch returns the current batch. It is valid until the next call to
// Next or Release; Retain it to keep it longer.
func (r *Reader) RecordBatch() arrow.RecordBatch { return r.rec }

// Record returns the current batch.
//
// Deprecated: Use RecordBatch; kept for array.RecordReader.
func (r *Reader) Record() arrow.RecordBatch { return r.rec }

// Err returns the first error met, or nil at a clean end of file.
func (r *Reader) Err() error { return r.err }

// Retain increases the reference count.
func (r *Reader) Retain() { r.refs.Add(1) }

// Release decreases the reference count and closes the reader at zero.
func (r *Reader) Release() {
	if r.refs.Add(-1) == 0 {
		r.Close()
	}
}

// Close releases the current batch and the file. It is safe to call twice.
func (r *Reader) Close() error {
	if r.rec != nil {
		r.rec.Release()
		r.rec = nil
	}
	if r.src == nil {
		return nil
	}
	err := r.src.close()
	r.src = nil
	r.done = true
	if err != nil {
		return fmt.Errorf("tlc: %s: close: %w", r.name, err)
	}
	return nil
}

// Next reads and converts the next batch. It returns false at the end of the
// file or on error (see Err).
func (r *Reader) Next() bool {
	if r.rec != nil {
		r.rec.Release()
		r.rec = nil
	}
	r.problems = nil // the previous batch's problems stay with whoever kept them
	if r.done || r.err != nil {
		return false
	}
	if err := r.ctx.Err(); err != nil {
		r.err = fmt.Errorf("tlc: %s: %w", r.name, err)
		return false
	}
	raw, err := r.src.next(r.ctx)
	if err != nil {
		if !errors.Is(err, errEndOfFile) {
			r.err = err
		}
		r.done = true
		return false
	}
	r.rec = r.convert(raw)
	r.rowsRead += int64(raw.rows)
	return true
}

// errEndOfFile ends a source; io.EOF is not used so that a truncated file's
// io.ErrUnexpectedEOF can never be mistaken for a clean end.
var errEndOfFile = errors.New("end of file")

func (r *Reader) convert(raw rawBatch) arrow.RecordBatch {
	defer func() {
		for _, c := range raw.cols {
			if c != nil {
				c.Release()
			}
		}
	}()
	mem := r.opts.allocator()
	out := make([]arrow.Array, 0, len(r.schema.Fields()))
	base := r.rowsRead
	for ci, m := range r.target {
		if m < 0 {
			out = append(out, array.MakeArrayOfNull(mem, canonical[r.kind][ci].Type, raw.rows))
			continue
		}
		mp := r.mappings[m]
		report := func(row int, value, why string) {
			r.problems = append(r.problems, Problem{File: r.name, Row: base + int64(row),
				Column: mp.Canonical, Source: mp.Source, Value: value, Reason: why})
			r.counts[mp.Canonical]++
		}
		out = append(out, r.convs[m](mem, raw.cols[m], report))
	}
	for _, m := range r.extras {
		raw.cols[m].Retain()
		out = append(out, raw.cols[m])
	}
	sortProblems(r.problems)
	rec := array.NewRecordBatch(r.schema, out, int64(raw.rows))
	for _, a := range out {
		a.Release()
	}
	return rec
}
