package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/iceberg-go"

	"github.com/magnumopus/opus/lakehouse"
	"github.com/magnumopus/opus/lakehouse/snapshot"
)

const snapshotSynopsis = "snapshot -source FILE.csv|.parquet -table NAME -unique-key K[,K2] -strategy check|timestamp " +
	"[-check-cols a,b|all] [-updated-at COL] [-hard-deletes ignore|invalidate|new_record] [-now 'YYYY-MM-DD HH:MM:SS'] [common flags]"

// uniqueKeyProperty is the table property in which snapshot records the
// unique key ("a,b"), for query to sort by.
const uniqueKeyProperty = "opus.snapshot.unique-key"

// snapshotSummary is the JSON line snapshot prints.
type snapshotSummary struct {
	Table      string `json:"table"`
	Created    bool   `json:"created"`
	Committed  bool   `json:"committed"`
	SnapshotID int64  `json:"snapshot_id"`
	Now        string `json:"now"`

	SourceRows  int `json:"source_rows"`
	CurrentRows int `json:"current_rows"`
	New         int `json:"new"`
	Changed     int `json:"changed"`
	Revived     int `json:"revived"`
	Unchanged   int `json:"unchanged"`
	Deleted     int `json:"deleted"`
	Ignored     int `json:"ignored"`
	Closed      int `json:"closed"`
	Inserted    int `json:"inserted"`
}

// runSnapshot implements "lakehouse snapshot": one dbt snapshot run (SCD
// type 2, see package lakehouse/snapshot) of a CSV or Parquet source file
// into an Iceberg table, in one atomic commit, with lakehouse's
// RunSnapshot.
func runSnapshot(ctx context.Context, args []string, stdout, stderr io.Writer) (err error) {
	fs, common := newFlagSet("snapshot", snapshotSynopsis, stderr)
	source := fs.String("source", "", "source `file`: .csv or .csv.gz (with a header line) or .parquet (required)")
	name := fs.String("table", "", "snapshot table `namespace.table`, created on the first run (required)")
	key := fs.String("unique-key", "", "unique key `columns`, comma-separated (required)")
	strategy := fs.String("strategy", "", "change detection `strategy`: check or timestamp (required)")
	checkCols := fs.String("check-cols", "", "check strategy: `columns` compared, comma-separated, or all (default all)")
	updatedAt := fs.String("updated-at", "", "source timestamp `column` (required by the timestamp strategy; with check it replaces the run time as valid-from)")
	hardDeletes := fs.String("hard-deletes", snapshot.HardDeletesIgnore, "what to do with keys gone from the source (`mode`): ignore, invalidate or new_record")
	nowFlag := fs.String("now", "", "run `time`, a UTC wall clock 'YYYY-MM-DD HH:MM:SS[.ffffff]' or RFC 3339 (default: the current time)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	cfg, err := snapshotConfig(*name, *key, *strategy, *checkCols, *updatedAt, *hardDeletes)
	if err != nil {
		return err
	}
	if err := checkSource(*source); err != nil {
		return err
	}
	now := time.Now().UTC()
	if *nowFlag != "" {
		if now, err = parseTime(*nowFlag); err != nil {
			return usagef("-now: %v", err)
		}
	}
	now = now.Truncate(time.Microsecond)

	w, err := common.open(ctx)
	if err != nil {
		return err
	}
	defer closeWarehouse(w, &err)
	ns, _, _ := strings.Cut(*name, ".")
	if err := w.CreateNamespace(ctx, ns); err != nil {
		return err
	}
	types, err := sourceTypes(ctx, w, *name)
	if err != nil {
		return err
	}
	batches, err := readSource(ctx, *source, types)
	if err != nil {
		return err
	}
	defer func() {
		for _, b := range batches {
			b.Release()
		}
	}()
	run, err := w.RunSnapshot(ctx, *name, cfg, batches, now)
	if err != nil {
		return fmt.Errorf("source %s: %w", *source, err)
	}
	if err := recordUniqueKey(ctx, w, *name, cfg.UniqueKey); err != nil {
		// The run is committed; only query's default sort order suffers.
		fmt.Fprintf(stderr, "lakehouse snapshot: warning: %s: cannot record the unique key: %v\n", *name, err)
	}
	st := run.Stats
	return json.NewEncoder(stdout).Encode(snapshotSummary{
		Table: run.Table, Created: run.Created, Committed: run.Committed, SnapshotID: run.Snapshot.ID,
		Now:        snapshot.PostgresTimestamp(now),
		SourceRows: st.SourceRows, CurrentRows: st.CurrentRows, New: st.New, Changed: st.Changed,
		Revived: st.Revived, Unchanged: st.Unchanged, Deleted: st.Deleted, Ignored: st.Ignored,
		Closed: st.Closed, Inserted: st.Inserted,
	})
}

// snapshotConfig validates the snapshot flags and builds the configuration;
// every error is a usage error naming its flag.
func snapshotConfig(name, key, strategy, checkCols, updatedAt, hardDeletes string) (snapshot.Config, error) {
	cfg := snapshot.Config{Table: name, UpdatedAt: updatedAt, HardDeletes: hardDeletes}
	if err := checkTable(name); err != nil {
		return cfg, err
	}
	cfg.UniqueKey = splitList(key)
	if len(cfg.UniqueKey) == 0 {
		return cfg, usagef("-unique-key is required")
	}
	seen := map[string]bool{}
	for _, k := range cfg.UniqueKey {
		if seen[k] {
			return cfg, usagef("-unique-key %q names column %q twice", key, k)
		}
		seen[k] = true
	}
	switch strategy {
	case "":
		return cfg, usagef("-strategy is required (check or timestamp)")
	case snapshot.StrategyCheck:
		cfg.CheckCols = splitList(checkCols)
		if len(cfg.CheckCols) > 1 && strings.Contains(","+checkCols+",", ",all,") {
			return cfg, usagef("-check-cols %q: all stands alone", checkCols)
		}
	case snapshot.StrategyTimestamp:
		if updatedAt == "" {
			return cfg, usagef("-strategy timestamp requires -updated-at COLUMN")
		}
		if checkCols != "" {
			return cfg, usagef("-check-cols is only valid with -strategy check")
		}
	default:
		return cfg, usagef("-strategy %q: want check or timestamp", strategy)
	}
	cfg.Strategy = strategy
	switch hardDeletes {
	case snapshot.HardDeletesIgnore, snapshot.HardDeletesInvalidate, snapshot.HardDeletesNewRecord:
	default:
		return cfg, usagef("-hard-deletes %q: want ignore, invalidate or new_record", hardDeletes)
	}
	return cfg, nil
}

// checkSource validates the -source flag: an existing file of a known
// format.
func checkSource(path string) error {
	if path == "" {
		return usagef("-source is required")
	}
	if _, ok := sourceFormat(path); !ok {
		return usagef("-source %s: want a .csv, .csv.gz or .parquet file", path)
	}
	st, err := os.Stat(path)
	if err != nil {
		return usagef("-source: %v", err) // *PathError names the file
	}
	if st.IsDir() {
		return usagef("-source %s is a directory", path)
	}
	return nil
}

// sourceTypes returns the types of the non-meta columns of the snapshot
// table name, or nil when it does not exist yet.
func sourceTypes(ctx context.Context, w *lakehouse.Warehouse, name string) (map[string]arrow.DataType, error) {
	ok, err := w.TableExists(ctx, name)
	if err != nil || !ok {
		return nil, err
	}
	sc, err := w.Schema(ctx, name)
	if err != nil {
		return nil, err
	}
	meta := metaColumns()
	types := map[string]arrow.DataType{}
	for _, f := range sc.Fields() {
		if !meta[f.Name] {
			types[f.Name] = f.Type
		}
	}
	return types, nil
}

// metaColumns returns the set of dbt's snapshot meta column names.
func metaColumns() map[string]bool {
	m := snapshot.DefaultMetaNames()
	return map[string]bool{m.ScdID: true, m.UpdatedAt: true, m.ValidFrom: true, m.ValidTo: true, m.IsDeleted: true}
}

// recordUniqueKey stores the unique key in the table property
// uniqueKeyProperty (a metadata-only commit, made only when it changes).
func recordUniqueKey(ctx context.Context, w *lakehouse.Warehouse, name string, key []string) error {
	tbl, err := w.Table(ctx, name)
	if err != nil {
		return err
	}
	want := strings.Join(key, ",")
	if tbl.Properties()[uniqueKeyProperty] == want {
		return nil
	}
	txn := tbl.NewTransaction()
	if err := txn.SetProperties(iceberg.Properties{uniqueKeyProperty: want}); err != nil {
		return err
	}
	_, err = txn.Commit(ctx)
	return err
}
