package main

import (
	"context"
	"encoding/json"
	"io"
	"os"
	"strings"

	"github.com/magnumopus/opus/lakehouse/medallion"
)

const ingestSynopsis = "ingest [-namespace NS] [common flags] FILE..."

// ingestLine is the JSON line ingest prints per file.
type ingestLine struct {
	Table      string `json:"table"`
	SourceFile string `json:"source_file"`
	Rows       int64  `json:"rows"`
	Problems   int64  `json:"problems"`
	SnapshotID int64  `json:"snapshot_id"`
}

// runIngest implements "lakehouse ingest": it loads each TLC trip file
// (Parquet, CSV or CSV.gz, any year's layout) into the bronze table of its
// kind with medallion.IngestBronze, in order, and prints one JSON line per
// file. Re-ingesting a file replaces its rows. A file that fails stops the
// run after the lines of the files before it.
func runIngest(ctx context.Context, args []string, stdout, stderr io.Writer) (err error) {
	fs, common := newFlagSet("ingest", ingestSynopsis, stderr)
	ns := fs.String("namespace", medallion.DefaultBronzeNamespace, "`namespace` of the bronze tables")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *ns == "" || strings.ContainsAny(*ns, ". ") {
		return usagef("-namespace %q: want a non-empty name without dots or spaces", *ns)
	}
	files := fs.Args()
	if len(files) == 0 {
		return usagef("no files given")
	}
	for _, f := range files {
		st, err := os.Stat(f)
		if err != nil {
			return usagef("%v", err) // *PathError names the file
		}
		if st.IsDir() {
			return usagef("%s is a directory, want a TLC trip file", f)
		}
	}
	w, err := common.open(ctx)
	if err != nil {
		return err
	}
	defer closeWarehouse(w, &err)
	enc := json.NewEncoder(stdout)
	for _, f := range files {
		res, err := medallion.IngestBronze(ctx, w, f, medallion.BronzeOptions{Namespace: *ns})
		if err != nil {
			return err
		}
		line := ingestLine{Table: res.Table, SourceFile: res.SourceFile, Rows: res.Rows,
			Problems: res.Problems, SnapshotID: res.Snapshot.ID}
		if err := enc.Encode(line); err != nil {
			return err
		}
	}
	return nil
}
