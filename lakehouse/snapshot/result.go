package snapshot

import (
	"fmt"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
)

// Change says why a stored version is closed.
type Change int8

// Reasons for closing a version.
const (
	// Updated: the key's source row changed; a new version is inserted.
	Updated Change = iota + 1
	// Revived: with HardDeletesNewRecord, the key came back after a deletion
	// record; the deletion record is closed and a new version inserted.
	Revived
	// Deleted: the key is gone from the source (HardDeletesInvalidate or
	// HardDeletesNewRecord).
	Deleted
)

// String returns the change's name.
func (c Change) String() string {
	switch c {
	case Updated:
		return "updated"
	case Revived:
		return "revived"
	case Deleted:
		return "deleted"
	}
	return fmt.Sprintf("Change(%d)", int8(c))
}

// Close is one stored version to close: set its valid_to column to ValidTo.
type Close struct {
	// Batch and Row locate the version in the current batches passed to Apply.
	Batch, Row int
	// ValidTo is the new dbt_valid_to (the naive wall clock as UTC for a
	// timestamp type without time zone).
	ValidTo time.Time
	// Change says why.
	Change Change
}

// Stats counts what one run did. Keys are counted once each.
type Stats struct {
	// SourceRows is the number of source rows; CurrentRows the number of
	// current versions (valid_to null or ValidToCurrent) in the snapshot.
	SourceRows, CurrentRows int
	// New counts keys not current in the snapshot, inserted.
	New int
	// Changed counts keys whose current version was closed and replaced.
	Changed int
	// Revived counts keys back after a deletion record (new_record).
	Revived int
	// Unchanged counts keys left as they were.
	Unchanged int
	// Deleted counts keys gone from the source whose version was closed
	// (invalidate, new_record).
	Deleted int
	// Ignored counts keys gone from the source and left alone: with
	// HardDeletesIgnore, or already marked deleted with HardDeletesNewRecord.
	Ignored int
	// Closed and Inserted are the numbers of rows in Result.Closed and
	// Result.Inserts.
	Closed, Inserted int
}

// Result is the delta of one snapshot run, for a storage layer committing it
// atomically. Either replace each closed row (delete the row at Close.Batch,
// Close.Row, append the row of Closed at the same index, which differs only in
// its valid_to) and append Inserts; or write Merge's output.
type Result struct {
	// Schema is the snapshot schema of Closed and Inserts: the current
	// batches' schema, or on the first run the source columns followed by
	// scd_id, updated_at, valid_from, valid_to (and is_deleted with
	// new_record).
	Schema *arrow.Schema
	// Meta holds the meta column names in use (defaults filled in).
	Meta MetaNames
	// Closes lists the versions to close, in (Batch, Row) order.
	Closes []Close
	// Closed holds the closed versions as they must be stored, row i for
	// Closes[i].
	Closed arrow.RecordBatch
	// Inserts holds the new rows: new and changed keys' versions in source
	// order, then deletion records in snapshot order.
	Inserts arrow.RecordBatch
	// Stats counts the run.
	Stats Stats
}

// Release releases the result's batches.
func (r *Result) Release() {
	for _, b := range []arrow.RecordBatch{r.Closed, r.Inserts} {
		if b != nil {
			b.Release()
		}
	}
	r.Closed, r.Inserts = nil, nil
}
