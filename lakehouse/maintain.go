package lakehouse

import (
	"context"
	"fmt"
	"time"

	"github.com/apache/iceberg-go/table"
	"github.com/apache/iceberg-go/table/compaction"
)

// ExpireOptions say which snapshots ExpireSnapshots removes.
type ExpireOptions struct {
	// OlderThan expires snapshots older than this age; zero means the
	// table's history.expire.max-snapshot-age-ms (default 5 days).
	OlderThan time.Duration
	// RetainLast keeps at least this many of the most recent snapshots of
	// the current branch, whatever their age; zero means the table's
	// history.expire.min-snapshots-to-keep (default 1).
	RetainLast int
	// KeepFiles leaves the files only expired snapshots used in place (for
	// readers still holding those snapshots, to be removed later by an
	// orphan-file cleanup); by default they are deleted after the commit.
	KeepFiles bool
}

// ExpireSnapshots removes old snapshots of table name from its metadata
// (time travel to them is no longer possible) and, unless KeepFiles, the
// data and manifest files no remaining snapshot uses. The current snapshot
// is always kept. It returns the snapshots removed.
func (w *Warehouse) ExpireSnapshots(ctx context.Context, name string, opts ExpireOptions) ([]Snapshot, error) {
	var xo []table.ExpireSnapshotsOpt
	if opts.OlderThan > 0 {
		xo = append(xo, table.WithOlderThan(opts.OlderThan))
	}
	if opts.RetainLast > 0 {
		xo = append(xo, table.WithRetainLast(opts.RetainLast))
	}
	xo = append(xo, table.WithPostCommit(!opts.KeepFiles))
	before, err := w.Snapshots(ctx, name)
	if err != nil {
		return nil, err
	}
	if _, err := w.commit(ctx, "expire snapshots of", name, func(_ *table.Table, txn *table.Transaction) error {
		return txn.ExpireSnapshots(xo...)
	}); err != nil {
		return nil, err
	}
	after, err := w.Snapshots(ctx, name)
	if err != nil {
		return nil, err
	}
	kept := make(map[int64]bool, len(after))
	for _, s := range after {
		kept[s.ID] = true
	}
	var removed []Snapshot
	for _, s := range before {
		if !kept[s.ID] {
			removed = append(removed, s)
		}
	}
	return removed, nil
}

// CompactOptions tune Compact.
type CompactOptions struct {
	// TargetFileSize is the size, in bytes, of the files Compact writes;
	// files under 75 % of it are candidates for rewriting and files over
	// 180 % are left alone. Zero means the table's
	// write.target-file-size-bytes (default 512 MiB).
	TargetFileSize int64
	// MinInputFiles is the least number of small files in one partition
	// worth rewriting; zero means 2.
	MinInputFiles int
}

// CompactResult reports what Compact did.
type CompactResult struct {
	// RemovedFiles and AddedFiles count the data files replaced and
	// written; both are zero when there was nothing to compact.
	RemovedFiles, AddedFiles int
	// BytesBefore and BytesAfter are the sizes of those files.
	BytesBefore, BytesAfter int64
	// Snapshot is the replace snapshot, zero when nothing was committed.
	Snapshot Snapshot
}

// Compact rewrites the small data files of table name into larger ones,
// partition by partition, in one atomic replace commit that changes no row
// (readers see the same rows before and after). A concurrent write that
// touches the same files makes the commit fail validation; Compact then
// plans again against the refreshed table. It checks that the table's row
// count is unchanged and reports an error if not.
func (w *Warehouse) Compact(ctx context.Context, name string, opts CompactOptions) (CompactResult, error) {
	var res CompactResult
	for attempt := 1; ; attempt++ {
		tbl, err := w.load(ctx, name)
		if err != nil {
			return res, err
		}
		cfg := compaction.DefaultConfig()
		target := opts.TargetFileSize
		if target <= 0 {
			target = tbl.Properties().GetInt64(table.WriteTargetFileSizeBytesKey, table.WriteTargetFileSizeBytesDefault)
		}
		cfg.TargetFileSizeBytes, cfg.MinFileSizeBytes, cfg.MaxFileSizeBytes = target, target*3/4, target*9/5
		cfg.MinInputFiles = 2
		if opts.MinInputFiles > 0 {
			cfg.MinInputFiles = uint(opts.MinInputFiles)
		}
		if tbl.CurrentSnapshot() == nil {
			return res, nil
		}
		plan, err := compaction.Analyze(ctx, tbl, cfg)
		if err != nil {
			return res, fmt.Errorf("lakehouse: compact %s: plan: %w", name, err)
		}
		if len(plan.Groups) == 0 {
			return res, nil
		}
		groups := make([]table.CompactionTaskGroup, len(plan.Groups))
		for i, g := range plan.Groups {
			groups[i] = table.CompactionTaskGroup{PartitionKey: g.PartitionKey, Tasks: g.Tasks, TotalSizeBytes: g.TotalSizeBytes}
		}
		before := snapshotOf(tbl.Metadata(), tbl.CurrentSnapshot())
		rr, err := tbl.RewriteDataFiles(ctx, groups, table.RewriteDataFilesOptions{
			GroupOptions: []table.CompactionGroupOption{table.WithCompactionTargetFileSize(target)},
		})
		if err != nil {
			if retryable(err) && attempt < w.retry.Attempts {
				if werr := w.wait(ctx, attempt); werr != nil {
					return res, fmt.Errorf("lakehouse: compact %s: %w (while retrying: %v)", name, werr, err)
				}
				continue
			}
			return res, fmt.Errorf("lakehouse: compact %s: commit failed after %d attempt(s): %w", name, attempt, err)
		}
		res.RemovedFiles, res.AddedFiles = rr.RemovedDataFiles, rr.AddedDataFiles
		res.BytesBefore, res.BytesAfter = rr.BytesBefore, rr.BytesAfter
		if rr.Table != nil {
			res.Snapshot = snapshotOf(rr.Table.Metadata(), rr.Table.CurrentSnapshot())
		}
		if res.Snapshot.TotalRows >= 0 && before.TotalRows >= 0 && res.Snapshot.ParentID == before.ID &&
			res.Snapshot.TotalRows != before.TotalRows {
			return res, fmt.Errorf("lakehouse: compact %s: row count changed from %d to %d (snapshot %d)",
				name, before.TotalRows, res.Snapshot.TotalRows, res.Snapshot.ID)
		}
		return res, nil
	}
}
