package lakehouse_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/magnumopus/opus/lakehouse"
	"github.com/magnumopus/opus/tlc"
)

// Example writes a month of synthetic yellow trips to the embedded default
// warehouse (a SQLite catalog and local files), replaces part of it, and
// reads it back, now and as it was.
func Example() {
	dir, err := os.MkdirTemp("", "opus-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	ctx := context.Background()

	w, err := lakehouse.Open(ctx, lakehouse.Config{Warehouse: dir})
	if err != nil {
		log.Fatal(err)
	}
	defer w.Close()

	schema, _ := tlc.Schema(tlc.Yellow)
	err = w.CreateTable(ctx, "bronze.yellow", lakehouse.TableSpec{
		Schema:    schema,
		Partition: []lakehouse.PartitionField{lakehouse.Month("pickup_datetime")},
	})
	if err != nil {
		log.Fatal(err)
	}

	g, _ := tlc.NewGenerator(tlc.GenerateConfig{Kind: tlc.Yellow, Year: 2024, Month: 1, Rows: 500, Seed: 1})
	rec := g.Next(memory.DefaultAllocator, 500)
	defer rec.Release()
	first, err := w.Append(ctx, "bronze.yellow", []arrow.RecordBatch{rec})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("appended:", first.AddedRows, "rows,", first.Operation)

	// Drop vendor 2's trips in one copy-on-write commit.
	second, err := w.ReplaceWhere(ctx, "bronze.yellow", lakehouse.Eq("vendor_id", int32(2)), nil)
	if err != nil {
		log.Fatal(err)
	}
	now, _ := w.Count(ctx, "bronze.yellow", lakehouse.ScanOptions{})
	then, _ := w.Count(ctx, "bronze.yellow", lakehouse.ScanOptions{SnapshotID: first.ID})
	january, _ := w.Count(ctx, "bronze.yellow", lakehouse.ScanOptions{
		Filter: lakehouse.MonthRange("pickup_datetime", 2024, time.January),
	})
	fmt.Println("after replace:", now == second.TotalRows, now < then, january == now)
	fmt.Println("as of the first snapshot:", then, "rows")

	history, _ := w.Snapshots(ctx, "bronze.yellow")
	for _, s := range history {
		fmt.Println(s.Operation, s.Current)
	}
	// Output:
	// appended: 500 rows, append
	// after replace: true true true
	// as of the first snapshot: 500 rows
	// append false
	// overwrite true
}
