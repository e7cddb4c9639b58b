package main

import (
	"context"
	"fmt"
	"io"
	"maps"
	"path/filepath"
	"slices"
	"time"

	"github.com/magnumopus/opus/lakehouse"
	"github.com/magnumopus/opus/lakehouse/medallion"
	"github.com/magnumopus/opus/tlc"
)

// lakehouseReport is what the lakehouse stage did: files landed and
// ingested into bronze, dimension snapshots, the silver reconciliation per
// file and the gold rows per table.
type lakehouseReport struct {
	Warehouse  string                     `json:"warehouse"`
	Catalog    string                     `json:"catalog"`
	Landed     []lakehouse.LandedFile     `json:"landed"`
	Bronze     []medallion.BronzeResult   `json:"bronze"`
	Dimensions map[string]dimensionReport `json:"dimensions"`
	Months     []monthReport              `json:"months"`
}

type dimensionReport struct {
	Versions int64 `json:"versions"`
	Current  int64 `json:"current"`
}

type monthReport struct {
	Month          string                     `json:"month"`
	Reconciliation []medallion.Reconciliation `json:"reconciliation"`
	Balanced       bool                       `json:"balanced"`
	Gold           map[string]int64           `json:"gold_rows"`
}

// runLakehouse lands files, ingests them into bronze, snapshots the
// dimensions and builds silver and gold for every month the files name.
func runLakehouse(ctx context.Context, c config, files []string, stderr io.Writer) (lakehouseReport, error) {
	rep := lakehouseReport{Warehouse: c.lake.Warehouse, Catalog: c.catalogLabel(), Dimensions: map[string]dimensionReport{}}
	w, err := lakehouse.Open(ctx, c.lake)
	if err != nil {
		return rep, err
	}
	defer w.Close()
	rep.Warehouse = w.Location()
	landing, err := lakehouse.NewLanding(ctx, c.lake)
	if err != nil {
		return rep, err
	}
	months := map[tlc.Month]bool{}
	for _, f := range files {
		start := time.Now()
		lf, err := landing.Put(ctx, f)
		if err != nil {
			return rep, err
		}
		rep.Landed = append(rep.Landed, lf)
		br, err := medallion.IngestBronze(ctx, w, f, medallion.BronzeOptions{})
		if err != nil {
			return rep, err
		}
		rep.Bronze = append(rep.Bronze, br)
		fmt.Fprintf(stderr, "landed %s and ingested %d rows into %s in %s\n", lf.Key, br.Rows, br.Table,
			time.Since(start).Round(time.Millisecond))
		if m, ok := fileMonth(f); ok {
			months[m] = true
		}
	}
	if err := snapshotDimensions(ctx, w, c, &rep); err != nil {
		return rep, err
	}
	for _, m := range slices.SortedFunc(maps.Keys(months), func(a, b tlc.Month) int { return a.Compare(b) }) {
		start := time.Now()
		zones, err := medallion.ZonesAsOf(ctx, w, "", m.Start()) // the month's boroughs
		if err != nil {
			return rep, err
		}
		res, err := medallion.Build(ctx, w, medallion.BuildOptions{Month: m, Zones: zones})
		if err != nil {
			return rep, err
		}
		mr := monthReport{Month: m.String(), Balanced: true, Gold: res.Gold.Rows}
		for _, k := range medallion.SilverKinds {
			for _, r := range res.Silver[k].Files {
				if r.BronzeRows == 0 {
					continue // a file name variant that was not ingested
				}
				mr.Reconciliation = append(mr.Reconciliation, r)
				mr.Balanced = mr.Balanced && r.Balanced()
			}
		}
		rep.Months = append(rep.Months, mr)
		fmt.Fprintf(stderr, "built silver and gold for %s in %s\n", m, time.Since(start).Round(time.Millisecond))
	}
	return rep, nil
}

// snapshotDimensions records the data dictionary editions and the zone
// lookups as SCD2 dimensions. Offline, the zones are the synthetic 2023
// and 2024 editions (they differ at 264 and 265 as the real lookups do);
// with -zones the given lookup is applied as of the run.
func snapshotDimensions(ctx context.Context, w *lakehouse.Warehouse, c config, rep *lakehouseReport) error {
	for _, e := range tlc.DictionaryEditions() {
		if _, err := medallion.SnapshotDictionary(ctx, w, "", e); err != nil {
			return err
		}
	}
	if c.zones == "" {
		for _, edition := range []int{2023, 2024} {
			z, err := tlc.SyntheticZones(edition)
			if err != nil {
				return err
			}
			if _, err := medallion.SnapshotZones(ctx, w, "", z, time.Date(edition, 1, 1, 0, 0, 0, 0, time.UTC)); err != nil {
				return err
			}
		}
	} else {
		z, err := tlc.LoadZonesFile(c.zones)
		if err != nil {
			return err
		}
		if _, err := medallion.SnapshotZones(ctx, w, "", z, time.Now().UTC()); err != nil {
			return err
		}
	}
	tables := []string{medallion.ZonesDimension}
	for _, t := range tlc.CodeTables() {
		tables = append(tables, medallion.CodeDimension(t))
	}
	for _, t := range tables {
		name := medallion.DimensionTable("", t)
		all, err := w.Count(ctx, name, lakehouse.ScanOptions{})
		if err != nil {
			return err
		}
		cur, err := w.Count(ctx, name, lakehouse.ScanOptions{Filter: lakehouse.IsNull("dbt_valid_to")})
		if err != nil {
			return err
		}
		rep.Dimensions[name] = dimensionReport{Versions: all, Current: cur}
	}
	return nil
}

// fileMonth is the month a TLC file name names.
func fileMonth(path string) (tlc.Month, bool) {
	base := filepath.Base(path)
	for i := 0; i+7 <= len(base); i++ {
		if m, err := tlc.ParseMonth(base[i : i+7]); err == nil && (i+7 == len(base) || base[i+7] == '.') {
			return m, true
		}
	}
	return tlc.Month{}, false
}

func printLakehouse(w io.Writer, r lakehouseReport) {
	fmt.Fprintf(w, "\nlakehouse %s (catalog %s)\n", r.Warehouse, r.Catalog)
	for _, b := range r.Bronze {
		fmt.Fprintf(w, "  bronze  %-40s %9d rows from %s (snapshot %d)\n", b.Table, b.Rows, b.SourceFile, b.Snapshot.ID)
	}
	for _, name := range slices.Sorted(maps.Keys(r.Dimensions)) {
		d := r.Dimensions[name]
		fmt.Fprintf(w, "  scd2    %-40s %9d versions, %d current\n", name, d.Versions, d.Current)
	}
	for _, m := range r.Months {
		for _, x := range m.Reconciliation {
			fmt.Fprintf(w, "  silver  %-40s bronze %d = silver %d + quarantine %d + duplicates %d (%s)\n",
				x.SourceFile, x.BronzeRows, x.SilverRows, x.QuarantinedRows, x.DuplicateRows, balancedWord(x.Balanced()))
		}
		for _, name := range slices.Sorted(maps.Keys(m.Gold)) {
			fmt.Fprintf(w, "  gold    %-40s %9d rows for %s\n", name, m.Gold[name], m.Month)
		}
	}
}

func balancedWord(ok bool) string {
	if ok {
		return "balanced"
	}
	return "NOT balanced"
}
