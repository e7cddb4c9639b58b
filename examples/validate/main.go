// Command validate checks a data file against a Great Expectations suite
// and prints the GX-shaped validation result JSON.
//
//	validate -suite SUITE.json -data FILE[.parquet|.csv] [-format SUMMARY]
//	         [-out result.json] [-docs DIR] [-quarantine OUT.parquet|OUT.csv]
//
// TLC trip files (any year) are read through the tlc package, so suites
// name canonical columns; other files are read as they are (-raw forces
// that). -quarantine writes the rows that failed, with their original
// columns plus _row and _failed_checks. -docs adds the run to a Data Docs
// site. Exit status: 0 when the suite passes, 1 when it fails, 2 on bad
// input (an unknown expectation type, a missing file, a bad flag).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"

	"github.com/magnumopus/opus/quality"
)

// Exit statuses.
const (
	exitPass     = 0
	exitFail     = 1
	exitBadInput = 2
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

type options struct {
	suite, data, format, out, docs, quarantine string
	raw                                        bool
}

func parse(args []string, stderr io.Writer) (options, error) {
	fs := flag.NewFlagSet("validate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o options
	fs.StringVar(&o.suite, "suite", "", "GX suite JSON (1.x or 0.x form)")
	fs.StringVar(&o.data, "data", "", "data file: .parquet or .csv (TLC trip files are read canonically)")
	fs.StringVar(&o.format, "format", "", "result format: BOOLEAN_ONLY, BASIC, SUMMARY or COMPLETE (default: each expectation's own, else SUMMARY)")
	fs.StringVar(&o.out, "out", "", "also write the result JSON to this file")
	fs.StringVar(&o.docs, "docs", "", "add the run to the Data Docs site in this directory")
	fs.StringVar(&o.quarantine, "quarantine", "", "write failing rows to this .parquet or .csv file")
	fs.BoolVar(&o.raw, "raw", false, "read the data as it is, even when it is a TLC trip file")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if o.suite == "" || o.data == "" {
		return o, errors.New("-suite and -data are required")
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments %v", fs.Args())
	}
	if q := strings.ToLower(o.quarantine); q != "" && !strings.HasSuffix(q, ".parquet") && !strings.HasSuffix(q, ".csv") {
		return o, fmt.Errorf("-quarantine %s: want a .parquet or .csv file", o.quarantine)
	}
	return o, nil
}

// run returns the exit status; messages go to stderr, the result to stdout.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	o, err := parse(args, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "validate:", err)
		return exitBadInput
	}
	suite, err := quality.ReadSuiteFile(o.suite)
	if err != nil {
		fmt.Fprintln(stderr, "validate:", err)
		return exitBadInput
	}
	opts := &quality.ValidateOptions{BatchSpec: map[string]any{"path": o.data}}
	if o.format != "" {
		rf, err := quality.ParseResultFormat(o.format)
		if err != nil {
			fmt.Fprintf(stderr, "validate: -format %s: %v\n", o.format, err)
			return exitBadInput
		}
		opts.ResultFormat = &rf
	}
	tbl, err := load(ctx, o.data, o.raw)
	if err != nil {
		fmt.Fprintln(stderr, "validate:", err)
		return exitBadInput
	}
	defer tbl.Release()
	res, err := suite.Validate(tbl, opts)
	if err != nil {
		fmt.Fprintln(stderr, "validate:", err)
		return exitBadInput
	}
	if missing := missingColumns(res); len(missing) > 0 {
		fmt.Fprintf(stderr, "validate: %s has no column %s\n", o.data, strings.Join(missing, ", "))
		return exitBadInput
	}
	if err := emit(res, o, stdout); err != nil {
		fmt.Fprintln(stderr, "validate:", err)
		return exitBadInput
	}
	if o.quarantine != "" {
		n, err := writeQuarantine(tbl, res.Failures, o.quarantine)
		if err != nil {
			fmt.Fprintln(stderr, "validate:", err)
			return exitBadInput
		}
		fmt.Fprintf(stderr, "validate: %d of %d rows quarantined to %s\n", n, tbl.NumRows(), o.quarantine)
	}
	if o.docs != "" {
		page, err := writeDocs(o.docs, res)
		if err != nil {
			fmt.Fprintln(stderr, "validate:", err)
			return exitBadInput
		}
		fmt.Fprintf(stderr, "validate: Data Docs page %s\n", page)
	}
	if !res.Success {
		return exitFail
	}
	return exitPass
}

// missingColumns lists the columns expectations named that the data lacks:
// GX reports them as raised exceptions; for this command they are bad input.
func missingColumns(res *quality.SuiteValidationResult) []string {
	var out []string
	for _, r := range res.Results {
		if r.ExceptionInfo.RaisedException && strings.Contains(r.ExceptionInfo.ExceptionMessage, "does not exist") {
			out = append(out, fmt.Sprintf("%q (%s)", r.ExpectationConfig.Column(), r.ExpectationConfig.Type))
		}
	}
	return out
}

func emit(res *quality.SuiteValidationResult, o options, stdout io.Writer) error {
	if err := res.WriteJSON(stdout); err != nil {
		return err
	}
	if o.out == "" {
		return nil
	}
	f, err := os.Create(o.out)
	if err != nil {
		return err
	}
	if err := res.WriteJSON(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
