package tlc

import (
	"context"
	"testing"
)

// Benchmarks beside the code read the real green 2024-01 file (56,551 rows);
// the 3-million-row comparison with DuckDB lives in the benchmarks module.

func BenchmarkReadParquetArrow(b *testing.B) {
	path := fixture(b, "green_tripdata_2024-01.parquet")
	b.ReportAllocs()
	for b.Loop() {
		r, err := Open(context.Background(), path, ReadOptions{})
		if err != nil {
			b.Fatal(err)
		}
		n := int64(0)
		for r.Next() {
			n += r.RecordBatch().NumRows()
		}
		if r.Err() != nil || n != 56551 {
			b.Fatal(n, r.Err())
		}
		r.Close()
	}
	b.ReportMetric(float64(56551*b.N)/b.Elapsed().Seconds(), "rows/s")
}

func BenchmarkReadParquetTypedRows(b *testing.B) {
	path := fixture(b, "green_tripdata_2024-01.parquet")
	b.ReportAllocs()
	for b.Loop() {
		r, err := Open(context.Background(), path, ReadOptions{})
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for _, err := range Rows[GreenTrip](r) {
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		r.Close()
	}
	b.ReportMetric(float64(56551*b.N)/b.Elapsed().Seconds(), "rows/s")
}

func BenchmarkReadCSV(b *testing.B) {
	path := fixture(b, "yellow-tripdata-sample.narendar.csv")
	b.ReportAllocs()
	for b.Loop() {
		r, err := Open(context.Background(), path, ReadOptions{})
		if err != nil {
			b.Fatal(err)
		}
		for r.Next() {
		}
		if r.Err() != nil {
			b.Fatal(r.Err())
		}
		r.Close()
	}
	b.ReportMetric(float64(10000*b.N)/b.Elapsed().Seconds(), "rows/s")
}

func BenchmarkParseWallClock(b *testing.B) {
	for b.Loop() {
		if _, ok, _ := parseWallClock("2025-01-01 00:18:38.000000000"); !ok {
			b.Fatal("parse failed")
		}
	}
}
