package benchmarks

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/magnumopus/opus/tlc"
)

// Generated inputs are cached under out/ (ignored by git): generating three
// million rows takes longer than reading them.
const (
	monthRows = 3_000_000
	monthSeed = 2024
)

// generatedMonth returns a 3-million-row yellow 2024-01 file in the 2024
// TLC layout (one row group, as the TLC writes them), generating it once.
func generatedMonth(b *testing.B) string {
	b.Helper()
	return generated(b, tlc.Yellow, monthRows)
}

func generated(b *testing.B, kind tlc.Kind, rows int) string {
	b.Helper()
	return generatedMonthOf(b, kind, tlc.Month{Year: 2024, Month: 1}, rows)
}

// generatedMonthOf generates rows trips of kind in month m, in the physical
// layout of that month's TLC files (2009: text times and codes, lat/lon).
func generatedMonthOf(b *testing.B, kind tlc.Kind, m tlc.Month, rows int) string {
	b.Helper()
	path := filepath.Join("out", fmt.Sprintf("%s_tripdata_%s_%d_seed%d.parquet", kind, m, rows, monthSeed))
	if _, err := os.Stat(path); err == nil {
		return path
	}
	if err := os.MkdirAll("out", 0o755); err != nil {
		b.Fatal(err)
	}
	tmp := path + ".tmp.parquet"
	cfg := tlc.GenerateConfig{Kind: kind, Year: m.Year, Month: int(m.Month), Rows: rows, Seed: monthSeed, DefectRate: 0.01}
	if _, err := tlc.GenerateFile(context.Background(), cfg, tmp); err != nil {
		b.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		b.Fatal(err)
	}
	return path
}
