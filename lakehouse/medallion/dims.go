package medallion

import (
	"context"
	"fmt"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/magnumopus/opus/lakehouse"
	"github.com/magnumopus/opus/lakehouse/snapshot"
	"github.com/magnumopus/opus/tlc"
)

// DefaultDimensionNamespace is the namespace of the dimension snapshots
// when none is given.
const DefaultDimensionNamespace = "dims"

// ZonesDimension is the table name of the taxi zone snapshot.
const ZonesDimension = "taxi_zones"

// DimensionTable returns the full name of dimension table t in namespace
// ns ("" meaning DefaultDimensionNamespace). Code tables are named after
// their tlc.CodeTable ("vendor" becomes "vendors", and so on; see
// CodeDimension).
func DimensionTable(ns, t string) string { return orDefault(ns, DefaultDimensionNamespace) + "." + t }

// CodeDimension returns the table name of code table t's snapshot.
func CodeDimension(t tlc.CodeTable) string { return string(t) + "s" }

// dimensionConfig is every dimension's snapshot configuration: dbt's check
// strategy on all columns, so a renamed zone or a re-worded code is a new
// version, and hard deletes invalidate, so a code the dictionary drops
// stops being current.
func dimensionConfig(key string) snapshot.Config {
	return snapshot.Config{UniqueKey: []string{key}, Strategy: snapshot.StrategyCheck,
		CheckCols: []string{snapshot.CheckAll}, HardDeletes: snapshot.HardDeletesInvalidate}
}

// SnapshotZones records zones in the taxi zone dimension (SCD type 2,
// keyed on location_id) as of asOf, the date the lookup was published or
// fetched: a zone whose borough, name or service zone changed gets a new
// version valid from asOf. Re-applying the current lookup changes nothing,
// and a lookup older than the dimension's newest version is skipped (see
// applyDimension), so lookups can be applied again in any order.
func SnapshotZones(ctx context.Context, w *lakehouse.Warehouse, ns string, zones *tlc.Zones, asOf time.Time) (lakehouse.SnapshotRun, error) {
	if zones == nil || zones.Len() == 0 {
		return lakehouse.SnapshotRun{}, fmt.Errorf("medallion: zone snapshot: no zones")
	}
	rec := tlc.ZonesRecordBatch(memory.DefaultAllocator, zones)
	defer rec.Release()
	name := DimensionTable(ns, ZonesDimension)
	run, err := applyDimension(ctx, w, name, "location_id", rec, asOf.UTC())
	if err != nil {
		return run, fmt.Errorf("medallion: zone snapshot: %w", err)
	}
	return run, nil
}

// SnapshotDictionary records every code table of edition e of the TLC
// data dictionaries (vendors, rate codes, payment types, trip types) in its
// dimension (SCD type 2, keyed on code) as of the edition's publication
// date. An edition older than a dimension's newest version is skipped
// there, so applying every edition again, in any order, changes nothing.
// The runs are returned by table name.
func SnapshotDictionary(ctx context.Context, w *lakehouse.Warehouse, ns string, e tlc.DictionaryEdition) (map[string]lakehouse.SnapshotRun, error) {
	at, err := e.Published()
	if err != nil {
		return nil, fmt.Errorf("medallion: dictionary snapshot: %w", err)
	}
	runs := map[string]lakehouse.SnapshotRun{}
	for _, t := range tlc.CodeTables() {
		codes, err := tlc.Codes(t, e)
		if err != nil {
			return runs, fmt.Errorf("medallion: dictionary snapshot: %w", err)
		}
		rec := tlc.CodesRecordBatch(memory.DefaultAllocator, codes)
		name := DimensionTable(ns, CodeDimension(t))
		run, err := applyDimension(ctx, w, name, "code", rec, at.UTC())
		rec.Release()
		if err != nil {
			return runs, fmt.Errorf("medallion: dictionary %s snapshot: %w", e, err)
		}
		runs[name] = run
	}
	return runs, nil
}

// applyDimension runs one snapshot of rec into dimension name at time at,
// unless the dimension already holds a version valid from a later time:
// dbt would then close that newer version at an earlier time and revive the
// older values, writing history backwards. Such a run is skipped: it
// commits nothing and its Stats are zero.
func applyDimension(ctx context.Context, w *lakehouse.Warehouse, name, key string, rec arrow.RecordBatch, at time.Time) (lakehouse.SnapshotRun, error) {
	latest, ok, err := latestValidFrom(ctx, w, name)
	if err != nil {
		return lakehouse.SnapshotRun{Table: name}, err
	}
	if ok && at.Before(latest) {
		cur, err := w.Current(ctx, name)
		return lakehouse.SnapshotRun{Table: name, Snapshot: cur}, err
	}
	return w.RunSnapshot(ctx, name, dimensionConfig(key), []arrow.RecordBatch{rec}, at)
}

// latestValidFrom returns the newest dbt_valid_from of dimension name, as
// a UTC time; false when the table does not exist or is empty.
func latestValidFrom(ctx context.Context, w *lakehouse.Warehouse, name string) (time.Time, bool, error) {
	exists, err := w.TableExists(ctx, name)
	if err != nil || !exists {
		return time.Time{}, false, err
	}
	meta := snapshot.DefaultMetaNames()
	rdr, err := w.Scan(ctx, name, lakehouse.ScanOptions{Columns: []string{meta.ValidFrom}})
	if err != nil {
		return time.Time{}, false, err
	}
	defer rdr.Release()
	var latest arrow.Timestamp
	found := false
	for rdr.Next() {
		from, ok := rdr.RecordBatch().Column(0).(*array.Timestamp)
		if !ok {
			return time.Time{}, false, fmt.Errorf("medallion: %s: %s is not a timestamp", name, meta.ValidFrom)
		}
		for i := range from.Len() {
			if from.IsValid(i) && (!found || from.Value(i) > latest) {
				latest, found = from.Value(i), true
			}
		}
	}
	if err := rdr.Err(); err != nil {
		return time.Time{}, false, err
	}
	return latest.ToTime(arrow.Microsecond), found, nil
}

// CurrentZones reads the current versions of the taxi zone dimension in
// namespace ns as a lookup table, for the gold marts' boroughs. It returns
// nil, and no error, when the dimension does not exist yet.
func CurrentZones(ctx context.Context, w *lakehouse.Warehouse, ns string) (*tlc.Zones, error) {
	name := DimensionTable(ns, ZonesDimension)
	ok, err := w.TableExists(ctx, name)
	if err != nil || !ok {
		return nil, err
	}
	rdr, err := w.Scan(ctx, name, lakehouse.ScanOptions{Filter: lakehouse.IsNull("dbt_valid_to"),
		Columns: []string{"location_id", "borough", "zone", "service_zone"}})
	if err != nil {
		return nil, err
	}
	defer rdr.Release()
	var zs []tlc.Zone
	for rdr.Next() {
		rec := rdr.RecordBatch()
		id, ok := rec.Column(0).(*array.Int32)
		if !ok {
			return nil, fmt.Errorf("medallion: %s: location_id is %s, want int32", name, rec.Column(0).DataType())
		}
		str := func(c, i int) string { return rec.Column(c).ValueStr(i) }
		for i := range id.Len() {
			zs = append(zs, tlc.Zone{LocationID: id.Value(i), Borough: str(1, i), Zone: str(2, i), ServiceZone: str(3, i)})
		}
	}
	if err := rdr.Err(); err != nil {
		return nil, fmt.Errorf("medallion: read %s: %w", name, err)
	}
	z, err := tlc.NewZones(zs)
	if err != nil {
		return nil, fmt.Errorf("medallion: %s: %w", name, err)
	}
	return z, nil
}
