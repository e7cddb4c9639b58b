package quality_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/magnumopus/opus/quality"
)

// docsExampleTrips returns a small table of trips: a zone id and a fare.
func docsExampleTrips() *quality.Table {
	sc := arrow.NewSchema([]arrow.Field{
		{Name: "zone", Type: arrow.PrimitiveTypes.Int64},
		{Name: "fare", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	}, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, sc)
	defer b.Release()
	b.Field(0).(*array.Int64Builder).AppendValues([]int64{12, 140, 999, 7}, nil)
	b.Field(1).(*array.Float64Builder).AppendValues([]float64{9.5, 21, 14, -3}, nil)
	rec := b.NewRecordBatch()
	defer rec.Release()
	t, err := quality.NewTable(rec)
	if err != nil {
		log.Fatal(err)
	}
	return t
}

// docsExampleSuite expects zones between 1 and 265 and fares of at least 0.
func docsExampleSuite() *quality.Suite {
	s := quality.NewSuite("trips")
	for _, kw := range []map[string]any{
		{"column": "zone", "min_value": 1, "max_value": 265},
		{"column": "fare", "min_value": 0},
	} {
		if _, err := s.Add("expect_column_values_to_be_between", kw); err != nil {
			log.Fatal(err)
		}
	}
	return s
}

// Writing a validation result to a Data Docs site stores its GX JSON,
// renders its page and rebuilds the index of runs.
func ExampleDataDocs_Write() {
	t := docsExampleTrips()
	defer t.Release()
	res, err := docsExampleSuite().Validate(t, &quality.ValidateOptions{
		RunName: "nightly",
		RunTime: time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC),
	})
	if err != nil {
		log.Fatal(err)
	}
	dir, err := os.MkdirTemp("", "datadocs")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	docs := quality.DataDocs{Dir: dir}
	if _, err := docs.Write(res); err != nil {
		log.Fatal(err)
	}
	filepath.WalkDir(dir, func(path string, e fs.DirEntry, err error) error {
		if err == nil && !e.IsDir() {
			rel, _ := filepath.Rel(dir, path)
			fmt.Println(filepath.ToSlash(rel))
		}
		return err
	})
	runs, _, err := docs.Runs()
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range runs {
		fmt.Printf("%s %s: success=%v, %d of %d expectations failed\n", r.Suite, r.RunName, r.Success,
			r.Statistics.UnsuccessfulExpectations, r.Statistics.EvaluatedExpectations)
	}
	// Output:
	// index.html
	// validations/trips/nightly/20240501T000000.000000Z.html
	// validations/trips/nightly/20240501T000000.000000Z.json
	// trips nightly: success=false, 2 of 2 expectations failed
}

// A checkpoint validates a table, then runs its actions in order: here it
// updates Data Docs, quarantines the failing rows and fails the run.
func ExampleCheckpoint_Run() {
	t := docsExampleTrips()
	defer t.Release()
	dir, err := os.MkdirTemp("", "checkpoint")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	cp := &quality.Checkpoint{
		Name:  "nightly_trips",
		Suite: docsExampleSuite(),
		Actions: []quality.Action{
			quality.UpdateDataDocsAction{Docs: quality.DataDocs{Dir: dir}},
			quality.QuarantineAction{
				WriteRejected: func(_ context.Context, rejected []arrow.RecordBatch) error {
					for _, b := range rejected {
						fmt.Println("rejected:", b.Column(2), b.Column(3))
					}
					return nil
				},
			},
			quality.FailAction{},
		},
	}
	res, err := cp.Run(context.Background(), t)
	for _, a := range res.Actions {
		switch {
		case a.Err != nil:
			fmt.Printf("%s: failed\n", a.Name)
		case a.Name != "update_data_docs": // its detail names the temporary page
			fmt.Printf("%s: %s\n", a.Name, a.Detail)
		}
	}
	if errors.Is(err, quality.ErrValidationFailed) {
		fmt.Println("exit 1:", err)
	}
	// Output:
	// rejected: [2 3] [["expect_column_values_to_be_between(zone)"] ["expect_column_values_to_be_between(fare)"]]
	// quarantine: 2 valid rows, 2 rejected (expect_column_values_to_be_between(fare): 1; expect_column_values_to_be_between(zone): 1)
	// fail_on_validation_failure: failed
	// exit 1: quality: checkpoint "nightly_trips": action 2 (fail_on_validation_failure): validation failed: suite "trips": 2 of 2 expectations unsuccessful: expect_column_values_to_be_between(zone), expect_column_values_to_be_between(fare)
}

// DescribeExpectation renders an expectation as Data Docs shows it.
func ExampleDescribeExpectation() {
	s := quality.NewSuite("trips")
	e, err := s.Add("expect_column_values_to_be_between",
		map[string]any{"column": "PULocationID", "min_value": 1, "max_value": 265, "mostly": 0.99})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(e.Column()+":", quality.DescribeExpectation(e))
	// Output:
	// PULocationID: values must be between 1 and 265, at least 99% of the time
}
