package tlc

import (
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/magnumopus/opus/quality"
)

// The default suites pass on clean generated months and reject the rows
// the generator spoiled on purpose.
func TestDefaultSuitesOnGeneratedMonths(t *testing.T) {
	for _, k := range Kinds() {
		t.Run(string(k), func(t *testing.T) {
			suite, err := Suite(k)
			if err != nil {
				t.Fatal(err)
			}
			clean := validateGenerated(t, suite, GenerateConfig{Kind: k, Year: 2024, Month: 1, Rows: 20_000, Seed: 3})
			if !clean.Success {
				for _, r := range clean.Results {
					if !r.Success {
						t.Errorf("clean month fails %s: %+v", r.ExpectationConfig.Type, r.Result)
					}
				}
			}
			spoiled := validateGenerated(t, suite, GenerateConfig{Kind: k, Year: 2024, Month: 1, Rows: 20_000, Seed: 3, DefectRate: 0.05})
			if spoiled.Success || len(spoiled.Failures) == 0 {
				t.Errorf("a month with 5%% defects passes the %s suite", k)
			}
		})
	}
}

func validateGenerated(t *testing.T, s *quality.Suite, cfg GenerateConfig) *quality.SuiteValidationResult {
	t.Helper()
	g, err := NewGenerator(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var batches []arrow.RecordBatch
	for g.Remaining() > 0 {
		batches = append(batches, g.Next(memory.DefaultAllocator, 8192))
	}
	tbl, err := quality.NewTable(batches...)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range batches {
		b.Release()
	}
	defer tbl.Release()
	res, err := s.Validate(tbl, nil)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// The default schemas accept real files apart from their genuine defects:
// the fare arithmetic holds on at least 98 % of real trips (green 2024-01
// has 1.5 % flex-fare trips whose congestion surcharge is missing; 1.7 % fail in all).
func TestDefaultSchemaOnRealFiles(t *testing.T) {
	for _, f := range []string{"yellow-tripdata-sample.narendar.csv", "green_tripdata_2024-01.parquet"} {
		t.Run(f, func(t *testing.T) {
			r, recs, _ := readAll(t, fixture(t, f), ReadOptions{})
			schema, err := QualitySchema(r.Kind())
			if err != nil {
				t.Fatal(err)
			}
			tbl, err := quality.NewTable(recs...)
			if err != nil {
				t.Fatal(err)
			}
			defer tbl.Release()
			rep, err := schema.Validate(tbl, quality.SchemaOptions{Lazy: true})
			if rep == nil {
				t.Fatal(err)
			}
			defer rep.Release()
			for _, rf := range rep.RowFailures {
				share := float64(rf.Rows.Count()) / float64(tbl.NumRows())
				t.Logf("%s %s: %d rows (%.2f %%)", rf.Column, rf.Check, rf.Rows.Count(), 100*share)
				if rf.Check == "fare_arithmetic" && share > 0.02 {
					t.Errorf("fare arithmetic fails %.1f %% of real trips", 100*share)
				}
			}
		})
	}
}

func TestDefaultSchemaOnGeneratedMonths(t *testing.T) {
	for _, k := range Kinds() {
		schema, err := QualitySchema(k)
		if err != nil {
			t.Fatal(err)
		}
		g, _ := NewGenerator(GenerateConfig{Kind: k, Year: 2024, Month: 1, Rows: 20_000, Seed: 5})
		rec := g.Next(memory.DefaultAllocator, 20_000)
		tbl, err := quality.NewTable(rec)
		rec.Release()
		if err != nil {
			t.Fatal(err)
		}
		rep, err := schema.Validate(tbl, quality.SchemaOptions{Lazy: true})
		if err != nil {
			for _, rf := range rep.RowFailures {
				t.Errorf("%s: clean month fails %s %s on %d rows", k, rf.Column, rf.Check, rf.Rows.Count())
			}
			if len(rep.RowFailures) == 0 {
				t.Errorf("%s: %v", k, err)
			}
		}
		rep.Release()
		tbl.Release()
	}
}
