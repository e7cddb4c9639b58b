package medallion_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/magnumopus/opus/lakehouse"
	"github.com/magnumopus/opus/lakehouse/medallion"
	"github.com/magnumopus/opus/tlc"
)

// A synthetic month of yellow trips through bronze, silver and gold.
func Example() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "opus-medallion")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	path := filepath.Join(dir, "yellow_tripdata_2024-01.parquet")
	_, err = tlc.GenerateFile(ctx, tlc.GenerateConfig{Kind: tlc.Yellow, Year: 2024, Month: 1, Rows: 5000, Seed: 1, DefectRate: 0.02}, path)
	if err != nil {
		log.Fatal(err)
	}
	w, err := lakehouse.Open(ctx, lakehouse.Config{Warehouse: filepath.Join(dir, "warehouse")})
	if err != nil {
		log.Fatal(err)
	}
	defer w.Close()

	bronze, err := medallion.IngestBronze(ctx, w, path, medallion.BronzeOptions{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(bronze.Table, bronze.Rows)

	res, err := medallion.Build(ctx, w, medallion.BuildOptions{Month: tlc.Month{Year: 2024, Month: 1}, Kinds: []tlc.Kind{tlc.Yellow}})
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range res.Silver[tlc.Yellow].Files {
		if r.BronzeRows > 0 {
			fmt.Printf("%s: bronze %d = silver %d + quarantine %d + duplicates %d: %v\n",
				r.SourceFile, r.BronzeRows, r.SilverRows, r.QuarantinedRows, r.DuplicateRows, r.Balanced())
		}
	}
	fmt.Println(res.Gold.SilverRows, "silver trips in the gold marts")
	// Output:
	// bronze.yellow_trips 5000
	// yellow_tripdata_2024-01.parquet: bronze 5000 = silver 4915 + quarantine 70 + duplicates 15: true
	// 4915 silver trips in the gold marts
}
