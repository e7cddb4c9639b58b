package lakehouse

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/iceberg-go"
	"github.com/apache/iceberg-go/table"
)

// Append adds records to table name in one atomic Iceberg commit (one
// snapshot) and returns that snapshot. All records must share one schema,
// compatible with the table's. With no rows at all nothing is committed and
// the current snapshot (zero when the table has none) is returned.
//
// A write that fails leaves the table as it was. A commit that loses a race
// with another writer is retried against the refreshed table (see
// RetryPolicy).
func (w *Warehouse) Append(ctx context.Context, name string, records []arrow.RecordBatch) (Snapshot, error) {
	sc, rows, err := batchSchema(records)
	if err != nil {
		return Snapshot{}, fmt.Errorf("lakehouse: append to %s: %w", name, err)
	}
	if rows == 0 {
		tbl, err := w.load(ctx, name)
		if err != nil {
			return Snapshot{}, err
		}
		if sc != nil {
			if err := checkSchema(tbl, sc); err != nil {
				return Snapshot{}, fmt.Errorf("lakehouse: append to %s: %w", name, err)
			}
		}
		return snapshotOf(tbl.Metadata(), tbl.CurrentSnapshot()), nil
	}
	return w.commit(ctx, "append to", name, func(tbl *table.Table, txn *table.Transaction) error {
		if err := checkSchema(tbl, sc); err != nil {
			return err
		}
		rdr, err := array.NewRecordReader(sc, records)
		if err != nil {
			return err
		}
		defer rdr.Release()
		return txn.Append(ctx, rdr, nil)
	})
}

// ReplaceWhere deletes the rows of table name that filter matches and
// appends records, in one atomic Iceberg commit; it returns the new
// snapshot. Typical filters select one source file (Eq("source_file", f))
// or one month (MonthRange("pickup_datetime", 2024, 1)). Deletion is
// copy-on-write: data files whose rows all match are dropped, files with
// some matching rows are rewritten without them. With no records it only
// deletes. A nil filter matches nothing (plain append).
func (w *Warehouse) ReplaceWhere(ctx context.Context, name string, filter Filter, records []arrow.RecordBatch) (Snapshot, error) {
	sc, _, err := batchSchema(records)
	if err != nil {
		return Snapshot{}, fmt.Errorf("lakehouse: replace in %s: %w", name, err)
	}
	if filter == nil {
		filter = iceberg.AlwaysFalse{}
	}
	return w.commit(ctx, "replace in", name, func(tbl *table.Table, txn *table.Transaction) error {
		rsc := sc
		if rsc != nil {
			if err := checkSchema(tbl, rsc); err != nil {
				return err
			}
		} else {
			if rsc, err = table.SchemaToArrowSchema(tbl.Schema(), nil, false, false); err != nil {
				return err
			}
		}
		rdr, err := array.NewRecordReader(rsc, records)
		if err != nil {
			return err
		}
		defer rdr.Release()
		return txn.Overwrite(ctx, rdr, nil, table.WithOverwriteFilter(filter))
	})
}

// ReplaceWhereStream is ReplaceWhere with the new rows read from a stream
// instead of held in memory: open returns a reader of them, whose batches
// are written to data files as they come, so memory stays bounded by a few
// batches and the open files however many rows there are. open is called
// once per attempt (a commit that loses a race is redone against the
// refreshed table), so it must give the same rows every time; the reader
// is released after each attempt. A reader whose Err reports a failure
// fails the write, and the table stays as it was.
func (w *Warehouse) ReplaceWhereStream(ctx context.Context, name string, filter Filter, open func(context.Context) (array.RecordReader, error)) (Snapshot, error) {
	if filter == nil {
		filter = iceberg.AlwaysFalse{}
	}
	return w.commit(ctx, "replace in", name, func(tbl *table.Table, txn *table.Transaction) error {
		rdr, err := open(ctx)
		if err != nil {
			return err
		}
		defer rdr.Release()
		if err := checkSchema(tbl, rdr.Schema()); err != nil {
			return err
		}
		sliced := &sliceReader{RecordReader: rdr, max: streamSliceRows}
		defer sliced.close()
		if err := txn.Overwrite(ctx, sliced, nil, table.WithOverwriteFilter(filter)); err != nil {
			return err
		}
		// iceberg-go stops at the first false Next without asking Err: a
		// stream that broke off must not commit what it read so far (the
		// commit comes after this function returns).
		return rdr.Err()
	})
}

// streamSliceRows is the largest batch ReplaceWhereStream hands to
// iceberg-go. Its data file writers queue up to 64 batches each before
// encoding them; a producer faster than the encoder (a Parquet reader is)
// would otherwise park most of a month there, 64 batches of 64Ki rows.
// Slices of a batch share its buffers, so at most 64 x 4Ki rows, four
// source batches of the TLC reader, stay queued per writer (measured on a
// 3M-row bronze ingest: peak RSS 1.3 GB with whole batches, 0.57 GB with
// 4Ki slices, at the same speed within noise).
const streamSliceRows = 4 << 10

// sliceReader re-cuts a reader's batches into zero-copy slices of at most
// max rows.
type sliceReader struct {
	array.RecordReader
	max  int64
	src  arrow.RecordBatch // the source batch being cut, retained
	off  int64
	cur  arrow.RecordBatch
	done bool
}

// Next moves to the next slice, reading a new source batch when the
// current one is used up.
func (r *sliceReader) Next() bool {
	if r.cur != nil {
		r.cur.Release()
		r.cur = nil
	}
	for r.src == nil || r.off >= r.src.NumRows() {
		if r.src != nil {
			r.src.Release()
			r.src = nil
		}
		if r.done || !r.RecordReader.Next() {
			r.done = true
			return false
		}
		r.src = r.RecordReader.RecordBatch()
		r.src.Retain()
		r.off = 0
	}
	end := min(r.off+r.max, r.src.NumRows())
	r.cur = r.src.NewSlice(r.off, end)
	r.off = end
	return true
}

// RecordBatch is the current slice.
func (r *sliceReader) RecordBatch() arrow.RecordBatch { return r.cur }

// Record is RecordBatch, for the older interface.
func (r *sliceReader) Record() arrow.RecordBatch { return r.cur }

// close releases the current slice and source batch; Retain and Release
// count references to the underlying reader.
func (r *sliceReader) close() {
	if r.cur != nil {
		r.cur.Release()
		r.cur = nil
	}
	if r.src != nil {
		r.src.Release()
		r.src = nil
	}
}

// commit runs one write: it loads the table, stages the change with stage
// and commits, redoing everything against a freshly loaded table when the
// commit loses a race, up to RetryPolicy.Attempts times. Errors before the
// commit are not retried: nothing was committed.
func (w *Warehouse) commit(ctx context.Context, verb, name string, stage func(*table.Table, *table.Transaction) error) (Snapshot, error) {
	for attempt := 1; ; attempt++ {
		tbl, err := w.load(ctx, name)
		if err != nil {
			return Snapshot{}, err
		}
		txn := tbl.NewTransaction()
		if err := stage(tbl, txn); err != nil {
			return Snapshot{}, fmt.Errorf("lakehouse: %s %s: %w", verb, name, err)
		}
		committed, err := txn.Commit(ctx)
		if err == nil {
			return snapshotOf(committed.Metadata(), committed.CurrentSnapshot()), nil
		}
		if !retryable(err) || attempt >= w.retry.Attempts {
			return Snapshot{}, fmt.Errorf("lakehouse: %s %s: commit failed after %d attempt(s): %w", verb, name, attempt, err)
		}
		if werr := w.wait(ctx, attempt); werr != nil {
			return Snapshot{}, fmt.Errorf("lakehouse: %s %s: %w (while retrying: %v)", verb, name, werr, err)
		}
	}
}

// retryable reports whether a commit error is a lost race that nothing was
// committed by, so that the operation can be redone on a refreshed table.
func retryable(err error) bool {
	if errors.Is(err, table.ErrCommitFailed) || errors.Is(err, table.ErrCommitDiverged) {
		return true
	}
	msg := err.Error()
	for _, s := range []string{
		"was created concurrently", // first snapshot raced: AssertRefSnapshotID(main, nil)
		"has changed: expected id", // branch head moved under a requirement
		"metadata-location moved",  // SQL catalog compare-and-swap lost
		"database is locked",       // SQLite writer contention
		"could not serialize access",
	} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// batchSchema checks that records share one schema and counts their rows.
func batchSchema(records []arrow.RecordBatch) (*arrow.Schema, int64, error) {
	var (
		sc   *arrow.Schema
		rows int64
	)
	for i, r := range records {
		if r == nil {
			return nil, 0, fmt.Errorf("record batch %d is nil", i)
		}
		if sc == nil {
			sc = r.Schema()
		} else if !sc.Equal(r.Schema()) {
			return nil, 0, fmt.Errorf("record batch %d has schema %s, batch 0 has %s", i, r.Schema(), sc)
		}
		rows += r.NumRows()
	}
	return sc, rows, nil
}

// checkSchema checks that batches of schema sc can be written to tbl:
// every column must exist in the table with the same Iceberg type (so
// string and large_string both fit a string column, but a UTC-zoned
// timestamp does not fit a timestamp column). Nested types are left to
// iceberg-go.
func checkSchema(tbl *table.Table, sc *arrow.Schema) error {
	isc, err := table.ArrowSchemaToIcebergWithFreshIDs(sc, false)
	if err != nil {
		return fmt.Errorf("batch schema: %w", err)
	}
	tsc := tbl.Schema()
	for _, f := range isc.Fields() {
		tf, ok := tsc.FindFieldByName(f.Name)
		if !ok {
			return fmt.Errorf("column %q is not in the table", f.Name)
		}
		if _, nested := f.Type.(iceberg.NestedType); nested {
			continue
		}
		if !tf.Type.Equals(f.Type) {
			return fmt.Errorf("column %q is %s in the batch, %s in the table", f.Name, f.Type, tf.Type)
		}
	}
	return nil
}
