package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/csv"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/magnumopus/opus/quality"
	"github.com/magnumopus/opus/tlc"
)

// load reads the data file into a table: canonically when it is a TLC trip
// file (and raw is false), else as the file's own columns.
func load(ctx context.Context, path string, raw bool) (*quality.Table, error) {
	if !raw {
		r, err := tlc.Open(ctx, path, tlc.ReadOptions{KeepExtra: true})
		if err == nil {
			defer r.Close()
			return collect(r, path)
		}
		// Not a trip file (or not readable as one): fall back to raw,
		// which reports corrupt files in its own words.
	}
	lower := strings.ToLower(path)
	switch {
	case strings.HasSuffix(lower, ".parquet"):
		return loadParquet(ctx, path)
	case strings.HasSuffix(lower, ".csv"):
		return loadCSV(path)
	}
	return nil, fmt.Errorf("%s: unknown file type (want .parquet or .csv)", path)
}

type batchReader interface {
	Next() bool
	RecordBatch() arrow.RecordBatch
	Err() error
}

func collect(r batchReader, path string) (*quality.Table, error) {
	var batches []arrow.RecordBatch
	defer func() {
		for _, b := range batches {
			b.Release()
		}
	}()
	for r.Next() {
		b := r.RecordBatch()
		b.Retain()
		batches = append(batches, b)
	}
	if err := r.Err(); err != nil {
		return nil, err
	}
	if len(batches) == 0 {
		return nil, fmt.Errorf("%s: no rows", path)
	}
	return quality.NewTable(batches...)
}

func loadParquet(ctx context.Context, path string) (*quality.Table, error) {
	pf, err := file.OpenParquetFile(path, false)
	if err != nil {
		return nil, fmt.Errorf("%s: not a readable Parquet file: %w", path, err)
	}
	defer pf.Close()
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{BatchSize: 64 << 10, Parallel: true}, memory.DefaultAllocator)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	rr, err := fr.GetRecordReader(ctx, nil, nil)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	defer rr.Release()
	return collect(rr, path)
}

func loadCSV(path string) (*quality.Table, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewInferringReader(f, csv.WithHeader(true), csv.WithChunk(64<<10), csv.WithNullReader(true, ""))
	defer r.Release()
	t, err := collect(r, path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return t, nil
}
