package lakehouse

import (
	"context"
	"fmt"
	"iter"
	"slices"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/iceberg-go/table"
)

// Snapshot describes one snapshot (one commit) of a table.
type Snapshot struct {
	// ID is the snapshot id; zero means "no snapshot" (an empty table).
	ID int64
	// ParentID is the previous snapshot's id, zero for the first.
	ParentID int64
	// SequenceNumber orders the table's commits.
	SequenceNumber int64
	// Time is the commit time.
	Time time.Time
	// Operation is Iceberg's operation: append, overwrite, replace or
	// delete.
	Operation string
	// AddedRows, DeletedRows and TotalRows come from the snapshot summary
	// (-1 when absent).
	AddedRows, DeletedRows, TotalRows int64
	// Summary is the full snapshot summary.
	Summary map[string]string
	// Current reports whether this is the table's current snapshot.
	Current bool
}

func snapshotOf(meta table.Metadata, s *table.Snapshot) Snapshot {
	if s == nil {
		return Snapshot{}
	}
	out := Snapshot{
		ID:             s.SnapshotID,
		SequenceNumber: s.SequenceNumber,
		Time:           time.UnixMilli(s.TimestampMs).UTC(),
		AddedRows:      -1, DeletedRows: -1, TotalRows: -1,
	}
	if s.ParentSnapshotID != nil {
		out.ParentID = *s.ParentSnapshotID
	}
	if s.Summary != nil {
		out.Operation = string(s.Summary.Operation)
		out.Summary = map[string]string{"operation": out.Operation}
		for k, v := range s.Summary.Properties {
			out.Summary[k] = v
		}
		num := func(k string) int64 {
			if n, err := strconv.ParseInt(s.Summary.Properties[k], 10, 64); err == nil {
				return n
			}
			return -1
		}
		out.AddedRows, out.DeletedRows, out.TotalRows = num("added-records"), num("deleted-records"), num("total-records")
		if out.DeletedRows < 0 && out.AddedRows >= 0 {
			out.DeletedRows = 0
		}
	}
	if cur := meta.CurrentSnapshot(); cur != nil && cur.SnapshotID == s.SnapshotID {
		out.Current = true
	}
	return out
}

// Snapshots returns the history of table name: every snapshot still in its
// metadata, oldest first.
func (w *Warehouse) Snapshots(ctx context.Context, name string) ([]Snapshot, error) {
	tbl, err := w.load(ctx, name)
	if err != nil {
		return nil, err
	}
	meta := tbl.Metadata()
	snaps := meta.Snapshots()
	out := make([]Snapshot, 0, len(snaps))
	for i := range snaps {
		out = append(out, snapshotOf(meta, &snaps[i]))
	}
	slices.SortFunc(out, func(a, b Snapshot) int {
		if c := a.Time.Compare(b.Time); c != 0 {
			return c
		}
		return int(a.SequenceNumber - b.SequenceNumber)
	})
	return out, nil
}

// Current returns the current snapshot of table name, or a zero Snapshot
// when the table has none yet.
func (w *Warehouse) Current(ctx context.Context, name string) (Snapshot, error) {
	tbl, err := w.load(ctx, name)
	if err != nil {
		return Snapshot{}, err
	}
	return snapshotOf(tbl.Metadata(), tbl.CurrentSnapshot()), nil
}

// ScanOptions select what Scan reads.
type ScanOptions struct {
	// Filter selects rows; nil means all. Files and partitions that cannot
	// match are skipped.
	Filter Filter
	// Columns selects columns, in the table's order; empty means all.
	Columns []string
	// SnapshotID reads that snapshot (time travel); zero means current.
	SnapshotID int64
	// AsOf reads the snapshot that was current at that time; zero means
	// current. It excludes SnapshotID.
	AsOf time.Time
	// Limit caps the number of rows; zero means no cap.
	Limit int64
}

// Scan reads table name as Arrow record batches. The caller must Release
// the reader; reading stops early when it is released. Errors found while
// reading are reported by the reader's Err.
func (w *Warehouse) Scan(ctx context.Context, name string, opts ScanOptions) (array.RecordReader, error) {
	tbl, err := w.load(ctx, name)
	if err != nil {
		return nil, err
	}
	return scanTable(ctx, tbl, name, opts)
}

// scanTable is Scan on a loaded table.
func scanTable(ctx context.Context, tbl *table.Table, name string, opts ScanOptions) (array.RecordReader, error) {
	if opts.SnapshotID != 0 && !opts.AsOf.IsZero() {
		return nil, fmt.Errorf("lakehouse: scan %s: both SnapshotID and AsOf are set", name)
	}
	so := []table.ScanOption{table.WithRowFilter(opts.Filter), table.WithSelectedFields(opts.Columns...)}
	switch {
	case opts.SnapshotID != 0:
		if tbl.SnapshotByID(opts.SnapshotID) == nil {
			return nil, fmt.Errorf("lakehouse: scan %s: no snapshot %d (never existed or expired)", name, opts.SnapshotID)
		}
		so = append(so, table.WithSnapshotID(opts.SnapshotID))
	case !opts.AsOf.IsZero():
		so = append(so, table.WithSnapshotAsOf(opts.AsOf.UnixMilli()))
	}
	if opts.Limit > 0 {
		so = append(so, table.WithLimit(opts.Limit))
	}
	scan := tbl.Scan(so...)
	sc, seq, err := scan.ToArrowRecords(ctx)
	if err != nil {
		_ = scan.Close()
		return nil, fmt.Errorf("lakehouse: scan %s: %w", name, err)
	}
	r := &reader{name: name, schema: sc, closeScan: scan.Close}
	r.next, r.stop = iter.Pull2(seq)
	r.refs.Store(1)
	return r, nil
}

// Count returns the number of rows Scan would read with opts.
func (w *Warehouse) Count(ctx context.Context, name string, opts ScanOptions) (int64, error) {
	if len(opts.Columns) == 0 {
		// Read one narrow column: counting needs no other.
		sc, err := w.Schema(ctx, name)
		if err != nil {
			return 0, err
		}
		if sc.NumFields() > 0 {
			opts.Columns = []string{sc.Field(0).Name}
		}
	}
	rdr, err := w.Scan(ctx, name, opts)
	if err != nil {
		return 0, err
	}
	defer rdr.Release()
	var n int64
	for rdr.Next() {
		n += rdr.RecordBatch().NumRows()
	}
	return n, rdr.Err()
}

// reader adapts a scan's batch iterator to array.RecordReader.
type reader struct {
	name      string
	schema    *arrow.Schema
	next      func() (arrow.RecordBatch, error, bool)
	stop      func()
	closeScan func() error
	cur       arrow.RecordBatch
	err       error
	done      bool
	refs      atomic.Int64
}

// Retain adds a reference.
func (r *reader) Retain() { r.refs.Add(1) }

// Schema returns the scan's schema.
func (r *reader) Schema() *arrow.Schema { return r.schema }

// Release drops a reference and ends the scan at zero.
func (r *reader) Release() {
	if r.refs.Add(-1) != 0 {
		return
	}
	r.finish()
}

func (r *reader) finish() {
	if r.cur != nil {
		r.cur.Release()
		r.cur = nil
	}
	if !r.done {
		r.done = true
		r.stop()
		if err := r.closeScan(); err != nil && r.err == nil {
			r.err = fmt.Errorf("lakehouse: scan %s: close: %w", r.name, err)
		}
	}
}

// Next moves to the next batch; false at the end or on error (see Err).
func (r *reader) Next() bool {
	if r.cur != nil {
		r.cur.Release()
		r.cur = nil
	}
	if r.done {
		return false
	}
	rec, err, ok := r.next()
	if !ok || err != nil {
		if err != nil {
			r.err = fmt.Errorf("lakehouse: scan %s: %w", r.name, err)
		}
		if rec != nil {
			rec.Release()
		}
		r.finish()
		return false
	}
	r.cur = rec
	return true
}

// RecordBatch returns the current batch, valid until the next Next.
func (r *reader) RecordBatch() arrow.RecordBatch { return r.cur }

// Record returns the current batch.
//
// Deprecated: use RecordBatch.
func (r *reader) Record() arrow.RecordBatch { return r.cur }

// Err returns the error that ended the scan, if any.
func (r *reader) Err() error { return r.err }
