package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"

	"github.com/magnumopus/opus/tlc"
)

// runInspect prints one JSON object per file: file, kind, rows, columns
// (canonical), source_columns (as found), problems, min_pickup, max_pickup,
// plus missing/extra columns, null counts and distribution figures. A file
// that cannot be read stops the run with an error naming it, after the
// summaries of the files before it.
func runInspect(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("inspect", flag.ContinueOnError)
	fs.SetOutput(stderr)
	batch := fs.Int("batch", tlc.DefaultBatchSize, "rows per batch")
	kind := fs.String("kind", "", "force the trip kind (default: detect)")
	stats := fs.Bool("stats", true, "include distribution figures")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return fmt.Errorf("inspect: no files given")
	}
	opts := tlc.ReadOptions{BatchSize: *batch}
	if *kind != "" {
		k, err := tlc.ParseKind(*kind)
		if err != nil {
			return err
		}
		opts.Kind = k
	}
	enc := json.NewEncoder(stdout)
	for _, path := range fs.Args() {
		s, err := tlc.Inspect(ctx, path, opts)
		if err != nil {
			return err
		}
		if !*stats {
			s.Stats = nil
		}
		if err := enc.Encode(s); err != nil {
			return err
		}
	}
	return nil
}
