package benchmarks

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/magnumopus/opus/lakehouse"
	"github.com/magnumopus/opus/lakehouse/medallion"
	"github.com/magnumopus/opus/tlc"
)

// BenchmarkMedallion runs one generated 3-million-row yellow month through
// the lakehouse layers on the embedded warehouse (SQLite catalog, local
// directory): bronze ingest, silver build (quality gate, dedup, derived
// columns, quarantine, reconciliation) and gold build (three marts), each
// stage alone on a warehouse holding the previous stages, then all three on
// a fresh warehouse. rows/s counts the month's rows.
func BenchmarkMedallion(b *testing.B) {
	path := generatedMonth(b)
	ctx := context.Background()
	month := tlc.Month{Year: 2024, Month: 1}
	file := filepath.Base(path)
	open := func(b *testing.B) *lakehouse.Warehouse {
		w, err := lakehouse.Open(ctx, lakehouse.Config{Warehouse: b.TempDir()})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { _ = w.Close() })
		return w
	}
	bronze := func(b *testing.B, w *lakehouse.Warehouse) int64 {
		res, err := medallion.IngestBronze(ctx, w, path, medallion.BronzeOptions{})
		if err != nil {
			b.Fatal(err)
		}
		return res.Rows
	}
	silver := func(b *testing.B, w *lakehouse.Warehouse) int64 {
		res, err := medallion.BuildSilver(ctx, w, medallion.SilverOptions{Kind: tlc.Yellow, SourceFiles: []string{file}})
		if err != nil {
			b.Fatal(err)
		}
		return res.Files[0].BronzeRows
	}
	gold := func(b *testing.B, w *lakehouse.Warehouse) int64 {
		if _, err := medallion.BuildGold(ctx, w, medallion.GoldOptions{Month: month}); err != nil {
			b.Fatal(err)
		}
		return 0
	}
	stages := []struct {
		name  string
		setup []func(*testing.B, *lakehouse.Warehouse) int64
		run   func(*testing.B, *lakehouse.Warehouse) int64
	}{
		{"bronze", nil, bronze},
		{"silver", []func(*testing.B, *lakehouse.Warehouse) int64{bronze}, silver},
		{"gold", []func(*testing.B, *lakehouse.Warehouse) int64{bronze, silver}, gold},
	}
	const rows = 3_000_000
	for _, s := range stages {
		b.Run(s.name, func(b *testing.B) {
			w := open(b)
			for _, f := range s.setup {
				f(b, w)
			}
			start := resetPeakRSS(b)
			for b.Loop() {
				s.run(b, w)
			}
			b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
			reportPeakRSS(b, start)
		})
	}
	b.Run("bronze-silver-gold", func(b *testing.B) {
		start := resetPeakRSS(b)
		for b.Loop() {
			b.StopTimer()
			w := open(b)
			b.StartTimer()
			if n := bronze(b, w); n != rows {
				b.Fatalf("bronze: %d rows", n)
			}
			silver(b, w)
			gold(b, w)
		}
		b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		reportPeakRSS(b, start)
	})
}
