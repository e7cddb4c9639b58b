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
// unless a run at a later time already changed the dimension:
// dbt would then close that newer version at an earlier time and revive the
// older values, writing history backwards. Such a run is skipped: it
// commits nothing and its Stats are zero.
func applyDimension(ctx context.Context, w *lakehouse.Warehouse, name, key string, rec arrow.RecordBatch, at time.Time) (lakehouse.SnapshotRun, error) {
	latest, ok, err := latestRun(ctx, w, name)
	if err != nil {
		return lakehouse.SnapshotRun{Table: name}, err
	}
	if ok && at.Before(latest) {
		cur, err := w.Current(ctx, name)
		return lakehouse.SnapshotRun{Table: name, Snapshot: cur}, err
	}
	return w.RunSnapshot(ctx, name, dimensionConfig(key), []arrow.RecordBatch{rec}, at)
}

// latestRun returns the newest time a run of dimension name recorded, in
// dbt_valid_from, dbt_valid_to or dbt_updated_at (a run that only deleted
// keys leaves its time in dbt_valid_to alone), as a UTC time; false when
// the table does not exist or holds no time.
func latestRun(ctx context.Context, w *lakehouse.Warehouse, name string) (time.Time, bool, error) {
	exists, err := w.TableExists(ctx, name)
	if err != nil || !exists {
		return time.Time{}, false, err
	}
	meta := snapshot.DefaultMetaNames()
	cols := []string{meta.ValidFrom, meta.ValidTo, meta.UpdatedAt}
	rdr, err := w.Scan(ctx, name, lakehouse.ScanOptions{Columns: cols})
	if err != nil {
		return time.Time{}, false, err
	}
	defer rdr.Release()
	var latest arrow.Timestamp
	found := false
	for rdr.Next() {
		rec := rdr.RecordBatch()
		for c := range int(rec.NumCols()) {
			ts, ok := rec.Column(c).(*array.Timestamp)
			if !ok {
				return time.Time{}, false, fmt.Errorf("medallion: %s: %s is not a timestamp", name, rec.Schema().Field(c).Name)
			}
			for i := range ts.Len() {
				if ts.IsValid(i) && (!found || ts.Value(i) > latest) {
					latest, found = ts.Value(i), true
				}
			}
		}
	}
	if err := rdr.Err(); err != nil {
		return time.Time{}, false, err
	}
	return latest.ToTime(arrow.Microsecond), found, nil
}

// CurrentZones reads the current versions of the taxi zone dimension in
// namespace ns as a lookup table. It returns nil, and no error, when the
// dimension does not exist yet.
func CurrentZones(ctx context.Context, w *lakehouse.Warehouse, ns string) (*tlc.Zones, error) {
	return readZones(ctx, w, ns, nil)
}

// ZonesAsOf reads the taxi zone dimension in namespace ns as the lookup
// table in force at t: each zone's version valid at t (dbt_valid_from <= t
// < dbt_valid_to), or, for a zone first recorded after t, its earliest
// version (the oldest lookup known stands in for the months before it). A
// zone deleted before t is left out. The gold marts of a month use the
// lookup as of the month's start, so rebuilding an old month keeps that
// month's boroughs. It returns nil, and no error, when the dimension does
// not exist yet.
func ZonesAsOf(ctx context.Context, w *lakehouse.Warehouse, ns string, t time.Time) (*tlc.Zones, error) {
	return readZones(ctx, w, ns, &t)
}

// readZones reads the zone dimension's current versions (asOf nil) or the
// versions in force at *asOf.
func readZones(ctx context.Context, w *lakehouse.Warehouse, ns string, asOf *time.Time) (*tlc.Zones, error) {
	name := DimensionTable(ns, ZonesDimension)
	ok, err := w.TableExists(ctx, name)
	if err != nil || !ok {
		return nil, err
	}
	meta := snapshot.DefaultMetaNames()
	opts := lakehouse.ScanOptions{Columns: []string{"location_id", "borough", "zone", "service_zone", meta.ValidFrom, meta.ValidTo}}
	if asOf == nil {
		opts.Filter = lakehouse.IsNull(meta.ValidTo)
	}
	rdr, err := w.Scan(ctx, name, opts)
	if err != nil {
		return nil, err
	}
	defer rdr.Release()
	type version struct {
		zone     tlc.Zone
		from, to int64
		open     bool // no valid_to
	}
	chosen := map[int32]version{}
	past := map[int32]bool{} // the key has a version from before t
	var at int64
	if asOf != nil {
		at = asOf.UTC().UnixMicro()
	}
	for rdr.Next() {
		rec := rdr.RecordBatch()
		id, ok := rec.Column(0).(*array.Int32)
		from, ok2 := rec.Column(4).(*array.Timestamp)
		to, ok3 := rec.Column(5).(*array.Timestamp)
		if !ok || !ok2 || !ok3 {
			return nil, fmt.Errorf("medallion: %s: unexpected column types %s", name, rec.Schema())
		}
		str := func(c, i int) string {
			if rec.Column(c).IsNull(i) {
				return ""
			}
			return rec.Column(c).ValueStr(i)
		}
		for i := range id.Len() {
			v := version{zone: tlc.Zone{LocationID: id.Value(i), Borough: str(1, i), Zone: str(2, i), ServiceZone: str(3, i)},
				from: int64(from.Value(i)), to: int64(to.Value(i)), open: to.IsNull(i)}
			old, seen := chosen[v.zone.LocationID]
			if v.from <= at {
				past[v.zone.LocationID] = true
			}
			switch {
			case asOf == nil:
				chosen[v.zone.LocationID] = v
			case v.from <= at && (v.open || at < v.to):
				chosen[v.zone.LocationID] = v // in force at t
			case seen && old.from <= at && (old.open || at < old.to):
				// keep the version in force
			case v.from > at && (!seen || (old.from > at && v.from < old.from)):
				chosen[v.zone.LocationID] = v // earliest version after t, so far
			}
		}
	}
	if err := rdr.Err(); err != nil {
		return nil, fmt.Errorf("medallion: read %s: %w", name, err)
	}
	zs := make([]tlc.Zone, 0, len(chosen))
	for id, v := range chosen {
		if asOf != nil && v.from > at && past[id] {
			continue // deleted before t, back only later
		}
		zs = append(zs, v.zone)
	}
	z, err := tlc.NewZones(zs)
	if err != nil {
		return nil, fmt.Errorf("medallion: %s: %w", name, err)
	}
	return z, nil
}
