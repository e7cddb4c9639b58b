package main

import (
	"context"
	"encoding/json"
	"io"
	"time"

	"github.com/magnumopus/opus/lakehouse"
	"github.com/magnumopus/opus/lakehouse/medallion"
	"github.com/magnumopus/opus/tlc"
)

const buildSynopsis = "build -month YYYY-MM [-kinds yellow,green] [-dimensions] [-zones FILE] [-now TIME] [common flags]"

// buildReport is the JSON object build prints.
type buildReport struct {
	Month          string                     `json:"month"`
	Reconciliation []medallion.Reconciliation `json:"reconciliation"`
	Balanced       bool                       `json:"balanced"`
	Gold           map[string]int64           `json:"gold_rows"`
	Dimensions     []string                   `json:"dimensions_committed,omitempty"`
}

// runBuild implements "lakehouse build": silver then gold for one month,
// from the bronze files of that month (medallion.Build), after snapshotting
// the dimensions when -dimensions is set. Gold boroughs come from
// dims.taxi_zones as of the month's start, when that table exists.
func runBuild(ctx context.Context, args []string, stdout, stderr io.Writer) (err error) {
	fs, common := newFlagSet("build", buildSynopsis, stderr)
	monthFlag := fs.String("month", "", "pickup `month` to build, YYYY-MM (required)")
	kindsFlag := fs.String("kinds", "yellow,green", "comma-separated trip `kinds` to build into silver")
	dims := fs.Bool("dimensions", false, "first snapshot the dimensions: the data dictionary editions and the zone lookup (-zones, else the synthetic 2023 and 2024 lookups)")
	zonesFlag := fs.String("zones", "", "taxi zone lookup CSV `file` for -dimensions, applied as of -now")
	nowFlag := fs.String("now", "", "build `time` recorded in the reconciliation table and used as the zone snapshot time (default: now)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	if *monthFlag == "" {
		return usagef("-month is required")
	}
	month, err := tlc.ParseMonth(*monthFlag)
	if err != nil {
		return usagef("-month: %v", err)
	}
	var kinds []tlc.Kind
	for _, k := range splitList(*kindsFlag) {
		kind, err := tlc.ParseKind(k)
		if err != nil {
			return usagef("-kinds: %v", err)
		}
		kinds = append(kinds, kind)
	}
	if *zonesFlag != "" && !*dims {
		return usagef("-zones needs -dimensions")
	}
	now := time.Now().UTC()
	if *nowFlag != "" {
		if now, err = parseTime(*nowFlag); err != nil {
			return usagef("-now: %v", err)
		}
	}
	w, err := common.open(ctx)
	if err != nil {
		return err
	}
	defer closeWarehouse(w, &err)

	rep := buildReport{Month: month.String(), Balanced: true}
	if *dims {
		if rep.Dimensions, err = snapshotDimensions(ctx, w, *zonesFlag, now); err != nil {
			return err
		}
	}
	zones, err := medallion.ZonesAsOf(ctx, w, "", month.Start())
	if err != nil {
		return err
	}
	res, buildErr := medallion.Build(ctx, w, medallion.BuildOptions{Month: month, Kinds: kinds, Zones: zones, Now: now})
	for _, k := range kinds {
		for _, r := range res.Silver[k].Files {
			if r.BronzeRows > 0 || r.SilverRows > 0 || r.QuarantinedRows > 0 {
				rep.Reconciliation = append(rep.Reconciliation, r)
				rep.Balanced = rep.Balanced && r.Balanced()
			}
		}
	}
	rep.Gold = res.Gold.Rows
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(rep); err != nil {
		return err
	}
	return buildErr // an unbalanced file is in the report above
}

// snapshotDimensions applies the data dictionary editions and a zone
// lookup to the dimension tables and returns the tables a run changed.
func snapshotDimensions(ctx context.Context, w *lakehouse.Warehouse, zonesFile string, now time.Time) ([]string, error) {
	var changed []string
	for _, e := range tlc.DictionaryEditions() {
		runs, err := medallion.SnapshotDictionary(ctx, w, "", e)
		if err != nil {
			return nil, err
		}
		for name, r := range runs {
			if r.Committed {
				changed = append(changed, name+"@"+e.String())
			}
		}
	}
	type lookup struct {
		zones *tlc.Zones
		at    time.Time
	}
	var lookups []lookup
	if zonesFile != "" {
		z, err := tlc.LoadZonesFile(zonesFile)
		if err != nil {
			return nil, err
		}
		lookups = append(lookups, lookup{z, now})
	} else {
		for _, edition := range []int{2023, 2024} {
			z, err := tlc.SyntheticZones(edition)
			if err != nil {
				return nil, err
			}
			lookups = append(lookups, lookup{z, time.Date(edition, 1, 1, 0, 0, 0, 0, time.UTC)})
		}
	}
	for _, l := range lookups {
		r, err := medallion.SnapshotZones(ctx, w, "", l.zones, l.at)
		if err != nil {
			return nil, err
		}
		if r.Committed {
			changed = append(changed, medallion.DimensionTable("", medallion.ZonesDimension)+"@"+l.at.Format(time.DateOnly))
		}
	}
	return changed, nil
}
