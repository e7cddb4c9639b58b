package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/magnumopus/opus/tlc"
)

// runGenerate implements "tlc generate": it writes synthetic trips of one
// kind and month, in the physical layout of that month's real files (or
// -layout), as Parquet or CSV by the extension of -out, and prints a
// one-line summary with the injected defects.
func runGenerate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("generate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	kind := fs.String("kind", "yellow", "trip kind: yellow, green, fhv or fhvhv")
	var month tlc.Month
	fs.TextVar(&month, "month", tlc.Month{Year: 2024, Month: time.January}, "month of the trips, YYYY-MM")
	rows := fs.Int("rows", 100_000, "number of trips")
	out := fs.String("out", "", "output file, .parquet or .csv (required)")
	seed := fs.Uint64("seed", 1, "random seed: the same seed gives the same file")
	defects := fs.Float64("defects", 0, "share of rows with one injected defect, 0 to 1")
	layout := fs.String("layout", "", "physical layout, e.g. yellow-2011 (default: the month's)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("generate: unexpected arguments %q", fs.Args())
	}
	if *out == "" {
		return fmt.Errorf("generate: -out FILE is required")
	}
	k, err := tlc.ParseKind(*kind)
	if err != nil {
		return fmt.Errorf("generate: %w", err)
	}
	cfg := tlc.GenerateConfig{Kind: k, Year: month.Year, Month: int(month.Month), Rows: *rows,
		Seed: *seed, DefectRate: *defects, Layout: *layout}
	if cfg.Layout == "" {
		l, err := tlc.LayoutFor(k, month.Year, int(month.Month))
		if err != nil {
			return fmt.Errorf("generate: %w", err)
		}
		cfg.Layout = l.Name
	}
	start := time.Now()
	st, err := tlc.GenerateFile(ctx, cfg, *out)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: %d %s trips of %s, layout %s, seed %d, %d defects%s (%.1fs)\n",
		*out, st.Rows, k, month, cfg.Layout, *seed, st.DefectRows(), defectList(st),
		time.Since(start).Seconds())
	return nil
}

// defectList formats the defect counts as " (null 3, duplicate 1)", in
// the order of tlc.AllDefects.
func defectList(st tlc.GenerateStats) string {
	var parts []string
	for _, d := range tlc.AllDefects() {
		if n := st.Defects[d]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", d, n))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, ", ") + ")"
}
