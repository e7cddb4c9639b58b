package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/magnumopus/opus/tlc"
)

// printSummary writes one file's summary as aligned text.
func printSummary(w io.Writer, s tlc.Summary, took time.Duration) {
	fmt.Fprintf(w, "\n== %s\n", s.File)
	fmt.Fprintf(w, "kind %s, %d rows read in %s, pickups %s .. %s\n", s.Kind, s.Rows, took.Round(time.Millisecond), s.MinPickup, s.MaxPickup)
	fmt.Fprintf(w, "source columns: %s\n", strings.Join(s.SourceColumns, ", "))
	if len(s.Missing) > 0 {
		fmt.Fprintf(w, "canonical columns absent from the file (null): %s\n", strings.Join(s.Missing, ", "))
	}
	if len(s.Extra) > 0 {
		fmt.Fprintf(w, "source columns with no canonical home: %s\n", strings.Join(s.Extra, ", "))
	}
	fmt.Fprintf(w, "row-level problems: %d", s.Problems)
	for _, col := range sortedKeys(s.ProblemsBy) {
		fmt.Fprintf(w, " %s=%d", col, s.ProblemsBy[col])
	}
	fmt.Fprintln(w)
	var nulls []string
	for _, col := range s.Columns {
		if n := s.NullCounts[col]; n > 0 && n < s.Rows {
			nulls = append(nulls, fmt.Sprintf("%s=%d", col, n))
		}
	}
	fmt.Fprintf(w, "null counts (partly null columns): %s\n", strings.Join(nulls, " "))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "column\tcount\tmin\tp05\tp25\tmedian\tp75\tp95\tmax\tmean\t")
	for _, st := range s.Stats {
		fmt.Fprintf(tw, "%s\t%d\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\t\n",
			st.Column, st.Count, st.Min, st.P05, st.P25, st.P50, st.P75, st.P95, st.Max, st.Mean)
	}
	tw.Flush()
}

func sortedKeys(m map[string]int64) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// printQuality writes what the quality stage did to one file.
func printQuality(w io.Writer, q qualityReport) {
	fmt.Fprintf(w, "quality: suite %s: %d expectations, %d failed", q.Suite, q.Expectations, len(q.FailedExpectations))
	if len(q.FailedExpectations) > 0 {
		fmt.Fprintf(w, " (%s)", strings.Join(q.FailedExpectations, ", "))
	}
	fmt.Fprintln(w)
	var reasons []string
	for _, k := range sortedKeys(toInt64(q.SchemaErrors)) {
		reasons = append(reasons, fmt.Sprintf("%s=%d", k, q.SchemaErrors[k]))
	}
	fmt.Fprintf(w, "schema errors by reason: %s\n", strings.Join(reasons, " "))
	fmt.Fprintf(w, "rows %d = %d valid + %d quarantined (%s)\n", q.Rows, q.ValidRows, q.QuarantinedRows, q.QuarantineFile)
	for _, k := range sortedKeys(q.QuarantinedByCheck) {
		fmt.Fprintf(w, "  %7d  %s\n", q.QuarantinedByCheck[k], k)
	}
	fmt.Fprintf(w, "Data Docs: %s\n", q.DataDocsPage)
}

func toInt64(m map[string]int) map[string]int64 {
	out := make(map[string]int64, len(m))
	for k, v := range m {
		out[k] = int64(v)
	}
	return out
}
