package snapshot

import (
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

const (
	benchRows  = 1_000_000
	benchBatch = 1 << 16
)

var benchSchema = arrow.NewSchema([]arrow.Field{
	{Name: "id", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "name", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "zone", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
	{Name: "rate", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "updated_at", Type: &arrow.TimestampType{Unit: arrow.Microsecond}, Nullable: true},
}, nil)

// benchRow is one synthetic dimension row.
type benchRow struct {
	id   int64
	name string
	zone int32
	rate float64
	upd  time.Time
}

// benchData returns the first and second source of a dimension of n rows:
// in the second, 1% of the rows changed (later updated_at, new name),
// 0.1% are gone and 0.1% are new. Seeded, so every run is the same.
func benchData(n int) (first, second []benchRow) {
	rng := rand.New(rand.NewPCG(42, 2026))
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		first = append(first, benchRow{id: int64(i), name: "customer-" + strconv.Itoa(i), zone: int32(rng.IntN(265) + 1),
			rate: float64(rng.IntN(10000)) / 100, upd: base.Add(time.Duration(rng.IntN(86400)) * time.Second)})
	}
	for _, r := range first {
		switch x := rng.IntN(1000); {
		case x < 1: // deleted
			continue
		case x < 11: // changed
			r.name += "-v2"
			r.upd = r.upd.Add(30 * 24 * time.Hour)
		}
		second = append(second, r)
	}
	for i := range n / 1000 {
		second = append(second, benchRow{id: int64(n + i), name: "new-" + strconv.Itoa(i), zone: 1, rate: 1,
			upd: base.Add(31 * 24 * time.Hour)})
	}
	return first, second
}

// benchBatches builds batches of benchBatch rows.
func benchBatches(mem memory.Allocator, rows []benchRow) []arrow.RecordBatch {
	var out []arrow.RecordBatch
	for len(rows) > 0 {
		n := min(len(rows), benchBatch)
		b := array.NewRecordBuilder(mem, benchSchema)
		for _, r := range rows[:n] {
			b.Field(0).(*array.Int64Builder).Append(r.id)
			b.Field(1).(*array.StringBuilder).Append(r.name)
			b.Field(2).(*array.Int32Builder).Append(r.zone)
			b.Field(3).(*array.Float64Builder).Append(r.rate)
			b.Field(4).(*array.TimestampBuilder).AppendTime(r.upd)
		}
		out = append(out, b.NewRecordBatch())
		b.Release()
		rows = rows[n:]
	}
	return out
}

// BenchmarkApply runs one snapshot of a 1,000,000-row dimension with 1%
// changed, 0.1% deleted and 0.1% new rows; rows/s counts source rows.
func BenchmarkApply(b *testing.B) {
	mem := memory.NewGoAllocator()
	firstRows, secondRows := benchData(benchRows)
	first, second := benchBatches(mem, firstRows), benchBatches(mem, secondRows)
	defer releaseAll(first)
	defer releaseAll(second)
	now1 := time.Date(2024, 1, 15, 0, 0, 0, 0, time.UTC)
	now2 := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
	for _, bc := range []struct {
		name string
		cfg  Config
	}{
		{"timestamp/new_record", Config{UniqueKey: []string{"id"}, Strategy: StrategyTimestamp, UpdatedAt: "updated_at", HardDeletes: HardDeletesNewRecord}},
		{"check-all/invalidate", Config{UniqueKey: []string{"id"}, Strategy: StrategyCheck, HardDeletes: HardDeletesInvalidate}},
	} {
		bc.cfg.Mem = mem
		res, err := Apply(bc.cfg, nil, first, now1)
		if err != nil {
			b.Fatal(err)
		}
		table, err := Merge(mem, nil, res)
		res.Release()
		if err != nil {
			b.Fatal(err)
		}
		b.Run(bc.name+"/first-run", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				res, err := Apply(bc.cfg, nil, first, now1)
				if err != nil {
					b.Fatal(err)
				}
				res.Release()
			}
			b.ReportMetric(float64(benchRows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
		b.Run(bc.name+"/incremental", func(b *testing.B) {
			b.ReportAllocs()
			var st Stats
			for b.Loop() {
				res, err := Apply(bc.cfg, table, second, now2)
				if err != nil {
					b.Fatal(err)
				}
				st = res.Stats
				res.Release()
			}
			b.ReportMetric(float64(len(secondRows))*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
			if st.Changed < benchRows/200 || st.Deleted < benchRows/2000 || st.New != benchRows/1000 {
				b.Fatalf("unexpected stats %+v", st)
			}
		})
		releaseAll(table)
	}
}
