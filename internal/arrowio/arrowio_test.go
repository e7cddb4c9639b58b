package arrowio

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
)

func TestWriteParquet(t *testing.T) {
	sc := arrow.NewSchema([]arrow.Field{{Name: "x", Type: arrow.PrimitiveTypes.Int64}}, nil)
	b := array.NewInt64Builder(memory.DefaultAllocator)
	b.AppendValues([]int64{1, 2, 3}, nil)
	arr := b.NewArray()
	b.Release()
	rec := array.NewRecordBatch(sc, []arrow.Array{arr}, 3)
	arr.Release()
	defer rec.Release()
	dir := t.TempDir()
	for _, tc := range []struct {
		name    string
		batches []arrow.RecordBatch
		rows    int64
	}{{"some/dir/rows.parquet", []arrow.RecordBatch{rec, rec}, 6}, {"empty.parquet", nil, 0}} {
		path := filepath.Join(dir, tc.name)
		if err := WriteParquet(path, sc, tc.batches); err != nil {
			t.Fatal(err)
		}
		pf, err := file.OpenParquetFile(path, false)
		if err != nil {
			t.Fatal(err)
		}
		if pf.NumRows() != tc.rows || pf.MetaData().Schema.NumColumns() != 1 {
			t.Errorf("%s: %d rows, %d columns", tc.name, pf.NumRows(), pf.MetaData().Schema.NumColumns())
		}
		pf.Close()
	}
	left, _ := filepath.Glob(filepath.Join(dir, "*.tmp"))
	if len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
	if err := WriteParquet(filepath.Join(dir, "bad.parquet"), arrow.NewSchema([]arrow.Field{{Name: "y", Type: arrow.BinaryTypes.String}}, nil), []arrow.RecordBatch{rec}); err == nil {
		t.Error("writing batches of another schema succeeded")
	}
	if _, err := os.Stat(filepath.Join(dir, "bad.parquet")); !os.IsNotExist(err) {
		t.Errorf("a failed write left its file: %v", err)
	}
}
