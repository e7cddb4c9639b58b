package medallion

import (
	"context"
	"fmt"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
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
// version valid from asOf. Apply lookups in the order they were published;
// re-applying the current lookup changes nothing.
func SnapshotZones(ctx context.Context, w *lakehouse.Warehouse, ns string, zones *tlc.Zones, asOf time.Time) (lakehouse.SnapshotRun, error) {
	if zones == nil || zones.Len() == 0 {
		return lakehouse.SnapshotRun{}, fmt.Errorf("medallion: zone snapshot: no zones")
	}
	rec := tlc.ZonesRecordBatch(memory.DefaultAllocator, zones)
	defer rec.Release()
	name := DimensionTable(ns, ZonesDimension)
	run, err := w.RunSnapshot(ctx, name, dimensionConfig("location_id"), []arrow.RecordBatch{rec}, asOf.UTC())
	if err != nil {
		return run, fmt.Errorf("medallion: zone snapshot: %w", err)
	}
	return run, nil
}

// SnapshotDictionary records every code table of edition e of the TLC
// data dictionaries (vendors, rate codes, payment types, trip types) in its
// dimension (SCD type 2, keyed on code) as of the edition's publication
// date. Apply editions oldest first (tlc.DictionaryEditions's order). The
// runs are returned by table name.
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
		run, err := w.RunSnapshot(ctx, name, dimensionConfig("code"), []arrow.RecordBatch{rec}, at.UTC())
		rec.Release()
		if err != nil {
			return runs, fmt.Errorf("medallion: dictionary %s snapshot: %w", e, err)
		}
		runs[name] = run
	}
	return runs, nil
}
