package lakehouse

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/iceberg-go"
	"github.com/apache/iceberg-go/table"

	"github.com/magnumopus/opus/lakehouse/snapshot"
)

// SnapshotRun describes one RunSnapshot.
type SnapshotRun struct {
	// Table is the snapshot table.
	Table string
	// Created reports that this run created the table (dbt's first run).
	Created bool
	// Committed reports that the run changed the table. A run that finds
	// nothing to change commits nothing.
	Committed bool
	// Stats counts the run's keys and rows (see snapshot.Stats).
	Stats snapshot.Stats
	// Snapshot is the table's current Iceberg snapshot after the run: the
	// run's own when Committed, the untouched previous one otherwise.
	Snapshot Snapshot
}

// errNothingToCommit stops a RunSnapshot commit that would change nothing.
var errNothingToCommit = errors.New("nothing to commit")

// RunSnapshot applies one dbt snapshot run (SCD type 2, see package
// lakehouse/snapshot for the semantics) of source to the Iceberg table
// name at time now, in one atomic commit.
//
// On the first run the table is created (unpartitioned, Snappy-compressed)
// with the source columns followed by the meta columns, and every source
// row is inserted. Later runs read
// the table's current versions only (dbt_valid_to null, or equal to
// cfg.ValidToCurrent): closed history is never read nor rewritten, which
// keeps a run's cost proportional to the live dimension, not to its
// history. The current versions are replaced, in the same commit that
// appends the new versions and deletion records, by themselves with the
// changed keys' dbt_valid_to set. A run whose source changes nothing
// commits nothing, so re-running on an unchanged source leaves the table
// at its snapshot. A commit that loses a race redoes the whole run against
// the refreshed table, so concurrent runs never lose a version.
//
// cfg.Table defaults to name. source batches must share one schema; the
// caller keeps ownership of them.
func (w *Warehouse) RunSnapshot(ctx context.Context, name string, cfg snapshot.Config, source []arrow.RecordBatch, now time.Time) (SnapshotRun, error) {
	run := SnapshotRun{Table: name}
	if cfg.Table == "" {
		cfg.Table = name
	}
	fail := func(err error) (SnapshotRun, error) {
		return run, fmt.Errorf("lakehouse: snapshot %s: %w", name, err)
	}
	exists, err := w.TableExists(ctx, name)
	if err != nil {
		return fail(err)
	}
	if !exists {
		// Create the table from the first run's schema; the rows go in
		// through the same commit path as every later run, so that two
		// first runs racing cannot both insert every key.
		if run.Created, err = w.createSnapshotTable(ctx, name, cfg, source, now); err != nil {
			return fail(err)
		}
	}
	meta := cfg.MetaColumns.WithDefaults()
	current := IsNull(meta.ValidTo)
	if cfg.ValidToCurrent != nil {
		// The stored value is the wall clock for a timestamp column and the
		// instant for a timestamptz one, as snapshot.Apply writes them.
		sc, err := w.Schema(ctx, name)
		if err != nil {
			return fail(err)
		}
		vtc := naiveMicros(*cfg.ValidToCurrent)
		if f, ok := sc.FieldsByName(meta.ValidTo); ok {
			if ts, ok := f[0].Type.(*arrow.TimestampType); ok && ts.TimeZone != "" {
				vtc = iceberg.Timestamp(cfg.ValidToCurrent.UnixMicro())
			}
		}
		current = Or(current, Eq(meta.ValidTo, vtc))
	}
	snap, err := w.commit(ctx, "snapshot into", name, func(tbl *table.Table, txn *table.Transaction) error {
		cur, err := readAll(ctx, tbl, name, ScanOptions{Filter: current})
		if err != nil {
			return err
		}
		if len(cur) == 0 {
			// No current version (a new table, or every key deleted):
			// an empty batch still tells Apply the table's columns.
			empty, err := emptyBatch(tbl)
			if err != nil {
				return err
			}
			cur = append(cur, empty)
		}
		defer releaseAll(cur)
		res, err := snapshot.Apply(cfg, cur, source, now)
		if err != nil {
			return err
		}
		defer res.Release()
		run.Stats = res.Stats
		if res.Stats.Closed == 0 && res.Stats.Inserted == 0 {
			return errNothingToCommit
		}
		if err := checkSchema(tbl, res.Schema); err != nil {
			return err
		}
		merged, err := snapshot.Merge(cfg.Mem, cur, res)
		if err != nil {
			return err
		}
		defer releaseAll(merged)
		rdr, err := array.NewRecordReader(res.Schema, merged)
		if err != nil {
			return err
		}
		defer rdr.Release()
		return txn.Overwrite(ctx, rdr, nil, table.WithOverwriteFilter(current))
	})
	if errors.Is(err, errNothingToCommit) {
		if run.Snapshot, err = w.Current(ctx, name); err != nil {
			return fail(err)
		}
		return run, nil
	}
	if err != nil {
		return fail(err)
	}
	run.Committed, run.Snapshot = true, snap
	return run, nil
}

// createSnapshotTable creates table name with the columns a first run of
// source gives (the source columns, then the meta columns). It returns
// false, with no error, when another writer created the table first.
func (w *Warehouse) createSnapshotTable(ctx context.Context, name string, cfg snapshot.Config, source []arrow.RecordBatch, now time.Time) (bool, error) {
	res, err := snapshot.Apply(cfg, nil, source, now)
	if err != nil {
		return false, err
	}
	defer res.Release()
	if res.Schema == nil {
		return false, errors.New("the first run needs source batches, to know the columns")
	}
	// Snappy rather than the warehouse's zstd: every run rewrites the
	// current versions (copy-on-write), so encoding speed matters more here
	// than file size (a 1M-row run: 1.8 s against 2.3 s, BENCHMARKS.md).
	spec := TableSpec{Schema: res.Schema, Properties: map[string]string{"write.parquet.compression-codec": "snappy"}}
	if err := w.CreateTable(ctx, name, spec); err != nil {
		if errors.Is(err, ErrTableExists) {
			return false, nil
		}
		return false, err
	}
	return true, nil
}

// readAll reads the rows of tbl that opts select into memory.
func readAll(ctx context.Context, tbl *table.Table, name string, opts ScanOptions) ([]arrow.RecordBatch, error) {
	rdr, err := scanTable(ctx, tbl, name, opts)
	if err != nil {
		return nil, err
	}
	defer rdr.Release()
	var out []arrow.RecordBatch
	for rdr.Next() {
		b := rdr.RecordBatch()
		b.Retain()
		out = append(out, b)
	}
	if err := rdr.Err(); err != nil {
		releaseAll(out)
		return nil, err
	}
	return out, nil
}

// emptyBatch returns a batch of no rows in tbl's Arrow schema.
func emptyBatch(tbl *table.Table) (arrow.RecordBatch, error) {
	sc, err := table.SchemaToArrowSchema(tbl.Schema(), nil, false, false)
	if err != nil {
		return nil, err
	}
	b := array.NewRecordBuilder(memory.DefaultAllocator, sc)
	defer b.Release()
	return b.NewRecordBatch(), nil
}

// releaseAll releases every batch of bs.
func releaseAll(bs []arrow.RecordBatch) {
	for _, b := range bs {
		b.Release()
	}
}
