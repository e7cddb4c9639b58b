package medallion

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/magnumopus/opus/lakehouse"
	"github.com/magnumopus/opus/tlc"
)

// DefaultBronzeNamespace is the namespace of the bronze tables when
// BronzeOptions.Namespace is empty.
const DefaultBronzeNamespace = "bronze"

// The ingestion metadata columns IngestBronze appends after the canonical
// columns of every bronze row.
const (
	// ColSourceFile holds the base name of the file the row was read from
	// (string); re-ingesting a file replaces the rows holding its name.
	ColSourceFile = "_source_file"
	// ColIngestedAt holds the ingestion time (Iceberg timestamp: UTC wall
	// clock, microseconds, without zone).
	ColIngestedAt = "_ingested_at"
	// ColBatchID holds the id of the ingestion run (string).
	ColBatchID = "_batch_id"
	// ColSourceRow holds the row's 0-based data row in the file (int64, the
	// CSV header not counted), as in tlc.Problem.Row.
	ColSourceRow = "_source_row"
	// ColProblems holds the reader's row-level problems of the row
	// (list<string>, empty when none), each rendered as
	// `COLUMN: "VALUE": REASON`, so that the raw value the canonical null
	// replaced is kept.
	ColProblems = "_problems"
)

// BronzeOptions configure IngestBronze. The zero value is ready to use.
type BronzeOptions struct {
	// Namespace is the namespace of the bronze table; empty means
	// DefaultBronzeNamespace.
	Namespace string
	// BatchID identifies this ingestion run in the _batch_id column; empty
	// means a new id made of the ingestion time and random bits.
	BatchID string
	// Now is the ingestion time stored in _ingested_at; zero means
	// time.Now(). It is stored as UTC.
	Now time.Time
}

// BronzeResult describes one IngestBronze run.
type BronzeResult struct {
	// Table is the bronze table written, "namespace.KIND_trips".
	Table string
	// SourceFile is the base name of the ingested file, the value of its
	// rows' _source_file.
	SourceFile string
	// Rows is the number of rows ingested from the file.
	Rows int64
	// Problems is the number of row-level problems the reader reported
	// (a row may have several).
	Problems int64
	// Snapshot is the table snapshot that holds the file's rows.
	Snapshot lakehouse.Snapshot
}

// BronzeTable returns the name of the bronze table of kind in namespace ns
// ("" meaning DefaultBronzeNamespace): "ns.KIND_trips".
func BronzeTable(ns string, kind tlc.Kind) string {
	if ns == "" {
		ns = DefaultBronzeNamespace
	}
	return ns + "." + string(kind) + "_trips"
}

// BronzeSchema returns the schema of the bronze table of kind: the
// canonical schema tlc.Schema(kind) followed by the ingestion metadata
// columns (ColSourceFile, ColIngestedAt, ColBatchID, ColSourceRow,
// ColProblems).
func BronzeSchema(kind tlc.Kind) (*arrow.Schema, error) {
	sc, err := tlc.Schema(kind)
	if err != nil {
		return nil, err
	}
	fields := append(append([]arrow.Field(nil), sc.Fields()...),
		arrow.Field{Name: ColSourceFile, Type: arrow.BinaryTypes.String, Nullable: true},
		arrow.Field{Name: ColIngestedAt, Type: &arrow.TimestampType{Unit: arrow.Microsecond}, Nullable: true},
		arrow.Field{Name: ColBatchID, Type: arrow.BinaryTypes.String, Nullable: true},
		arrow.Field{Name: ColSourceRow, Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		arrow.Field{Name: ColProblems, Type: arrow.ListOf(arrow.BinaryTypes.String), Nullable: true},
	)
	return arrow.NewSchema(fields, nil), nil
}

// IngestBronze loads the TLC file at path (Parquet, CSV or CSV.gz, any
// year's layout) into the bronze table of its kind, BronzeTable(ns, kind),
// creating the table (partitioned by month(pickup_datetime)) when it does
// not exist. Every row holds the canonical columns as tlc.Open reads them
// plus the ingestion metadata columns (see BronzeSchema).
//
// The file's rows replace, in one atomic commit, every row of the table
// whose _source_file is the file's base name: ingesting a file again
// replaces its rows and never duplicates them, and a failed ingest leaves
// the table as it was. The file is streamed into the table's data files:
// memory stays bounded by the reader's batch size whatever the file's size.
func IngestBronze(ctx context.Context, w *lakehouse.Warehouse, path string, opts BronzeOptions) (BronzeResult, error) {
	file := filepath.Base(path)
	res := BronzeResult{SourceFile: file}
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	now = now.UTC()
	batchID := opts.BatchID
	if batchID == "" {
		batchID = newBatchID(now)
	}

	// Open the file once to learn its kind (the table to write); every
	// commit attempt then streams it from the start.
	r, err := tlc.Open(ctx, path, tlc.ReadOptions{})
	if err != nil {
		return res, fmt.Errorf("medallion: bronze ingest of %s: %w", file, err)
	}
	kind := r.Kind()
	r.Close()
	res.Table = BronzeTable(opts.Namespace, kind)
	fail := func(err error) (BronzeResult, error) {
		return res, fmt.Errorf("medallion: bronze ingest of %s into %s: %w", file, res.Table, err)
	}
	sc, err := BronzeSchema(kind)
	if err != nil {
		return fail(err)
	}
	if err := ensureTable(ctx, w, res.Table, sc, lakehouse.Month("pickup_datetime")); err != nil {
		return fail(err)
	}
	meta := bronzeMeta{file: file, at: now.UnixMicro(), batchID: batchID}
	var last *bronzeReader
	open := func(ctx context.Context) (array.RecordReader, error) {
		r, err := tlc.Open(ctx, path, tlc.ReadOptions{})
		if err != nil {
			return nil, err
		}
		if r.Kind() != kind {
			r.Close()
			return nil, fmt.Errorf("the file changed kind from %s to %s while being ingested", kind, r.Kind())
		}
		last = &bronzeReader{stream: newStream(sc, func() { r.Close() }), r: r, meta: meta}
		last.start()
		return last, nil
	}
	snap, err := w.ReplaceWhereStream(ctx, res.Table, lakehouse.Eq(ColSourceFile, file), open)
	if err != nil {
		return fail(err)
	}
	res.Rows, res.Problems, res.Snapshot = last.rows, last.problems, snap
	return res, nil
}

// bronzeReader streams a TLC file as bronze batches: the reader's
// canonical batches with the ingestion metadata attached.
type bronzeReader struct {
	stream
	r              *tlc.Reader
	meta           bronzeMeta
	rows, problems int64
}

// Next reads the next batch and attaches its metadata.
func (b *bronzeReader) Next() bool {
	b.advance()
	if b.err != nil || !b.r.Next() {
		if b.err == nil {
			b.err = b.r.Err()
		}
		return false
	}
	rec := b.r.RecordBatch()
	out, err := b.meta.attach(b.schema, rec, b.r.RowsRead()-rec.NumRows(), b.r.Problems())
	if err != nil {
		b.err = err
		return false
	}
	b.cur = out
	b.rows += rec.NumRows()
	b.problems += int64(len(b.r.Problems()))
	return true
}

// ensureTable creates table name of schema sc, partitioned by partition, unless it
// exists (also when another writer creates it meanwhile).
func ensureTable(ctx context.Context, w *lakehouse.Warehouse, name string, sc *arrow.Schema, partition ...lakehouse.PartitionField) error {
	ok, err := w.TableExists(ctx, name)
	if err != nil || ok {
		return err
	}
	err = w.CreateTable(ctx, name, lakehouse.TableSpec{Schema: sc, Partition: partition})
	if errors.Is(err, lakehouse.ErrTableExists) {
		return nil
	}
	return err
}

// newBatchID returns an id such as "20240131T235959.123456Z-1a2b3c4d".
func newBatchID(now time.Time) string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return now.Format("20060102T150405.000000Z") + "-" + hex.EncodeToString(b[:])
}

// bronzeMeta holds the metadata values common to the rows of one ingest.
type bronzeMeta struct {
	file    string
	at      int64 // microseconds since the epoch, UTC wall clock
	batchID string
}

// attach returns rec (whose first rows are the canonical columns of sc)
// followed by the metadata columns; base is rec's first row in the file and
// problems are rec's row-level problems, in row order.
func (m bronzeMeta) attach(sc *arrow.Schema, rec arrow.RecordBatch, base int64, problems []tlc.Problem) (arrow.RecordBatch, error) {
	ncanon := sc.NumFields() - 5
	if int(rec.NumCols()) < ncanon {
		return nil, fmt.Errorf("batch has %d columns, want %d canonical ones", rec.NumCols(), ncanon)
	}
	for i := range ncanon {
		if got, want := rec.Schema().Field(i), sc.Field(i); got.Name != want.Name || !arrow.TypeEqual(got.Type, want.Type) {
			return nil, fmt.Errorf("batch column %d is %s %s, want %s %s", i, got.Name, got.Type, want.Name, want.Type)
		}
	}
	mem := memory.DefaultAllocator
	n := int(rec.NumRows())
	file := array.NewStringBuilder(mem)
	defer file.Release()
	at := array.NewTimestampBuilder(mem, sc.Field(ncanon+1).Type.(*arrow.TimestampType))
	defer at.Release()
	batch := array.NewStringBuilder(mem)
	defer batch.Release()
	row := array.NewInt64Builder(mem)
	defer row.Release()
	probs := array.NewListBuilder(mem, arrow.BinaryTypes.String)
	defer probs.Release()
	pvals := probs.ValueBuilder().(*array.StringBuilder)

	file.Reserve(n)
	at.Reserve(n)
	batch.Reserve(n)
	row.Reserve(n)
	probs.Reserve(n)
	p := 0
	for i := range n {
		file.Append(m.file)
		at.Append(arrow.Timestamp(m.at))
		batch.Append(m.batchID)
		src := base + int64(i)
		row.Append(src)
		probs.Append(true)
		for p < len(problems) && problems[p].Row < src {
			p++ // out of the batch's range: cannot happen, but never loop forever
		}
		for p < len(problems) && problems[p].Row == src {
			pr := problems[p]
			pvals.Append(fmt.Sprintf("%s: %q: %s", pr.Column, pr.Value, pr.Reason))
			p++
		}
	}
	cols := make([]arrow.Array, 0, sc.NumFields())
	for i := range ncanon {
		cols = append(cols, rec.Column(i))
	}
	meta := []arrow.Array{file.NewArray(), at.NewArray(), batch.NewArray(), row.NewArray(), probs.NewArray()}
	defer func() {
		for _, a := range meta {
			a.Release()
		}
	}()
	cols = append(cols, meta...)
	return array.NewRecordBatch(sc, cols, rec.NumRows()), nil
}
