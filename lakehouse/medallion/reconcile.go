package medallion

import (
	"context"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/magnumopus/opus/lakehouse"
)

// ReconciliationSchema returns the schema of the reconciliation table: one
// row per source file and silver build, with the build's id and time and
// the counts of Reconciliation plus whether they balance.
func ReconciliationSchema() *arrow.Schema {
	i64 := arrow.PrimitiveTypes.Int64
	return arrow.NewSchema([]arrow.Field{
		{Name: ColBatchID, Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "built_at", Type: &arrow.TimestampType{Unit: arrow.Microsecond}, Nullable: true},
		{Name: ColServiceType, Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: ColSourceFile, Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "bronze_rows", Type: i64, Nullable: true},
		{Name: "silver_rows", Type: i64, Nullable: true},
		{Name: "quarantined_rows", Type: i64, Nullable: true},
		{Name: "duplicate_rows", Type: i64, Nullable: true},
		{Name: "balanced", Type: arrow.FixedWidthTypes.Boolean, Nullable: true},
	}, nil)
}

// recordReconciliation appends one row per file to the reconciliation
// table name, creating it when missing.
func recordReconciliation(ctx context.Context, w *lakehouse.Warehouse, name, batchID string, at time.Time, files []Reconciliation) error {
	sc := ReconciliationSchema()
	if err := ensureTable(ctx, w, name, sc); err != nil {
		return err
	}
	b := array.NewRecordBuilder(memory.DefaultAllocator, sc)
	defer b.Release()
	wall := at.UTC().UnixMicro()
	for _, r := range files {
		b.Field(0).(*array.StringBuilder).Append(batchID)
		b.Field(1).(*array.TimestampBuilder).Append(arrow.Timestamp(wall))
		b.Field(2).(*array.StringBuilder).Append(r.ServiceType)
		b.Field(3).(*array.StringBuilder).Append(r.SourceFile)
		b.Field(4).(*array.Int64Builder).Append(r.BronzeRows)
		b.Field(5).(*array.Int64Builder).Append(r.SilverRows)
		b.Field(6).(*array.Int64Builder).Append(r.QuarantinedRows)
		b.Field(7).(*array.Int64Builder).Append(r.DuplicateRows)
		b.Field(8).(*array.BooleanBuilder).Append(r.Balanced())
	}
	rec := b.NewRecordBatch()
	defer rec.Release()
	_, err := w.Append(ctx, name, []arrow.RecordBatch{rec})
	return err
}
