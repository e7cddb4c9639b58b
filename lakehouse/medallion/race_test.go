package medallion_test

import (
	"path/filepath"
	"sync"
	"testing"

	"github.com/magnumopus/opus/lakehouse"
	"github.com/magnumopus/opus/lakehouse/medallion"
	"github.com/magnumopus/opus/tlc"
)

// race runs fn twice at once and fails on either error.
func race(t *testing.T, what string, fn func() error) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range errs {
		wg.Go(func() { errs[i] = fn() })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
}

// Two builds of the same data racing: the loser of each commit race redoes
// its streamed write against the winner's table, with fresh counts, so the
// tables hold every row once and both builds balance.
func TestLayersRacing(t *testing.T) {
	forEachBackend(t, func(t *testing.T, w *lakehouse.Warehouse) {
		ctx := testContext(t)
		path := genFile(t, tlc.Yellow, 1, 3000, 31, ".parquet")
		file := filepath.Base(path)
		race(t, "bronze", func() error {
			_, err := medallion.IngestBronze(ctx, w, path, medallion.BronzeOptions{})
			return err
		})
		if n := count(t, w, medallion.BronzeTable("", tlc.Yellow), lakehouse.ScanOptions{}); n != 3000 {
			t.Fatalf("bronze holds %d rows, want 3000", n)
		}
		var mu sync.Mutex
		var results []medallion.Reconciliation
		race(t, "silver", func() error {
			res, err := medallion.BuildSilver(ctx, w, medallion.SilverOptions{Kind: tlc.Yellow, SourceFiles: []string{file}})
			if err == nil {
				mu.Lock()
				results = append(results, res.Files[0])
				mu.Unlock()
			}
			return err
		})
		if results[0] != results[1] || !results[0].Balanced() || results[0].BronzeRows != 3000 {
			t.Fatalf("racing silver builds: %+v", results)
		}
		if n := count(t, w, medallion.SilverTable(""), lakehouse.ScanOptions{}); n != results[0].SilverRows {
			t.Fatalf("silver holds %d rows, the builds reported %d", n, results[0].SilverRows)
		}
		if n := count(t, w, medallion.QuarantineTable(""), lakehouse.ScanOptions{}); n != results[0].QuarantinedRows {
			t.Fatalf("quarantine holds %d rows, the builds reported %d", n, results[0].QuarantinedRows)
		}
		var golds []medallion.GoldResult
		race(t, "gold", func() error {
			res, err := medallion.BuildGold(ctx, w, medallion.GoldOptions{Month: tlc.Month{Year: 2024, Month: 1}})
			if err == nil {
				mu.Lock()
				golds = append(golds, res)
				mu.Unlock()
			}
			return err
		})
		for name, rows := range golds[0].Rows {
			if golds[1].Rows[name] != rows {
				t.Fatalf("%s: the racing builds wrote %d and %d rows", name, rows, golds[1].Rows[name])
			}
			if n := count(t, w, name, lakehouse.ScanOptions{}); n != rows {
				t.Fatalf("%s holds %d rows, want %d", name, n, rows)
			}
		}
	})
}
