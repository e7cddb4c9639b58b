package snapshot_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/magnumopus/opus/lakehouse/snapshot"
)

// zones builds a small taxi-zone dimension: id, borough, updated_at.
func zones(rows ...string) arrow.RecordBatch {
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "id", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "borough", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "updated_at", Type: &arrow.TimestampType{Unit: arrow.Microsecond}, Nullable: true},
	}, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	for _, r := range rows {
		var id int64
		var borough, day string
		fmt.Sscan(strings.ReplaceAll(r, ",", " "), &id, &borough, &day)
		t, _ := time.Parse("2006-01-02", day)
		b.Field(0).(*array.Int64Builder).Append(id)
		b.Field(1).(*array.StringBuilder).Append(borough)
		b.Field(2).(*array.TimestampBuilder).AppendTime(t)
	}
	return b.NewRecordBatch()
}

// printRows writes every row of b, one value per column.
func printRows(b arrow.RecordBatch) {
	for i := range int(b.NumRows()) {
		var vals []string
		for _, c := range b.Columns() {
			vals = append(vals, c.ValueStr(i))
		}
		fmt.Println(" ", strings.Join(vals, " "))
	}
}

// Two runs of a timestamp snapshot with hard_deletes=invalidate: zone 2
// changes borough, zone 3 disappears, zone 4 is new.
func Example() {
	cfg := snapshot.Config{
		Table:       "zones_snapshot",
		UniqueKey:   []string{"id"},
		Strategy:    snapshot.StrategyTimestamp,
		UpdatedAt:   "updated_at",
		HardDeletes: snapshot.HardDeletesInvalidate,
	}
	first := zones("1,Bronx,2024-01-01", "2,Queens,2024-01-01", "3,EWR,2024-01-01")
	defer first.Release()
	res, err := snapshot.Apply(cfg, nil, []arrow.RecordBatch{first}, time.Date(2024, 2, 1, 6, 0, 0, 0, time.UTC))
	if err != nil {
		fmt.Println(err)
		return
	}
	table, _ := snapshot.Merge(nil, nil, res)
	res.Release()

	second := zones("1,Bronx,2024-01-01", "2,Brooklyn,2024-02-15", "4,Manhattan,2024-02-20")
	defer second.Release()
	res, err = snapshot.Apply(cfg, table, []arrow.RecordBatch{second}, time.Date(2024, 3, 1, 6, 0, 0, 0, time.UTC))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer res.Release()
	s := res.Stats
	fmt.Printf("new %d, changed %d, unchanged %d, deleted %d\n", s.New, s.Changed, s.Unchanged, s.Deleted)
	for _, c := range res.Closes {
		fmt.Printf("close batch %d row %d at %s (%s)\n", c.Batch, c.Row, c.ValidTo.Format(time.DateTime), c.Change)
	}
	fmt.Println("insert:")
	printRows(res.Inserts)
	for _, b := range table {
		b.Release()
	}
	// Output:
	// new 1, changed 1, unchanged 1, deleted 1
	// close batch 0 row 1 at 2024-02-15 00:00:00 (updated)
	// close batch 0 row 2 at 2024-03-01 06:00:00 (deleted)
	// insert:
	//   2 Brooklyn 2024-02-15T00:00:00 d19174d16e395cb5fb356bff540784a3 2024-02-15T00:00:00 2024-02-15T00:00:00 (null)
	//   4 Manhattan 2024-02-20T00:00:00 634553c6ee11d0a9c218fd32b864baf8 2024-02-20T00:00:00 2024-02-20T00:00:00 (null)
}

// ScdID hashes rendered values the way dbt-postgres does.
func ExampleScdID() {
	fmt.Println(snapshot.ScdID("1", snapshot.PostgresTimestamp(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC))))
	fmt.Println(snapshot.ScdID("1", snapshot.PostgresTimestamp(time.Date(2024, 1, 1, 0, 0, 0, 5e8, time.UTC))))
	// Output:
	// 8bd6037542377309505ab720e545f24e
	// 94b30cc0e624fcfa12f85608dc1a01cd
}
