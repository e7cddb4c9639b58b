package lakehouse_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/magnumopus/opus/lakehouse"
	"github.com/magnumopus/opus/lakehouse/snapshot"
)

// Two runs of a dbt-style snapshot of a small customer table: the second
// run sees one change, one deletion and one new customer.
func ExampleWarehouse_RunSnapshot() {
	dir, err := os.MkdirTemp("", "opus-scd2")
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

	customers := func(ids []int64, cities []string) arrow.RecordBatch {
		sc := arrow.NewSchema([]arrow.Field{
			{Name: "id", Type: arrow.PrimitiveTypes.Int64},
			{Name: "city", Type: arrow.BinaryTypes.String},
		}, nil)
		b := array.NewRecordBuilder(memory.DefaultAllocator, sc)
		defer b.Release()
		b.Field(0).(*array.Int64Builder).AppendValues(ids, nil)
		b.Field(1).(*array.StringBuilder).AppendValues(cities, nil)
		return b.NewRecordBatch()
	}
	cfg := snapshot.Config{UniqueKey: []string{"id"}, Strategy: snapshot.StrategyCheck,
		CheckCols: []string{"city"}, HardDeletes: snapshot.HardDeletesInvalidate}
	runs := []arrow.RecordBatch{
		customers([]int64{1, 2, 3}, []string{"Queens", "Bronx", "Brooklyn"}),
		customers([]int64{1, 2, 4}, []string{"Queens", "Manhattan", "Staten Island"}),
	}
	day := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for i, src := range runs {
		run, err := w.RunSnapshot(ctx, "dims.customers", cfg, []arrow.RecordBatch{src}, day.AddDate(0, 0, i))
		src.Release()
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("run %d: new %d, changed %d, deleted %d, unchanged %d\n",
			i+1, run.Stats.New, run.Stats.Changed, run.Stats.Deleted, run.Stats.Unchanged)
	}
	all, _ := w.Count(ctx, "dims.customers", lakehouse.ScanOptions{})
	current, _ := w.Count(ctx, "dims.customers", lakehouse.ScanOptions{Filter: lakehouse.IsNull("dbt_valid_to")})
	fmt.Printf("%d versions, %d current\n", all, current)
	// Output:
	// run 1: new 3, changed 0, deleted 0, unchanged 0
	// run 2: new 1, changed 1, deleted 1, unchanged 1
	// 5 versions, 3 current
}
